/**
 * The key-residency scan on small heap graphs built in code: each string form V8 keeps (plain,
 * JSON, concatenated, sliced), holders, parts (whole key, secret part, id only), completed vs
 * not, the middle-to-final trend and its thresholds, and that no output carries a key.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotBuilder, parseSnapshot } from '../heap/index.js';
import type { HeapGraph } from '../heap/types.js';
import type { SentSecret, SentSecrets } from '../sent-secrets.js';
import { GROWTH_MIN_KEYS, GROWTH_MIN_SHARE, MAX_CONCAT_CHARS, holderGrows, scanKeyResidency } from './key-residency.js';
import { moduleScopeSkeleton } from './test-heaps.js';

/** A key in leakbench's format: id of 22 base62 characters, checksum of 12 hex digits. */
function key(n: number): SentSecret {
  const id = `Id${String(n).padStart(20, '0')}`;
  const secret = (0xabc000000000 + n).toString(16);
  return { whole: `lk_${id}_${secret}`, secret, id, completedAtRequest: n + 1 };
}

function secrets(list: SentSecret[]): SentSecrets {
  return { shape: 'leakbench-key', requestsWithSecrets: list.length, secrets: list };
}

interface Heap {
  b: SnapshotBuilder;
  scope: number;
}

const skeleton = (): Heap => moduleScopeSkeleton();

/** A module-level Map `name` whose keys are the given strings' nodes (values: small objects). */
function mapOf(h: Heap, name: string, keyNodes: number[], id = 101): number {
  const map = h.b.node('object', 'Map', 32, { id });
  h.b.edge(h.scope, map, 'context', name);
  const table = h.b.node('array', '', 16 + keyNodes.length * 16, { id: id + 1 });
  h.b.edge(map, table, 'internal', 'table');
  keyNodes.forEach((k, i) => {
    h.b.edge(table, k, 'internal', 2 * i);
    const value = h.b.node('object', 'Meta', 48);
    h.b.edge(table, value, 'internal', 2 * i + 1);
  });
  return map;
}

/** A module-level Array `name` holding the given nodes. */
function arrayOf(h: Heap, name: string, items: number[], id = 201): number {
  const arr = h.b.node('object', 'Array', 32, { id });
  h.b.edge(h.scope, arr, 'context', name);
  const store = h.b.node('array', '(object elements)', 16 + items.length * 8, { id: id + 1 });
  h.b.edge(arr, store, 'internal', 'elements');
  items.forEach((item, i) => {
    h.b.edge(arr, item, 'element', i);
    h.b.edge(store, item, 'internal', i);
  });
  return arr;
}

function graph(h: Heap): HeapGraph {
  return parseSnapshot(h.b.toJson());
}

const FINAL = [{ label: 'final', requests: 1_000 }];

describe('scanKeyResidency', () => {
  it('finds whole keys held as Map keys, names the Map, and says the whole key is resident', () => {
    const keys = [key(1), key(2), key(3)];
    const h = skeleton();
    mapOf(h, 'keyCache', keys.map((k) => h.b.node('string', k.whole, 64)));
    const r = scanKeyResidency([graph(h)], { secrets: secrets([...keys, key(4)]), snapshots: FINAL });
    expect(r.keysCompleted).toBe(4);
    expect(r.residentKeys).toBe(3);
    expect(r.secretResidentKeys).toBe(3);
    expect(r.residentShare).toBe(0.75);
    expect(r.byPart).toEqual({ 'whole-key': 3, 'secret-part': 0, 'id-only': 0 });
    expect(r.holders).toHaveLength(1);
    expect(r.holders[0]!.holder).toBe('Map keyCache (module scope of server.js)');
    expect(r.holders[0]!.forms).toEqual(['exact']);
    expect(r.holders[0]!.bytes).toBe(3 * 64);
    expect(r.holders[0]!.path.at(-1)!.isHolder).toBe(true);
  });

  it('follows a sliced string (a key id cut from the key) to the whole key it pins', () => {
    const k = key(7);
    const h = skeleton();
    const whole = h.b.node('string', k.whole, 64);
    const slice = h.b.node('sliced string', '(sliced string)', 32);
    h.b.edge(slice, whole, 'internal', 'parent');
    mapOf(h, 'byId', [slice]);
    const r = scanKeyResidency([graph(h)], { secrets: secrets([k]), snapshots: FINAL });
    expect(r.byPart['whole-key']).toBe(1);
    expect(r.holders[0]!.holder).toBe('Map byId (module scope of server.js)');
    expect(r.holders[0]!.forms).toEqual(['sliced']);
  });

  it('finds a key split across the parts of a concatenation, and keys inside JSON text', () => {
    const a = key(11);
    const b = key(12);
    const h = skeleton();
    const cons = h.b.node('concatenated string', '(concatenated string)', 32);
    const first = h.b.node('string', `Bearer ${a.whole.slice(0, 10)}`, 40);
    const second = h.b.node('string', a.whole.slice(10), 48);
    h.b.edge(cons, first, 'internal', 'first');
    h.b.edge(cons, second, 'internal', 'second');
    const json = h.b.node('string', JSON.stringify({ at: 1, apiKey: b.whole, status: 200 }), 120);
    arrayOf(h, 'auditLog', [cons, json]);
    const r = scanKeyResidency([graph(h)], { secrets: secrets([a, b]), snapshots: FINAL });
    expect(r.secretResidentKeys).toBe(2);
    expect(r.byPart['whole-key']).toBe(2);
    expect(r.holders).toHaveLength(1);
    expect(r.holders[0]!.holder).toBe('Array auditLog (module scope of server.js)');
    expect(r.holders[0]!.forms).toEqual(['concatenated', 'json']);
  });

  it('calls a string that is exactly the header value as sent an exact copy', () => {
    const k = { ...key(71), headerValue: '' };
    k.headerValue = `Bearer ${k.whole}`;
    const h = skeleton();
    arrayOf(h, 'authLog', [h.b.node('string', k.headerValue, 80)]);
    const r = scanKeyResidency([graph(h)], { secrets: secrets([k]), snapshots: FINAL });
    expect(r.holders[0]!.forms).toEqual(['exact']);
    expect(r.byPart['whole-key']).toBe(1);
  });

  it('counts a secret part alone as secret residency, and a key id alone as not', () => {
    const a = key(21);
    const b = key(22);
    const h = skeleton();
    mapOf(h, 'checksums', [h.b.node('string', a.secret, 32)], 101);
    mapOf(h, 'ids', [h.b.node('string', b.id!, 40)], 301);
    const r = scanKeyResidency([graph(h)], { secrets: secrets([a, b]), snapshots: FINAL });
    expect(r.byPart).toEqual({ 'whole-key': 0, 'secret-part': 1, 'id-only': 1 });
    expect(r.residentKeys).toBe(2);
    expect(r.secretResidentKeys).toBe(1);
    const byName = Object.fromEntries(r.holders.map((x) => [x.holder, x.part]));
    expect(byName).toEqual({ 'Map checksums (module scope of server.js)': 'secret-part', 'Map ids (module scope of server.js)': 'id-only' });
  });

  it('ignores keys whose request did not complete before the snapshot, and unreachable strings', () => {
    const done = key(31);
    const inFlight = { ...key(32), completedAtRequest: 5_000 };
    const never = { ...key(33), completedAtRequest: 0 };
    const h = skeleton();
    h.b.node('string', key(34).whole, 64); // garbage: no retainer
    mapOf(h, 'm', [done, inFlight, never].map((k) => h.b.node('string', k.whole, 64)));
    const r = scanKeyResidency([graph(h)], { secrets: secrets([done, inFlight, never, key(34)]), snapshots: FINAL });
    expect(r.keysSent).toBe(4);
    expect(r.keysCompleted).toBe(2);
    expect(r.residentKeys).toBe(1);
  });

  it('says the count grows when a holder keeps more keys at the final snapshot than at the middle one', () => {
    const keys = Array.from({ length: 60 }, (_, i) => key(100 + i));
    const heapWith = (n: number): HeapGraph => {
      const h = skeleton();
      mapOf(h, 'keyCache', keys.slice(0, n).map((k) => h.b.node('string', k.whole, 64)));
      return graph(h);
    };
    const snapshots = [{ label: 'middle', requests: 1_000 }, { label: 'final', requests: 2_000 }];
    const grows = scanKeyResidency([heapWith(20), heapWith(60)], { secrets: secrets(keys), snapshots });
    expect(grows.trend).toBe('grows');
    expect(grows.holders[0]!.keysAtMiddle).toBe(20);
    expect(grows.snapshots.map((s) => s.residentKeys)).toEqual([20, 60]);
    const steady = scanKeyResidency([heapWith(60), heapWith(60)], { secrets: secrets(keys), snapshots });
    expect(steady.trend).toBe('steady');
    const none = scanKeyResidency([heapWith(0), heapWith(0)], { secrets: secrets(keys), snapshots });
    expect(none.trend).toBe('none');
    expect(none.summary).toContain('none of the 60 completed keys');
  });

  it('pins the growth thresholds at their defaults', () => {
    expect(GROWTH_MIN_KEYS).toBe(16);
    expect(GROWTH_MIN_SHARE).toBe(0.25);
    expect(holderGrows({ keys: 100, keysAtMiddle: 80 }, 40)).toBe(true);
    expect(holderGrows({ keys: 100, keysAtMiddle: 85 }, 40)).toBe(false); // 15 more keys: below the floor
    expect(holderGrows({ keys: 519, keysAtMiddle: 142 }, 2_570)).toBe(false); // a swept map: 0.15 of the new keys
    expect(holderGrows({ keys: 7_977, keysAtMiddle: 5_465 }, 2_655)).toBe(true); // the leaky map: 0.95
    expect(holderGrows({ keys: 1_000, keysAtMiddle: 750 }, 1_000)).toBe(true); // exactly the share
    expect(holderGrows({ keys: 1_000, keysAtMiddle: 751 }, 1_000)).toBe(false);
    expect(holderGrows({ keys: 100 }, 100)).toBe(false);
    expect(MAX_CONCAT_CHARS).toBe(16_384);
  });

  it('never puts a key, a secret part or a header value in its output, even in holder names', () => {
    const keys = [key(41), key(42)];
    const h = skeleton();
    // An object used as a dictionary keyed by the raw key: the property name is the key.
    const dict = h.b.node('object', 'Object', 64, { id: 401 });
    h.b.edge(h.scope, dict, 'context', 'sessions');
    for (const k of keys) {
      const entry = h.b.node('object', 'Session', 48);
      h.b.edge(dict, entry, 'property', k.whole);
      h.b.edge(entry, h.b.node('string', k.secret, 32), 'property', 'checksum');
    }
    const r = scanKeyResidency([graph(h)], { secrets: secrets(keys), snapshots: FINAL });
    expect(r.secretResidentKeys).toBe(2);
    const text = JSON.stringify(r);
    for (const k of keys) {
      expect(text).not.toContain(k.whole);
      expect(text).not.toContain(k.secret);
    }
    expect(r.holders[0]!.examples.every((e) => /^lk_…#[0-9a-f]{6}$/.test(e))).toBe(true);
  });

  it('gives the same answer on a HeapGraph that is not the engine\'s (no flat arrays)', () => {
    const a = key(81);
    const b = key(82);
    const h = skeleton();
    const cons = h.b.node('concatenated string', '(concatenated string)', 32);
    h.b.edge(cons, h.b.node('string', a.whole.slice(0, 9), 32), 'internal', 'first');
    h.b.edge(cons, h.b.node('string', a.whole.slice(9), 48), 'internal', 'second');
    mapOf(h, 'keyCache', [cons, h.b.node('string', b.whole, 64)]);
    const g = graph(h);
    const other = new Proxy(g, {
      get: (target, prop) => {
        if (prop === 'arrays') return undefined;
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
      },
    });
    const input = { secrets: secrets([a, b]), snapshots: FINAL };
    const flat = scanKeyResidency([g], input);
    const plain = scanKeyResidency([other], input);
    expect(plain.secretResidentKeys).toBe(2);
    expect({ ...plain, durationMs: 0 }).toEqual({ ...flat, durationMs: 0 });
  });

  it('reports what it could not look at', () => {
    const h = skeleton();
    arrayOf(h, 'log', [h.b.node('string', 'x'.repeat(1024), 4_096)]);
    const r = scanKeyResidency([graph(h)], { secrets: secrets([key(51)]), snapshots: FINAL });
    expect(r.buffers.state).toBe('not-scanned');
    expect(r.limits.join('\n')).toMatch(/1 string\(s\) longer than 1024 characters/);
    expect(r.limits.join('\n')).toMatch(/ArrayBuffer contents were not searched/);
  });

  it('counts keys found in buffers through the inspector, charged to the buffer holder', () => {
    const k = key(61);
    const h = skeleton();
    const ab = h.b.node('object', 'ArrayBuffer', 32, { id: 901 });
    const listeners = arrayOf(h, 'listeners', [ab]);
    expect(listeners).toBeGreaterThan(0);
    const r = scanKeyResidency([graph(h)], {
      secrets: secrets([k]),
      snapshots: FINAL,
      buffers: { state: 'scanned', buffersScanned: 3, bytesScanned: 24_576, hits: [{ nodeId: 901, sizeBytes: 8_192, found: [{ secret: 0, whole: true }] }] },
    });
    expect(r.buffers).toEqual({ state: 'scanned', buffersScanned: 3, bytesScanned: 24_576, keysFound: 1 });
    expect(r.secretResidentKeys).toBe(1);
    expect(r.holders[0]!.forms).toEqual(['buffer']);
    expect(r.holders[0]!.bytes).toBe(8_192);
    expect(r.holders[0]!.holder).toBe('Array listeners (module scope of server.js)');
  });
});
