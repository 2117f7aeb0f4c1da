/**
 * The leak finder on small heap graphs built in code: one series of snapshots per case, with
 * explicit node ids so the "same" object keeps its id across snapshots, as V8 does within one
 * inspector session. Thresholds are scaled down to the size of these graphs.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotBuilder, parseSnapshot } from '../heap/index.js';
import type { HeapGraph } from '../heap/types.js';
import { analyzeGraphs } from './analyze-graphs.js';
import type { AnalyzeOptions } from './types.js';
import { testHeapSkeleton, type TestHeap } from './test-heaps.js';

const SMALL: AnalyzeOptions['thresholds'] = { candidateMinBytes: 256, minLeakBytes: 1024, minBytesPerRequest: 0.5 };

/** Ids of old objects are < 10_000; new objects get ids from per-test ranges above that. */
type Heap = TestHeap;
const skeleton = testHeapSkeleton;

/** Adds a Map held by module variable `name` with `entries` (key string + value object) pairs. */
function addMap(h: Heap, name: string, mapId: number, entryIds: number[], tableId: number, valueBytes = 64): number {
  const map = h.b.node('object', 'Map', 32, { id: mapId });
  h.b.edge(h.scope, map, 'context', name);
  const table = h.b.node('array', '', 16 + entryIds.length * 16, { id: tableId });
  h.b.edge(map, table, 'internal', 'table');
  entryIds.forEach((id, i) => {
    const key = h.b.node('string', `key-${id}`, 32, { id });
    const value = h.b.node('object', 'Session', valueBytes, { id: id + 1_000_000 });
    h.b.edge(table, key, 'internal', 2 * i);
    h.b.edge(table, value, 'internal', 2 * i + 1);
  });
  return map;
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i * 2);

function parse(h: Heap): HeapGraph {
  return parseSnapshot(h.b.toJson());
}

describe('analyzeGraphs', () => {
  it('a map swept every window is churn, not a leak, even when its new bytes rise at both steps', () => {
    // Every entry is replaced between snapshots (ids never repeat), so all of them are "new" since
    // the baseline, and the sweep phase makes the live count 40 → 30 → 50: new bytes rise at both
    // steps, but the map does not keep what it gains.
    const graphs = [range(5001, 40), range(20001, 30), range(40001, 50)].map((ids, step) => {
      const h = skeleton();
      addMap(h, 'counters', 21, ids, 31 + step * 2);
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [100, 140, 180], thresholds: SMALL });
    expect(result.findings).toEqual([]);
    expect(result.verdict).toBe('no-leak');
    expect(result.dismissed.find((d) => d.holder.startsWith('Map counters'))?.why).toBe('churn');
    expect(result.reason).toMatch(/turns its entries over/);
  });

  it('names a linked chain of generations (store.previous → …) as an append-only sequence, not an unnamed shape', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      // A module variable `current` points at the newest store; each store links the one before
      // through `previous` and owns a 256-byte filter. 2 old stores, +12 new stores per step.
      const ids = [...range(5001, 2), ...range(30001, 12 * step)];
      let previous = -1;
      for (const id of ids) {
        const store = h.b.node('object', 'KeyStore', 48, { id });
        const filter = h.b.node('object', 'Uint8Array', 256, { id: id + 1_000_000 });
        h.b.edge(store, filter, 'property', 'revocationFilter');
        if (previous >= 0) h.b.edge(store, previous, 'property', 'previous');
        previous = store;
      }
      h.b.edge(h.scope, previous, 'context', 'current');
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [100, 140, 180], thresholds: SMALL });
    expect(result.verdict).toBe('leak');
    expect(result.findings).toHaveLength(1);
    const f = result.findings[0]!;
    expect(f.pattern).toBe('uncleaned-audit-cache');
    expect(f.holder).toBe('KeyStore chain current.previous… (module scope of server.js)');
    expect(f.explanation).toMatch(/chain of 24 KeyStore objects/);
    expect(f.explanation).toMatch(/`previous`/);
    expect(f.fix).toMatch(/previous/);
  });

  it('finds a growing Map held by a module variable: unbounded-map, exact bytes, human path', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      // 10 entries at the baseline (old ids), +40 entries per step.
      addMap(h, 'keyCache', 21, [...range(5001, 10), ...range(20001, 40 * step)], 31 + step * 2);
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [100, 140, 180], thresholds: SMALL });
    expect(result.verdict).toBe('leak');
    expect(result.pattern).toBe('unbounded-map');
    expect(result.findings).toHaveLength(1);
    const f = result.findings[0]!;
    expect(f.holder).toBe('Map keyCache (module scope of server.js)');
    expect(f.path.map((s) => s.node)).toEqual(['(root)', '(GC roots)', 'function handle', '(module scope of server.js)', 'Map']);
    expect(f.path.at(-1)!.isHolder).toBe(true);
    expect(f.path.at(-1)!.edge).toBe('keyCache');
    // Every new object counted: per entry 32 + 64 bytes, plus the re-allocated table.
    const table2 = 16 + 90 * 16;
    expect(f['newBytes']).toEqual([0, 40 * 96 + 16 + 50 * 16, 80 * 96 + table2]);
    expect(f.growth.counts).toEqual([20, 100, 180]);
    expect(f.bytesPerRequest).toBeCloseTo((80 * 96 + table2) / 80, 1);
    expect(f.confidence).toBe('high');
    expect(f.accumulates[0]).toEqual({ name: 'Session', count: 80, bytes: 80 * 64 });
  });

  it('finds an append-only Array of records: uncleaned-audit-cache', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      const arr = h.b.node('object', 'Array', 32, { id: 41 });
      h.b.edge(h.scope, arr, 'context', 'auditLog');
      const store = h.b.node('array', '(object elements)', 8 * (5 + 30 * step), { id: 43 + step * 2 });
      h.b.edge(arr, store, 'internal', 'elements');
      [...range(5001, 5), ...range(30001, 30 * step)].forEach((id, i) => {
        const rec = h.b.node('object', 'AuditRecord', 48, { id });
        const line = h.b.node('string', `GET /v1/data ${id}`, 40, { id: id + 1_000_000 });
        h.b.edge(arr, rec, 'element', i);
        h.b.edge(store, rec, 'internal', i);
        h.b.edge(rec, line, 'property', 'line');
      });
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 30, 60], thresholds: SMALL });
    expect(result.verdict).toBe('leak');
    expect(result.findings.map((f) => [f.pattern, f.holder])).toEqual([
      ['uncleaned-audit-cache', 'Array auditLog (module scope of server.js)'],
    ]);
  });

  it('finds listener closures capturing Buffers, counting their external bytes', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      const emitter = h.b.node('object', 'EventEmitter', 104, { id: 51 });
      h.b.edge(h.scope, emitter, 'context', 'bus');
      const events = h.b.node('object', 'Object', 24, { id: 53 });
      h.b.edge(emitter, events, 'property', '_events');
      const listeners = h.b.node('object', 'Array', 32, { id: 55 });
      h.b.edge(events, listeners, 'property', 'request');
      range(40001, 1 + 20 * step).forEach((id, i) => {
        const fn = h.b.node('closure', '', 56, { id });
        const ctx = h.b.node('object', 'system / Context', 40, { id: id + 1_000_000 });
        const buf = h.b.node('object', 'Buffer', 96, { id: id + 2_000_000 });
        const ab = h.b.node('object', 'ArrayBuffer', 88, { id: id + 3_000_000 });
        const store = h.b.node('native', 'system / JSArrayBufferData', 4096, { id: id + 4_000_000 });
        h.b.edge(listeners, fn, 'element', i);
        h.b.edge(fn, ctx, 'internal', 'context');
        h.b.edge(ctx, buf, 'context', 'payload');
        h.b.edge(buf, ab, 'internal', 'buffer');
        h.b.edge(ab, store, 'internal', 'backing_store');
      });
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [1, 21, 41], thresholds: SMALL });
    expect(result.verdict).toBe('leak');
    const f = result.findings[0]!;
    expect(f.pattern).toBe('closure-captured-buffers');
    expect(f.holder).toContain("listeners of event 'request' on bus");
    const external = f.accumulates.find((a) => a.name.startsWith('ArrayBuffer backing store'));
    expect(external).toEqual({ name: 'ArrayBuffer backing store (external)', count: 40, bytes: 40 * 4096 });
    expect(f.bytesPerRequest).toBeCloseTo(56 + 40 + 96 + 88 + 4096, 5);
  });

  it('finds closures piling up in a timer list', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      const list = h.b.node('object', 'TimersList', 136, { id: 61 });
      h.b.edge(h.scope, list, 'context', 'timerList');
      const ids = range(50001, 1 + 25 * step);
      const timeouts = ids.map((id) => h.b.node('object', 'Timeout', 120, { id }));
      const ring = [list, ...timeouts];
      ring.forEach((node, i) => {
        h.b.edge(node, ring[(i + 1) % ring.length]!, 'property', '_idleNext');
        h.b.edge(node, ring[(i - 1 + ring.length) % ring.length]!, 'property', '_idlePrev');
      });
      ids.forEach((id, i) => {
        const fn = h.b.node('closure', '', 56, { id: id + 1_000_000 });
        const ctx = h.b.node('object', 'system / Context', 40, { id: id + 2_000_000 });
        const data = h.b.node('string', `request body ${id}`, 1024, { id: id + 3_000_000 });
        h.b.edge(timeouts[i]!, fn, 'property', '_onTimeout');
        h.b.edge(fn, ctx, 'internal', 'context');
        h.b.edge(ctx, data, 'context', 'body');
      });
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 25, 50], thresholds: SMALL });
    expect(result.verdict).toBe('leak');
    expect(result.findings[0]!.pattern).toBe('closure-captured-buffers');
    expect(result.findings[0]!.growth.counts).toEqual([1, 26, 51]);
  });

  it('never merges two growing containers, and sorts them by growth', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      addMap(h, 'small', 21, range(20001, 10 * step), 31 + step * 2);
      addMap(h, 'large', 23, range(60001, 30 * step), 41 + step * 2);
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 30, 60], thresholds: SMALL });
    expect(result.findings.map((f) => f.holder)).toEqual([
      'Map large (module scope of server.js)',
      'Map small (module scope of server.js)',
    ]);
    const [large, small] = result.findings;
    expect(large!['newBytes']).toEqual([0, 30 * 96 + 16 + 30 * 16, 60 * 96 + 16 + 60 * 16]);
    expect(small!['newBytes']).toEqual([0, 10 * 96 + 16 + 10 * 16, 20 * 96 + 16 + 20 * 16]);
  });

  it('nested Maps: one finding on the outer Map (the accumulation point), its growing inner Maps listed as members', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      const outer = h.b.node('object', 'Map', 32, { id: 71 });
      h.b.edge(h.scope, outer, 'context', 'byTenant');
      const outerTable = h.b.node('array', '', 80, { id: 73 });
      h.b.edge(outer, outerTable, 'internal', 'table');
      ['north', 'south'].forEach((tenant, t) => {
        const key = h.b.node('string', tenant, 24, { id: 75 + t * 2 });
        const inner = h.b.node('object', 'Map', 32, { id: 81 + t * 2 });
        h.b.edge(outerTable, key, 'internal', 2 * t + 4);
        h.b.edge(outerTable, inner, 'internal', 2 * t + 5);
        const table = h.b.node('array', '', 16 + step * 20 * 16 * (t + 1), { id: 91 + t * 10 + step * 2 });
        h.b.edge(inner, table, 'internal', 'table');
        range(100_001 + t * 50_000, 20 * step * (t + 1)).forEach((id, i) => {
          h.b.edge(table, h.b.node('string', `k${id}`, 32, { id }), 'internal', 2 * i);
          h.b.edge(table, h.b.node('object', 'Hits', 64, { id: id + 1_000_000 }), 'internal', 2 * i + 1);
        });
      });
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 60, 120], thresholds: SMALL });
    expect(result.verdict).toBe('leak');
    expect(result.findings.map((f) => [f.pattern, f.mechanism, f.holder])).toEqual([
      ['unbounded-map', 'keyed-collection', 'Map byTenant (module scope of server.js)'],
    ]);
    expect(result.findings[0]!.members).toEqual({
      count: 2,
      largest: [
        { holder: 'Map byTenant.get("south") (module scope of server.js)', newBytes: 80 * 96 + 16 + 80 * 16 },
        { holder: 'Map byTenant.get("north") (module scope of server.js)', newBytes: 40 * 96 + 16 + 40 * 16 },
      ],
    });
  });

  it('an LRU that fills and then replaces every entry is not a leak (it turns over)', () => {
    // Capacity 40: full after step 1; step 2 replaces every entry with a new one.
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      const ids = step === 0 ? range(5001, 5) : step === 1 ? range(20001, 40) : range(70001, 40);
      addMap(h, 'sessions', 21, ids, step === 0 ? 31 : 33);
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 100, 200], thresholds: SMALL });
    expect(result.verdict).toBe('no-leak');
    expect(result.findings).toEqual([]);
    expect(result.dismissed[0]).toMatchObject({ holder: 'Map sessions (module scope of server.js)', why: 'churn' });
  });

  it('one-off growth (a lazily built singleton) is not a leak', () => {
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      if (step > 0) {
        const index = h.b.node('object', 'RegionIndex', 64, { id: 80001 });
        h.b.edge(h.scope, index, 'context', 'regionIndex');
        range(80003, 200).forEach((id, i) => h.b.edge(index, h.b.node('object', 'Region', 64, { id }), 'element', i));
      }
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 100, 200], thresholds: SMALL });
    expect(result.verdict).toBe('no-leak');
    expect(result.findings).toEqual([]);
  });

  it('churn with nothing retained is not a leak', () => {
    const graphs = [0, 1, 2].map(() => parse(skeleton()));
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 100, 200], thresholds: SMALL });
    expect(result.verdict).toBe('no-leak');
    expect(result.snapshots.map((s) => s.newObjects)).toEqual([0, 0, 0]);
  });

  it('growth that starts in the last step is inconclusive, unless it is held from the stack (in flight)', () => {
    const build = (fromStack: boolean): HeapGraph[] =>
      [0, 1, 2].map((step) => {
        const h = skeleton();
        const holder = h.b.node('object', 'Array', 32, { id: 91 });
        if (fromStack) {
          const stack = h.b.node('synthetic', '(Stack roots)', 0, { id: 5 });
          h.b.edge(h.gcRoots, stack, 'element', 500);
          h.b.edge(stack, holder, 'element', 1);
        } else h.b.edge(h.scope, holder, 'context', 'pending');
        if (step === 2) range(30001, 40).forEach((id, i) => h.b.edge(holder, h.b.node('object', 'Job', 128, { id }), 'element', i));
        return parse(h);
      });
    const late = analyzeGraphs(build(false), { requestsAtSnapshot: [0, 100, 200], thresholds: SMALL });
    expect(late.verdict).toBe('inconclusive');
    expect(late.reason).toMatch(/Array pending .* grew in the last step/);
    const inFlight = analyzeGraphs(build(true), { requestsAtSnapshot: [0, 100, 200], thresholds: SMALL });
    expect(inFlight.verdict).toBe('no-leak');
    expect(inFlight.dismissed[0]).toMatchObject({ why: 'transient' });
  });

  it('two snapshots are inconclusive: a one-off and a leak look alike', () => {
    const graphs = [0, 1].map((step) => {
      const h = skeleton();
      addMap(h, 'keyCache', 21, range(20001, 40 * step), 31 + step * 2);
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { thresholds: SMALL });
    expect(result.verdict).toBe('inconclusive');
    expect(result.findings[0]!.confidence).toBe('low');
  });

  it('a heap that replaced most of its baseline objects is diffed, not called "another session"', () => {
    // A busy cache replaces half the heap or more between snapshots of one session (measured:
    // 41–50 % of ids kept); the run checks id stability itself (a pinned object's id), so the
    // analysis must not reject such a sequence on a share of shared ids.
    const graphs = [0, 1, 2].map((step) => {
      const h = skeleton();
      // 2,000 short-lived objects, all replaced at every snapshot: far more than the 400 old ones.
      range(100001 + step * 10_000, 2_000).forEach((id, i) => h.b.edge(h.gcRoots, h.b.node('object', 'Object', 16, { id }), 'element', 1_000 + i));
      return parse(h);
    });
    const result = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 100, 200], thresholds: SMALL });
    expect(result.verdict).toBe('no-leak');
    expect(result.reason).not.toMatch(/session/);
  });

  it('is deterministic', () => {
    const build = (): HeapGraph[] =>
      [0, 1, 2].map((step) => {
        const h = skeleton();
        addMap(h, 'a', 21, range(20001, 10 * step), 31 + step * 2);
        addMap(h, 'b', 23, range(60001, 10 * step), 41 + step * 2);
        return parse(h);
      });
    const strip = (r: ReturnType<typeof analyzeGraphs>): unknown => ({ ...r, timingsMs: {} });
    expect(strip(analyzeGraphs(build(), { thresholds: SMALL }))).toEqual(strip(analyzeGraphs(build(), { thresholds: SMALL })));
  });
});
