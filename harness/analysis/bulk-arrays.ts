/**
 * Per-node arrays the analysis' linear passes read for every node. The engine's `FlatHeapGraph`
 * exposes its dominator and distance arrays for bulk passes; any other {@link HeapGraph} gets
 * them copied once through the per-node accessors. Reading a typed array in a hot loop avoids a
 * method call (and the engine's lazy-derivation check) per node.
 */
import type { HeapGraph } from '../heap/types.js';

/** Dominators and reachability of every node. */
export interface BulkArrays {
  dominators: ArrayLike<number>;
  /** 1 when the node is reachable from the root without weak edges. */
  reachable: Uint8Array;
}

interface FlatArrays {
  dominatorArray(): Uint32Array;
  /** DevTools distances; negative for nodes never reached from the root. */
  distanceArray(): Int32Array;
}

const cache = new WeakMap<HeapGraph, BulkArrays>();

/** The bulk arrays of `g` (computed once per graph). */
export function bulkArrays(g: HeapGraph): BulkArrays {
  const known = cache.get(g);
  if (known !== undefined) return known;
  const n = g.nodeCount;
  const flat = g as Partial<FlatArrays> & HeapGraph;
  let dominators: ArrayLike<number>;
  if (typeof flat.dominatorArray === 'function') dominators = flat.dominatorArray();
  else {
    const copy = new Int32Array(n);
    for (let o = 0; o < n; o++) copy[o] = g.dominator(o);
    dominators = copy;
  }
  const reachable = new Uint8Array(n);
  if (typeof flat.distanceArray === 'function') {
    const distances = flat.distanceArray();
    for (let o = 0; o < n; o++) if (distances[o]! >= 0) reachable[o] = 1;
  } else {
    for (let o = 0; o < n; o++) if (g.isReachable(o)) reachable[o] = 1;
  }
  const arrays = { dominators, reachable };
  cache.set(g, arrays);
  return arrays;
}
