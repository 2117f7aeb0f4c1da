/**
 * The floors and the accumulation rules of the leak finder at their DEFAULT thresholds, on small
 * hand-built heap graphs (ids stable across snapshots as within one inspector session): the byte
 * floors (16 KiB candidate, 128 KiB leak, 2 B/request), shared objects charged to the holders that
 * reach them, one finding per accumulation point (DESCEND_SHARE, MIN_SPREAD_MEMBERS), and the
 * structural bound (MIN_CAPACITY). Each test sits on both sides of its threshold, so removing or
 * moving a rule fails it (checked by mutation: see docs/analysis.md).
 */
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../heap/index.js';
import type { HeapGraph } from '../heap/types.js';
import { DESCEND_SHARE } from './accumulation-points.js';
import { analyzeGraphs, DEFAULT_THRESHOLDS } from './analyze-graphs.js';
import { MIN_CAPACITY } from './container-shape.js';
import { testHeapSkeleton, type TestHeap } from './test-heaps.js';

type Heap = TestHeap;
const skeleton = testHeapSkeleton;

const KiB = 1024;
let nextId = 100_001;
/** A fresh id for a new object (odd ids, as V8 gives heap objects). */
const fresh = (): number => (nextId += 2);

/** A Map under module variable `name` holding `entries` (key string + value of `valueBytes`). */
function addMap(h: Heap, name: string, mapId: number, entries: Array<{ id: number }>, step: number, valueBytes: number, holder = h.scope): number {
  const map = h.b.node('object', 'Map', 32, { id: mapId });
  if (holder === h.scope) h.b.edge(h.scope, map, 'context', name);
  const table = h.b.node('array', '', 16 + entries.length * 16, { id: mapId * 100 + step * 2 + 1 });
  h.b.edge(map, table, 'internal', 'table');
  entries.forEach((e, i) => {
    h.b.edge(table, h.b.node('string', `key-${e.id}`, 32, { id: e.id }), 'internal', 2 * i);
    h.b.edge(table, h.b.node('object', 'Session', valueBytes, { id: e.id + 1 }), 'internal', 2 * i + 1);
  });
  return map;
}

/** Entry ids: `old` from the baseline (ids < 10,000) plus `perStep` new ones per step, stable across snapshots. */
function entrySeries(old: number, perStep: number, steps = 2): Array<Array<{ id: number }>> {
  const base = Array.from({ length: old }, (_, i) => ({ id: 5001 + i * 4 }));
  const added = Array.from({ length: perStep * steps }, () => ({ id: (fresh(), fresh()) }));
  return Array.from({ length: steps + 1 }, (_, s) => [...base, ...added.slice(0, perStep * s)]);
}

const parse = (h: Heap): HeapGraph => parseSnapshot(h.b.toJson());

describe('leak floors at the default thresholds', () => {
  it('pins the defaults', () => {
    expect(DEFAULT_THRESHOLDS).toMatchObject({ candidateMinBytes: 16 * KiB, minLeakBytes: 128 * KiB, minBytesPerRequest: 2 });
    expect(DESCEND_SHARE).toBe(0.8);
    expect(MIN_CAPACITY).toBe(64);
  });

  it('a growing Map needs 128 KiB of new bytes over the sequence', () => {
    const run = (perStep: number) => {
      const series = entrySeries(10, perStep);
      const graphs = series.map((entries, step) => {
        const h = skeleton();
        addMap(h, 'keyCache', 21, entries, step, 1024);
        return parse(h);
      });
      return analyzeGraphs(graphs, { requestsAtSnapshot: [0, 1_000, 2_000] });
    };
    // 2 × 60 × (32 + 1024) + a 1,936-byte table = 128,656 B < 128 KiB; 62 per step: 132,944 B.
    const below = run(60);
    expect(below.verdict).toBe('no-leak');
    expect(below.dismissed[0]).toMatchObject({ why: 'small' });
    const above = run(62);
    expect(above.verdict).toBe('leak');
    expect(above.findings.map((f) => [f.holder, f.mechanism])).toEqual([['Map keyCache (module scope of server.js)', 'keyed-collection']]);
    // Whose code, and the path from the user's own anchor (the module variable).
    expect(above.findings[0]!.owner).toMatchObject({ kind: 'application', label: 'server.js' });
    expect(above.findings[0]!.anchorPath?.map((s) => [s.edge, s.node])).toEqual([
      ['', 'module scope of server.js'],
      ['keyCache', 'Map'],
    ]);
  });

  it('and at least 2 bytes per request', () => {
    const series = entrySeries(10, 100);
    const graphs = series.map((entries, step) => {
      const h = skeleton();
      addMap(h, 'keyCache', 21, entries, step, 1024);
      return parse(h);
    });
    const bytes = 2 * 100 * 1056 + 16 + 210 * 16; // 214,576
    const at = (perRequest: number) => analyzeGraphs(graphs, { requestsAtSnapshot: [0, bytes / perRequest / 2, bytes / perRequest] });
    expect(at(2.01).verdict).toBe('leak');
    expect(at(1.99).verdict).toBe('no-leak');
    expect(at(1.99).dismissed[0]).toMatchObject({ why: 'small' });
  });

  it('holders below 16 KiB of new bytes are not examined at all', () => {
    const run = (perStep: number) => {
      const graphs = entrySeries(10, perStep).map((entries, step) => {
        const h = skeleton();
        addMap(h, 'small', 21, entries, step, 64);
        return parse(h);
      });
      return analyzeGraphs(graphs, { requestsAtSnapshot: [0, 1_000, 2_000] });
    };
    // 2 × 80 × 96 + 16 + 170 × 16 = 18,096 B ≥ 16 KiB; 2 × 70 × 96 + 16 + 150 × 16 = 15,856 B.
    expect(run(80).dismissed.map((d) => d.holder)).toEqual(['Map small (module scope of server.js)']);
    expect(run(70).dismissed).toEqual([]);
  });
});

describe('shared objects', () => {
  it('go to the holders that reach them, never to the module scope above both', () => {
    const records = entrySeries(0, 150);
    const graphs = records.map((list, step) => {
      const h = skeleton();
      const map = h.b.node('object', 'Map', 32, { id: 21 });
      h.b.edge(h.scope, map, 'context', 'byKey');
      const table = h.b.node('array', '', 16 + list.length * 16, { id: 23 + step * 2 });
      h.b.edge(map, table, 'internal', 'table');
      const array = h.b.node('object', 'Array', 32, { id: 41 });
      h.b.edge(h.scope, array, 'context', 'history');
      const elements = h.b.node('array', '(object elements)', 16 + list.length * 8, { id: 43 + step * 2 });
      h.b.edge(array, elements, 'internal', 'elements');
      list.forEach((r, i) => {
        const record = h.b.node('object', 'Login', 1024, { id: r.id });
        h.b.edge(table, record, 'internal', i);
        h.b.edge(array, record, 'element', i);
        h.b.edge(elements, record, 'internal', i);
      });
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(result.findings.map((f) => [f.holder, f.mechanism])).toEqual([
      ['Map byKey (module scope of server.js)', 'keyed-collection'],
      ['Array history (module scope of server.js)', 'append-only-array'],
    ]);
    const [map, array] = result.findings;
    // 300 records of 1 KiB, split evenly; each keeps its own backing store.
    expect(map!.newBytes!.at(-1)).toBe(150 * 1024 + 16 + 300 * 16);
    expect(array!.newBytes!.at(-1)).toBe(150 * 1024 + 16 + 300 * 8);
    expect(map!.sharedWith).toEqual([{ holder: 'Array history (module scope of server.js)', bytes: 300 * 1024 }]);
    expect(array!.sharedWith).toEqual([{ holder: 'Map byKey (module scope of server.js)', bytes: 300 * 1024 }]);
  });
});

/** A Map of `members` old per-tenant Arrays; member k gains `perStep(k)` records of `recordBytes` per step. */
function tenants(members: number, perStep: (k: number) => number, recordBytes: number): HeapGraph[] {
  const ids = Array.from({ length: members }, (_, k) => entrySeries(0, perStep(k)));
  return [0, 1, 2].map((step) => {
    const h = skeleton();
    const map = h.b.node('object', 'Map', 32, { id: 21 });
    h.b.edge(h.scope, map, 'context', 'usageByTenant');
    const table = h.b.node('array', '', 16 + members * 32, { id: 23 });
    h.b.edge(map, table, 'internal', 'table');
    for (let k = 0; k < members; k++) {
      const key = h.b.node('string', `tenant-${k}`, 32, { id: 3001 + k * 4 });
      const arr = h.b.node('object', 'Array', 32, { id: 3003 + k * 4 });
      h.b.edge(table, key, 'internal', 2 * k);
      h.b.edge(table, arr, 'internal', 2 * k + 1);
      const records = ids[k]![step]!;
      const elements = h.b.node('array', '(object elements)', 16 + records.length * 8, { id: 900_001 + k * 1_000 + step * 2 });
      h.b.edge(arr, elements, 'internal', 'elements');
      records.forEach((r, i) => {
        const rec = h.b.node('object', 'Usage', recordBytes, { id: r.id });
        h.b.edge(arr, rec, 'element', i);
        h.b.edge(elements, rec, 'internal', i);
      });
    }
    return parse(h);
  });
}

describe('one finding per accumulation point', () => {
  it('growth spread over 16 arrays is one finding on their Map: spread over many containers', () => {
    // Each array: 2 × 10 × 512 B ≈ 10 KiB (below every floor alone); together 16 × 10 KiB.
    const result = analyzeGraphs(tenants(16, () => 10, 512), { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(result.verdict).toBe('leak');
    expect(result.findings).toHaveLength(1);
    const f = result.findings[0]!;
    expect([f.holder, f.mechanism, f.pattern]).toEqual(['Map usageByTenant (module scope of server.js)', 'spread-over-many-containers', 'unbounded-map']);
    expect(f.members!.count).toBe(16);
    expect(f.members!.largest[0]!.holder).toBe('Array usageByTenant.get("tenant-0") (module scope of server.js)');
  });

  it('15 members are named by the shape of the largest member', () => {
    const result = analyzeGraphs(tenants(15, () => 12, 512), { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(result.findings.map((f) => [f.holder, f.mechanism])).toEqual([['Map usageByTenant (module scope of server.js)', 'append-only-array']]);
  });

  it('a member carrying 80 % of the growth is the point itself', () => {
    // Member 0 gains 4× what each of the other 3 do: 4/7 = 57 % → the Map; 24× → 24/27 = 89 % → the member.
    const spread = analyzeGraphs(tenants(4, (k) => (k === 0 ? 40 : 10), 1024), { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(spread.findings.map((f) => f.holder)).toEqual(['Map usageByTenant (module scope of server.js)']);
    const one = analyzeGraphs(tenants(4, (k) => (k === 0 ? 240 : 10), 512), { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(one.findings.map((f) => f.holder)).toEqual(['Array usageByTenant.get("tenant-0") (module scope of server.js)']);
  });
});

/** A ring buffer: an Array of `capacity` slots, `filled[step]` of them holding 4 KiB records. */
function ring(capacity: (step: number) => number, filled: number[]): HeapGraph[] {
  const ids = Array.from({ length: Math.max(...filled) }, (_, i) => (i < filled[0]! ? 7001 + i * 2 : fresh()));
  return [0, 1, 2].map((step) => {
    const h = skeleton();
    const slots = h.b.node('object', 'Array', 32, { id: 21 });
    h.b.edge(h.scope, slots, 'context', 'slots');
    const elements = h.b.node('array', '(object elements)', 16 + capacity(step) * 8, { id: 23 + (capacity(step) === capacity(0) ? 0 : step * 2) });
    h.b.edge(slots, elements, 'internal', 'elements');
    for (let i = 0; i < capacity(step); i++) {
      const target = i < filled[step]! ? h.b.node('object', 'Entry', 4096, { id: ids[i]! }) : h.undef;
      h.b.edge(slots, target, 'element', i);
      h.b.edge(elements, target, 'internal', i);
    }
    return parse(h);
  });
}

describe('structural bounds', () => {
  it('an Array of fixed capacity that is filling is bounded, with where it will plateau', () => {
    const result = analyzeGraphs(ring(() => 100, [10, 40, 70]), { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(result.verdict).toBe('no-leak');
    expect(result.findings).toEqual([]);
    const d = result.dismissed.find((x) => x.why === 'bounded')!;
    expect(d.bound).toMatchObject({ capacity: 100, filled: 70 });
    // Retained now + 30 empty slots × 4 KiB per filled slot.
    expect(d.bound!.plateauBytes).toBeGreaterThan(100 * 4096);
    expect(result.reason).toMatch(/bounded at max = 100 \(70 filled\): it will plateau near/);
    expect(result.bounded?.[0]).toMatchObject({ capacity: 100, filled: 70 });
  });

  it('an Array of fixed capacity that became full in the last step is not yet a sure leak: one more step shows whether it stops', () => {
    // Measured (eval:protocol holdout lru-cache-50k, 2026-12-08 00:55 and 2026-12-07 22:34):
    // lru-cache with max 50,000 keeps its entries in arrays of fixed capacity; the run's last
    // snapshot came just after they filled, every step had grown, and the run said `leak`.
    const full = analyzeGraphs(ring(() => 100, [10, 55, 100]), { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(full.needsMore).toMatchObject({ why: 'filled' });
    expect(full.needsMore?.detail).toMatch(/filled its fixed capacity of 100/);
    // One slot short of full: bounded, as before.
    expect(analyzeGraphs(ring(() => 100, [10, 55, 99]), { requestsAtSnapshot: [0, 1_000, 2_000] }).verdict).toBe('no-leak');
  });

  it('below MIN_CAPACITY, or with a capacity that grows, it is a leak', () => {
    expect(analyzeGraphs(ring(() => 63, [5, 30, 55]), { requestsAtSnapshot: [0, 1_000, 2_000] }).verdict).toBe('leak');
    const growing = analyzeGraphs(ring((s) => [40, 80, 120][s]!, [10, 40, 70]), { requestsAtSnapshot: [0, 1_000, 2_000] });
    expect(growing.verdict).toBe('leak');
  });
});
