/**
 * The nodes holding the most memory: what `leakbench inspect` lists and what `bench:engine`
 * computes as the end of its "full analysis" (both call this, so they time the same work).
 */
import type { FlatHeapGraph } from './heap-graph.js';

/** The `count` nodes with the largest retained size (root and synthetic nodes excluded), largest first. */
export function topDominators(graph: FlatHeapGraph, count: number): number[] {
  const retained = graph.retainedSizeArray();
  const synthetic = graph.meta.nodeTypes.indexOf('synthetic');
  const types = graph.arrays.nodeType;
  // Small sorted buffer of the best so far: O(n) for the usual small `count`.
  const best: number[] = [];
  let floor = -1;
  for (let o = 0; o < graph.nodeCount; o++) {
    const r = retained[o]!;
    if (r <= floor || o === graph.rootOrdinal || types[o] === synthetic) continue;
    let i = best.length;
    while (i > 0 && retained[best[i - 1]!]! < r) i--;
    best.splice(i, 0, o);
    if (best.length > count) best.pop();
    if (best.length === count) floor = retained[best[count - 1]!]!;
  }
  return best;
}
