/**
 * Our graph against DevTools' own model (heap-snapshot-toolkit) on built graphs: the hand-made
 * cases of heap-graph.test.ts and random graphs with every edge type, cycles, self edges, weak-only
 * islands and unreachable cliques. Every node's distance, dominator, shallow and retained size
 * must be identical.
 */
import { describe, expect, it } from 'vitest';
import { loadWithDevTools, parityMismatches } from './devtools-model.js';
import {
  EphemeronNames, NO_DISTANCE, computeDistances, computeDistancesAndPageOwned, markPageOwned,
} from './devtools-rules.js';
import { SnapshotBuilder, parseSnapshot } from './index.js';

/** Deterministic PRNG (mulberry32) so a failure is reproducible from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `filtered`: also the nodes and edge names DevTools' distance filter and essential-edge rule
 * treat specially (native contexts and their `sloppy_function_map`, map descriptor arrays,
 * WeakMap ephemeron edge pairs).
 */
function randomSnapshot(seed: number, nodeCount: number, filtered = false): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const b = new SnapshotBuilder();
  const root = b.root();
  const gc = b.node('synthetic', '(GC roots)', 0);
  b.edge(root, gc, 'element', 1);
  const nodeTypes = ['object', 'object', 'object', 'array', 'hidden', 'string', 'closure', 'code', 'native', 'synthetic'] as const;
  const names = ['Map', 'Object', 'Array', '(object elements)', 'system / Context', 'Foo', 'system / ExternalStringData', 'Bar',
    ...(filtered ? ['system / NativeContext', '(map descriptors)'] : [])];
  const ids: number[] = [];
  for (let i = 0; i < nodeCount; i++) {
    ids.push(b.node(pick(nodeTypes), pick(names), Math.floor(r() * 200)));
  }
  // One or two user roots (global objects) through shortcut edges from the root.
  const globals = [ids[0]!, ...(r() < 0.5 ? [ids[1]!] : [])];
  for (const g of globals) b.edge(root, g, 'shortcut', 'global');
  for (let i = 0; i < 3; i++) b.edge(gc, pick(ids), 'element', i);
  const edgeTypes = ['property', 'property', 'element', 'internal', 'hidden', 'context', 'weak', 'shortcut'] as const;
  const edgeCount = nodeCount * 2;
  for (let i = 0; i < edgeCount; i++) {
    const from = r() < 0.1 ? gc : pick(ids);
    const to = r() < 0.02 ? from : pick(ids);
    const type = pick(edgeTypes);
    b.edge(from, to, type, type === 'element' || type === 'hidden' ? i : `e${i % 7}`);
  }
  if (filtered) {
    for (let i = 0; i < nodeCount / 4; i++) {
      const from = pick(ids);
      const to = pick(ids);
      const kind = r();
      if (kind < 0.3) b.edge(from, to, 'internal', 'sloppy_function_map');
      else if (kind < 0.6) b.edge(from, to, r() < 0.5 ? 'element' : 'property', r() < 0.5 ? i % 9 : `${i % 9}`);
      else {
        // An ephemeron pair: the table and the key both hold the value, under the same name part.
        const table = pick(ids);
        const part = ` / part of key (Foo @${b.idOf(from)}) -> value (Bar @${b.idOf(to)}) pair in WeakMap (table @${b.idOf(table)})`;
        b.edge(table, to, 'internal', `${2 * i}${part}`).edge(from, to, 'internal', `${2 * i + 1}${part}`);
      }
    }
  }
  return b.toJson();
}

async function expectIdentical(text: string): Promise<void> {
  const ours = parseSnapshot(text);
  const theirs = await loadWithDevTools({ text });
  expect(ours.nodeCount).toBe(theirs.nodeCount);
  const { sizes, names } = parityMismatches(ours, theirs);
  expect(sizes.slice(0, 10)).toEqual([]);
  expect(names.slice(0, 10)).toEqual([]);
  // Public accessor maps DevTools' "no distance" to the unreachable sentinel.
  for (let o = 0; o < ours.nodeCount; o++) expect(ours.isReachable(o)).toBe(theirs.distances[o] !== NO_DISTANCE);
}

describe('parity with DevTools on built graphs', () => {
  it('random graphs with every edge type, cycles, weak-only islands and unreachable cliques', async () => {
    for (let seed = 1; seed <= 80; seed++) {
      await expectIdentical(randomSnapshot(seed, 10 + (seed % 7) * 15));
    }
  });

  it('random graphs with the edges DevTools filters: native contexts, map descriptors, WeakMap pairs', async () => {
    for (let seed = 101; seed <= 160; seed++) {
      const text = randomSnapshot(seed, 10 + (seed % 7) * 15, true);
      await expectIdentical(text);
      // The page-owned set taken from the distances' traversal is DevTools' own.
      const g = parseSnapshot(text, { derived: false }).arrays;
      const fused = computeDistancesAndPageOwned(g, new EphemeronNames(g.strings));
      expect([...fused.pageOwned]).toEqual([...markPageOwned(g)]);
      expect([...fused.distances]).toEqual([...computeDistances(g, new EphemeronNames(g.strings))]);
    }
  });

  it('a WeakMap value held by table and key', async () => {
    const b = new SnapshotBuilder();
    const root = b.root();
    const gc = b.node('synthetic', '(GC roots)', 0);
    const global = b.node('object', 'global', 10);
    b.edge(root, gc, 'element', 1).edge(root, global, 'shortcut', 'global');
    const table = b.node('array', 'EphemeronHashTable', 8, { id: 501 });
    const key = b.node('object', 'Key', 8, { id: 503 });
    const value = b.node('object', 'Value', 80, { id: 505 });
    const part = ' / part of key (Key @503) -> value (Value @505) pair in WeakMap (table @501)';
    b.edge(global, table, 'internal', 'table').edge(global, key, 'property', 'k');
    b.edge(table, value, 'internal', `2${part}`).edge(key, value, 'internal', `3${part}`);
    await expectIdentical(b.toJson());
  });
});
