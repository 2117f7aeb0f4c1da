/**
 * Immediate dominators and retained sizes on flat arrays.
 *
 * Algorithm: Lengauer & Tarjan, "A fast algorithm for finding dominators in a flowgraph" (TOPLAS
 * 1979), the "simple" variant (path compression, no balancing) with an iterative DFS and an
 * iterative `compress`, so deep heaps (long linked lists) cannot overflow the stack. Buckets are
 * singly linked lists in two `Uint32Array`s instead of one `Set` per vertex.
 *
 * Which edges count, and what happens to nodes the root cannot reach, follow Chrome DevTools'
 * heap snapshot worker (`HeapSnapshot.calculateDominatorsAndRetainedSizes`) so that our dominator
 * tree and retained sizes are identical to what DevTools shows:
 * - only "essential" edges are followed (see `devtools-rules.ts`);
 * - after the DFS from the root, every unvisited node whose retainers are all non-essential
 *   (an "orphan", typically held only by weak edges) is hung under the root and a DFS starts there;
 * - nodes still unvisited (cycles held only by each other) are hung under the root one by one;
 * - in the main loop a node with no essential retainer takes the root as its only predecessor.
 * memlab's note above its own dominator code explains why an exact algorithm matters on heaps
 * (iterative data-flow variants can take many passes on large graphs); Lengauer–Tarjan is
 * O(m·log n) here and runs in one pass.
 */
import type { EssentialEdges } from './devtools-rules.js';
import { ScratchPool } from './scratch-pool.js';

/** Inputs: the graph's forward and reverse adjacency as flat arrays. */
export interface DominatorInputs {
  nodeCount: number;
  rootOrdinal: number;
  firstEdge: Uint32Array;
  edgeTo: Uint32Array;
  firstRetainer: Uint32Array;
  retainerEdge: Uint32Array;
  retainerNode: Uint32Array;
  /** One bit per edge ordinal: the edges dominators follow (DevTools' essential edges). */
  essential: EssentialEdges;
  selfSize: Float64Array | Uint32Array;
  /** Pool of nodeCount + 1 sized arrays to draw the work arrays from. */
  pool?: ScratchPool;
}

/** Result: immediate dominator per node (root → itself) and retained size per node. */
export interface DominatorResult {
  dominator: Uint32Array;
  retainedSize: Float64Array;
  /** Nodes that the DFS over essential edges did not reach from the root. */
  unreachableCount: number;
}

/** Computes immediate dominators and retained sizes (DevTools' rules, Lengauer–Tarjan). */
export function computeDominators(inputs: DominatorInputs, timings?: Record<string, number>): DominatorResult {
  // The Lengauer–Tarjan work arrays live only inside `lengauerTarjan`, so they are garbage by
  // the time the retained-size array is allocated (lower peak memory on big heaps).
  const { dominator, order, visited, unreachableCount, spare } = lengauerTarjan(inputs);
  const t0 = performance.now();
  const { nodeCount, selfSize } = inputs;
  // Retained sizes overwrite the memory of two work arrays LT no longer needs.
  const retainedSize = new Float64Array(spare, 0, nodeCount);
  retainedSize.set(selfSize);
  // Reverse DFS order visits every node after everything it dominates.
  for (let i = visited; i > 1; i--) {
    const o = order[i]! - 1;
    retainedSize[dominator[o]!]! += retainedSize[o]!;
  }
  inputs.pool?.give(order);
  if (timings) timings['retained'] = performance.now() - t0;
  return { dominator, retainedSize, unreachableCount };
}

/** The arrays the DFS reads and fills (vertices numbered ordinal + 1). */
interface DfsArrays {
  firstEdge: Uint32Array;
  edgeTo: Uint32Array;
  bits: Uint32Array;
  parent: Uint32Array;
  vertex: Uint32Array;
  semi: Uint32Array;
  label: Uint32Array;
  /** Next edge to look at, per vertex on the DFS path. */
  cursor: Uint32Array;
}

/**
 * Iterative DFS over essential edges from vertex `root`, numbering vertices from `n + 1` on
 * (semi[v] = DFS number, vertex[number] = v, parent = DFS tree parent). Returns the last number.
 */
function dfs(arrays: DfsArrays, root: number, n: number): number {
  const { firstEdge, edgeTo, bits, parent, vertex, semi, label, cursor } = arrays;
  cursor[root] = firstEdge[root - 1]!;
  let v = root;
  while (v !== 0) {
    if (semi[v] === 0) {
      semi[v] = ++n;
      vertex[n] = v;
      label[v] = v;
    }
    let next = parent[v]!;
    const end = firstEdge[v]!; // firstEdge[(v - 1) + 1]
    let e = cursor[v]!;
    for (; e < end; e++) {
      if ((bits[e >>> 5]! & (1 << (e & 31))) === 0) continue;
      const w = edgeTo[e]! + 1;
      if (semi[w] === 0) {
        parent[w] = v;
        cursor[w] = firstEdge[w - 1]!;
        next = w;
        e++;
        break;
      }
    }
    cursor[v] = e;
    v = next;
  }
  return n;
}

interface LtResult {
  dominator: Uint32Array;
  /** Vertex (ordinal + 1) by DFS number, 1..visited. */
  order: Uint32Array;
  visited: number;
  unreachableCount: number;
  /** 8 × (nodeCount + 1) bytes the caller may reuse (held `ancestor` and `label`). */
  spare: ArrayBuffer;
}

function lengauerTarjan(inputs: DominatorInputs): LtResult {
  const { nodeCount, rootOrdinal, firstEdge, edgeTo, firstRetainer, retainerEdge, retainerNode } = inputs;
  const bits = inputs.essential;
  // Vertices are numbered 1..n (ordinal + 1) so 0 can mean "none", as in the paper.
  const size = nodeCount + 1;
  const pool = inputs.pool ?? new ScratchPool(size);
  const parent = pool.take();
  // `ancestor` and `label` share one buffer, handed back for the retained sizes.
  const spare = new ArrayBuffer(8 * size);
  const ancestor = new Uint32Array(spare, 0, size);
  const label = new Uint32Array(spare, 4 * size, size);
  const vertex = pool.take();
  const semi = pool.take();
  // Reused: DFS edge cursor first, then bucket list heads.
  const scratch = pool.take();
  const dfsArrays: DfsArrays = { firstEdge, edgeTo, bits, parent, vertex, semi, label, cursor: scratch };
  const r = rootOrdinal + 1;
  let n = dfs(dfsArrays, r, 0);
  const unreachableCount = nodeCount - n;
  if (n < nodeCount) n = hangUnreached(dfsArrays, inputs, n, r);

  const bucketHead = scratch;
  bucketHead.fill(0);
  // A vertex leaves its bucket exactly when its (provisional) dominator is set, so the bucket
  // links and the dominators share one array.
  const bucketNext = pool.take();
  const dom = bucketNext;
  const forest: Forest = { ancestor, label, semi, stack: new Uint32Array(1024) };
  semidominators({ firstRetainer, retainerEdge, retainerNode, bits, vertex, parent, bucketHead, bucketNext }, forest, n, r);
  finishDominators(bucketHead, bucketNext, vertex, semi, nodeCount, n, r);
  const dominator = scratch.subarray(0, nodeCount);
  toOrdinals(dom, dominator);
  pool.give(parent, semi, bucketNext);
  return { dominator, order: vertex, visited: n, unreachableCount, spare };
}

/** The ancestor forest of Lengauer–Tarjan's EVAL/LINK, with a reusable path-compression stack. */
interface Forest {
  ancestor: Uint32Array;
  label: Uint32Array;
  semi: Uint32Array;
  /** Grown on demand: compression paths are short in practice, n in the worst case. */
  stack: Uint32Array;
}

/**
 * EVAL with path compression, iterative (walks up the ancestor forest with an explicit stack).
 * The forest's arrays come as arguments (the hot caller has them at hand), the stack through `f`.
 */
function evaluate(f: Forest, ancestor: Uint32Array, label: Uint32Array, semi: Uint32Array, v: number): number {
  if (ancestor[v] === 0) return v;
  let stack = f.stack;
  let sp = 0;
  let x = v;
  while (ancestor[ancestor[x]!] !== 0) {
    if (++sp === stack.length) {
      const bigger = new Uint32Array(stack.length * 2);
      bigger.set(stack);
      stack = bigger;
      f.stack = bigger;
    }
    stack[sp] = x;
    x = ancestor[x]!;
  }
  while (sp > 0) {
    const w = stack[sp--]!;
    const a = ancestor[w]!;
    if (semi[label[a]!]! < semi[label[w]!]!) label[w] = label[a]!;
    ancestor[w] = ancestor[a]!;
  }
  return label[v]!;
}

interface SemiArrays {
  firstRetainer: Uint32Array;
  retainerEdge: Uint32Array;
  retainerNode: Uint32Array;
  bits: EssentialEdges;
  vertex: Uint32Array;
  parent: Uint32Array;
  bucketHead: Uint32Array;
  /** Bucket links, and the (provisional) dominators once a vertex leaves its bucket. */
  bucketNext: Uint32Array;
}

/**
 * The main loop, in reverse DFS order: each vertex's semidominator from its essential retainers,
 * its bucket, the link to its DFS parent, and the provisional dominators of the parent's bucket.
 * (Each pass is a function of its own, with no closure created per call, so V8 optimizes it once
 * for every graph; see class-aggregates.ts.)
 */
function semidominators(a: SemiArrays, forest: Forest, n: number, r: number): void {
  const { firstRetainer, retainerEdge, retainerNode, bits, vertex, parent, bucketHead, bucketNext } = a;
  const { ancestor, label, semi } = forest;
  const dom = bucketNext;
  for (let i = n; i >= 2; i--) {
    const w = vertex[i]!;
    const o = w - 1;
    let orphan = true;
    let sw = semi[w]!;
    for (let k = firstRetainer[o]!, end = firstRetainer[o + 1]!; k < end; k++) {
      const e = retainerEdge[k]!;
      if ((bits[e >>> 5]! & (1 << (e & 31))) === 0) continue;
      orphan = false;
      const v = retainerNode[k]! + 1;
      // evaluate(v) is v itself while v is still a forest root (not yet linked).
      const u = ancestor[v] === 0 ? v : evaluate(forest, ancestor, label, semi, v);
      if (semi[u]! < sw) sw = semi[u]!;
    }
    // A node with no essential retainer has the root as its only predecessor.
    if (orphan) sw = semi[r]!;
    semi[w] = sw;
    const sv = vertex[sw]!;
    bucketNext[w] = bucketHead[sv]!;
    bucketHead[sv] = w;
    const pw = parent[w]!;
    ancestor[w] = pw; // link(parent[w], w)
    for (let v = bucketHead[pw]!; v !== 0;) {
      const next = bucketNext[v]!;
      const u = evaluate(forest, ancestor, label, semi, v);
      dom[v] = semi[u]! < semi[v]! ? u : pw;
      v = next;
    }
    bucketHead[pw] = 0;
  }
}

/** Empties the leftover buckets, roots the tree, and turns provisional dominators into immediate ones. */
function finishDominators(
  bucketHead: Uint32Array, dom: Uint32Array, vertex: Uint32Array, semi: Uint32Array, nodeCount: number, n: number, r: number,
): void {
  // Vertices still waiting in a bucket were never given a dominator (possible only for nodes
  // hung under the root artificially); DevTools leaves theirs 0, which resolves to the root below.
  // (`dom` doubles as the bucket links: a vertex's link is read before its dominator is set.)
  for (let x = 1; x <= nodeCount; x++) {
    for (let v = bucketHead[x]!; v !== 0;) {
      const next = dom[v]!;
      dom[v] = 0;
      v = next;
    }
  }
  // Like DevTools, the root dominates itself (and so, through dom[0], anything left over).
  dom[0] = r;
  dom[r] = r;
  for (let i = 2; i <= n; i++) {
    const w = vertex[i]!;
    if (dom[w] !== vertex[semi[w]!]) dom[w] = dom[dom[w]!]!;
  }
}

/**
 * The nodes the DFS from the root did not reach, as DevTools treats them: an orphan (every
 * retaining edge non-essential, e.g. only weak retainers) is hung under the root and searched
 * from; what is still unvisited (cliques held only by each other) is hung under the root one by
 * one. Returns the last DFS number.
 */
function hangUnreached(arrays: DfsArrays, inputs: DominatorInputs, n: number, r: number): number {
  const { nodeCount, firstRetainer, retainerEdge } = inputs;
  const { bits, semi, parent, vertex, label } = arrays;
  for (let v = 1; v <= nodeCount; v++) {
    if (semi[v] !== 0) continue;
    const o = v - 1;
    let onlyWeak = true;
    for (let i = firstRetainer[o]!, end = firstRetainer[o + 1]!; i < end; i++) {
      const e = retainerEdge[i]!;
      if ((bits[e >>> 5]! & (1 << (e & 31))) !== 0) { onlyWeak = false; break; }
    }
    if (onlyWeak) {
      parent[v] = r;
      n = dfs(arrays, v, n);
    }
  }
  for (let v = 1; v <= nodeCount && n < nodeCount; v++) {
    if (semi[v] === 0) {
      parent[v] = r;
      semi[v] = ++n;
      vertex[n] = v;
      label[v] = v;
    }
  }
  return n;
}

/** Vertex numbers (ordinal + 1) → ordinals. */
function toOrdinals(dom: Uint32Array, dominator: Uint32Array): void {
  for (let o = 0, n = dominator.length; o < n; o++) dominator[o] = dom[o + 1]! - 1;
}
