/**
 * The retainers index (incoming edges per node) by counting passes, as DevTools'
 * `buildRetainers`: count per target, prefix sums to range ends, then fill walking the edges
 * backwards so each node's retainers end up in increasing source order. Pure and dependency-free
 * so the edges worker thread can run it too.
 */

/** Incoming edges: the slots of node `o` are `[firstRetainer[o], firstRetainer[o + 1])`. */
export interface Retainers {
  firstRetainer: Uint32Array;
  /** Edge ordinal per slot. */
  retainerEdge: Uint32Array;
  /** Source node ordinal per slot. */
  retainerNode: Uint32Array;
}

/** Turns per-node edge counts (nodeCount + 1 entries) into first-edge offsets, in place. Returns the total. */
export function edgeCountsToOffsets(firstEdge: Uint32Array, nodeCount: number): number {
  let sum = 0;
  for (let o = 0; o < nodeCount; o++) {
    const c = firstEdge[o]!;
    firstEdge[o] = sum;
    sum += c;
  }
  firstEdge[nodeCount] = sum;
  return sum;
}

/**
 * Builds the retainers index from first-edge offsets and edge targets. `counts` (nodeCount + 1
 * entries), when given, already holds how many edges point to each node (the parser counts them
 * as it reads the edges): it becomes the index's `firstRetainer` and the counting pass is skipped.
 */
export function buildRetainers(nodeCount: number, edgeCount: number, firstEdge: Uint32Array, edgeTo: Uint32Array, counts?: Uint32Array): Retainers {
  const firstRetainer = counts ?? countTargets(nodeCount, edgeCount, edgeTo);
  let acc = 0;
  for (let o = 0; o < nodeCount; o++) {
    acc += firstRetainer[o]!;
    firstRetainer[o] = acc;
  }
  firstRetainer[nodeCount] = acc;
  const retainerEdge = new Uint32Array(edgeCount);
  const retainerNode = new Uint32Array(edgeCount);
  for (let o = nodeCount - 1; o >= 0; o--) {
    for (let e = firstEdge[o + 1]! - 1, start = firstEdge[o]!; e >= start; e--) {
      const slot = --firstRetainer[edgeTo[e]!]!;
      retainerEdge[slot] = e;
      retainerNode[slot] = o;
    }
  }
  return { firstRetainer, retainerEdge, retainerNode };
}

/** How many edges point to each node (nodeCount + 1 entries, the last 0). */
function countTargets(nodeCount: number, edgeCount: number, edgeTo: Uint32Array): Uint32Array {
  const counts = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) counts[edgeTo[e]!]!++;
  return counts;
}
