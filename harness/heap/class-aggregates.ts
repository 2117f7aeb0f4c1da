/**
 * Aggregates by class, as DevTools' summary computes them: nodes with a zero (shallow) self size
 * are left out, and a class's retained size sums the retained sizes of its nodes that no other
 * node of the same class dominates (a walk down the dominator tree).
 *
 * Each pass over the nodes is a function of its own. V8 optimizes a long loop while it runs (on-
 * stack replacement); in one function with several loops, the optimized code stops at each loop
 * it has not seen run yet and is compiled again. Here each loop is compiled once (measured on a
 * 12 MiB snapshot: 39 ms for the first aggregation as one function, see docs/heap-engine.md).
 */
import type { ScratchPool } from './scratch-pool.js';
import type { ClassAggregate } from './types.js';

/** What the aggregation reads from the graph. */
export interface AggregateInputs {
  nodeCount: number;
  rootOrdinal: number;
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  /** Length of the string table (the range of `nodeName`). */
  stringCount: number;
  typeNames: readonly string[];
  /** 1 for nodes DevTools names `Detached …` (a class of their own), when any. */
  detachedNames: Uint8Array | undefined;
  selfSizes: Float64Array | Uint32Array;
  dominators: Uint32Array;
  retainedSizes: Float64Array;
  /** The class name of a node (called once per distinct class). */
  className(nodeOrdinal: number): string;
}

/** Class aggregates, largest retained size first (ties by name). */
export function computeClassAggregates(g: AggregateInputs, pool: ScratchPool): ClassAggregate[] {
  const classOf = pool.take();
  const names = assignClasses(g, classOf);
  const count = new Float64Array(names.length);
  const selfSum = new Float64Array(names.length);
  sumSelfSizes(g.nodeCount, classOf, g.selfSizes, count, selfSum);
  const first = pool.take();
  const children = pool.take();
  dominatorChildren(g.nodeCount, g.rootOrdinal, g.dominators, first, children);
  const stack = pool.take();
  const retainedSum = sumRetainedSizes(g, classOf, first, children, stack, names.length);
  pool.give(classOf, first, children, stack);
  const out: ClassAggregate[] = [];
  for (let c = 0; c < names.length; c++) {
    if (count[c] === 0) continue;
    out.push({ className: names[c]!, count: count[c]!, selfSizeBytes: selfSum[c]!, retainedSizeBytes: retainedSum[c]! });
  }
  out.sort((x, y) => y.retainedSizeBytes - x.retainedSizeBytes || (x.className < y.className ? -1 : 1));
  return out;
}

/**
 * Fills `classOf` with a class index per node and returns the class names: object and native
 * nodes by name (`Detached …` names apart), every other type as one class.
 */
function assignClasses(g: AggregateInputs, classOf: Uint32Array): string[] {
  const names: string[] = [];
  const byKey = new Map<string, number>();
  const byNameIndex = new Int32Array(g.stringCount).fill(-1);
  const typeClass = new Int32Array(g.typeNames.length).fill(-1);
  const objectType = g.typeNames.indexOf('object');
  const nativeType = g.typeNames.indexOf('native');
  const { nodeType, nodeName, detachedNames } = g;
  for (let o = 0, n = g.nodeCount; o < n; o++) {
    const t = nodeType[o]!;
    let c: number;
    if (t !== objectType && t !== nativeType) {
      c = typeClass[t]!;
      if (c === -1) {
        c = classIndex(names, byKey, g.className(o));
        typeClass[t] = c;
      }
    } else if (detachedNames !== undefined && detachedNames[o] === 1) {
      c = classIndex(names, byKey, g.className(o));
    } else {
      const s = nodeName[o]!;
      c = byNameIndex[s]!;
      if (c === -1) {
        c = classIndex(names, byKey, g.className(o));
        byNameIndex[s] = c;
      }
    }
    classOf[o] = c;
  }
  return names;
}

function classIndex(names: string[], byKey: Map<string, number>, name: string): number {
  let c = byKey.get(name);
  if (c === undefined) {
    c = names.length;
    names.push(name);
    byKey.set(name, c);
  }
  return c;
}

function sumSelfSizes(
  n: number,
  classOf: Uint32Array,
  self: Float64Array | Uint32Array,
  count: Float64Array,
  selfSum: Float64Array,
): void {
  for (let o = 0; o < n; o++) {
    const size = self[o]!;
    if (size === 0) continue;
    const c = classOf[o]!;
    count[c]!++;
    selfSum[c]! += size;
  }
}

/** Children lists of the dominator tree by counting passes: `children[first[x]…first[x+1])`. */
function dominatorChildren(n: number, root: number, dominators: Uint32Array, first: Uint32Array, children: Uint32Array): void {
  for (let o = 0; o < n; o++) if (o !== root) first[dominators[o]!]!++;
  let s = 0;
  for (let o = 0; o < n; o++) {
    s += first[o]!;
    first[o] = s;
  }
  first[n] = s;
  for (let o = n - 1; o >= 0; o--) if (o !== root) children[--first[dominators[o]!]!] = o;
}

/**
 * Retained size per class: a depth-first walk of the dominator tree with enter/exit markers,
 * `active[c]` counting the ancestors of class c already counted.
 */
function sumRetainedSizes(
  g: AggregateInputs,
  classOf: Uint32Array,
  first: Uint32Array,
  children: Uint32Array,
  firstStack: Uint32Array,
  classCount: number,
): Float64Array {
  const self = g.selfSizes;
  const retained = g.retainedSizes;
  const retainedSum = new Float64Array(classCount);
  const active = new Uint32Array(classCount);
  // Exit markers have the top bit set (ordinals stay below 2^31).
  const EXIT = 0x80000000;
  let stack = firstStack;
  let sp = 0;
  stack[sp++] = g.rootOrdinal;
  while (sp > 0) {
    const x = stack[--sp]!;
    if (x >= EXIT) {
      active[classOf[x - EXIT]!]!--;
      continue;
    }
    const c = classOf[x]!;
    const begin = first[x]!;
    const end = first[x + 1]!;
    if (sp + (end - begin) + 1 >= stack.length) {
      const bigger = new Uint32Array(stack.length * 2 + (end - begin));
      bigger.set(stack);
      stack = bigger;
    }
    if (active[c] === 0 && self[x] !== 0) {
      retainedSum[c]! += retained[x]!;
      if (begin !== end) {
        active[c]!++;
        stack[sp++] = x + EXIT;
      }
    }
    for (let i = begin; i < end; i++) stack[sp++] = children[i]!;
  }
  return retainedSum;
}
