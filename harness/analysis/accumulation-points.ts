/**
 * Accumulation points (Eclipse MAT's term): the objects that new growth is *collected under*. The
 * attribution charges every new object to its nearest old holder; one leak can still be spread over
 * many holders — a Map of 2,000 per-tenant arrays, each gaining a few records — none of which is
 * large on its own. So the new bytes of each holder are summed up the dominator tree of old objects
 * (through backing stores, which belong to their owner) as far as the nearest *boundary*: a closure
 * scope, a function, the global object or a GC root. Below a boundary, from the top, the point is
 * found by descending into the child that carries most of the growth (≥ {@link DESCEND_SHARE});
 * where no child does, the growth is spread and the node itself is the accumulation point, its
 * growing children its members. A single growing container is its own point (its children carry
 * nothing), so this changes nothing for the ordinary case.
 *
 * Boundaries are never points of a group: a module scope that holds three leaky variables is not
 * one leak but three, and a scope "holding" growth is the phantom finding the user cannot act on.
 */
import type { HeapGraph } from '../heap/types.js';
import type { Attribution } from './attribute-new-objects.js';
import { bulkArrays } from './bulk-arrays.js';
import { backingStoreOwner, isBackingStoreNode } from './container-shape.js';

/** A child carrying at least this share of its parent's growth is where the growth is. */
export const DESCEND_SHARE = 0.8;

/** Levels summed above a holder (a deep tree of old objects gets no further). */
const MAX_CLIMB = 64;

/** New bytes summed over the old dominator subtrees of one snapshot. */
export interface GrowthTree {
  /** New bytes under each node: its own holder bytes plus its old descendants' (0 when untouched). */
  readonly subtreeBytes: Float64Array;
  /** New objects under each node, summed the same way. */
  readonly subtreeCount: Uint32Array;
  /** Parent of each touched node in the summing tree, or -1 at a boundary (-2: untouched). */
  readonly parentOf: Int32Array;
  /** Nodes with subtree bytes > 0, in the order first touched. */
  readonly touched: number[];
}

/** True for nodes growth is not summed past: scopes, functions, globals, roots, internal nodes. */
function isBoundary(g: HeapGraph, ordinal: number): boolean {
  if (ordinal === g.rootOrdinal || g.nodeType(ordinal) !== 'object') return true;
  const name = g.nodeName(ordinal);
  return name.startsWith('system /') || name === 'global' || name.startsWith('global /') || name.startsWith('Window');
}

/** The owner of `ordinal` in the summing tree: its dominator, lifted out of backing stores; -1 at a boundary. */
function summingParent(g: HeapGraph, attr: Attribution, dominators: ArrayLike<number>, ordinal: number): number {
  if (isBoundary(g, ordinal)) return -1;
  let up = dominators[ordinal]!;
  for (let guard = 0; guard < 8 && up >= 0 && up !== g.rootOrdinal && isBackingStoreNode(g, up); guard++) {
    const owner = backingStoreOwner(g, up);
    up = owner >= 0 ? owner : dominators[up]!;
  }
  if (up < 0 || up === ordinal || attr.isOld[up] === 0 || isBoundary(g, up)) return -1;
  return up;
}

/** Sums each holder's new bytes up its old dominator chain (see the file comment). */
export function growthTree(g: HeapGraph, attr: Attribution): GrowthTree {
  const n = g.nodeCount;
  const subtreeBytes = new Float64Array(n);
  const subtreeCount = new Uint32Array(n);
  const parentOf = new Int32Array(n).fill(-2);
  const touched: number[] = [];
  const { dominators } = bulkArrays(g);
  const bytes = attr.newBytesByHolder;
  for (let h = 0; h < n; h++) {
    const b = bytes[h]!;
    if (b <= 0) continue;
    const count = attr.newCountByHolder[h]!;
    let at = h;
    for (let level = 0; level <= MAX_CLIMB && at >= 0; level++) {
      if (subtreeBytes[at] === 0) touched.push(at);
      subtreeBytes[at] = subtreeBytes[at]! + b;
      subtreeCount[at] = subtreeCount[at]! + count;
      if (parentOf[at] === -2) parentOf[at] = level === MAX_CLIMB ? -1 : summingParent(g, attr, dominators, at);
      at = parentOf[at]!;
    }
  }
  return { subtreeBytes, subtreeCount, parentOf, touched };
}

/** One accumulation point in the last snapshot. */
export interface AccumulationPoint {
  ordinal: number;
  /** Growing children (members) of a spread point, largest first; empty when the point grows itself. */
  members: number[];
}

/**
 * The accumulation points of at least `minBytes` in one snapshot's growth tree. A point whose own
 * holder bytes are at least half of its subtree's grows itself; otherwise its children are members.
 */
export function accumulationPoints(tree: GrowthTree, attr: Attribution, minBytes: number): AccumulationPoint[] {
  const { subtreeBytes, parentOf, touched } = tree;
  const bestChild = new Map<number, number>();
  const children = new Map<number, number[]>();
  for (const c of touched) {
    const p = parentOf[c]!;
    if (p < 0) continue;
    const best = bestChild.get(p);
    if (best === undefined || subtreeBytes[c]! > subtreeBytes[best]!) bestChild.set(p, c);
    let list = children.get(p);
    if (list === undefined) children.set(p, (list = []));
    list.push(c);
  }
  const points: AccumulationPoint[] = [];
  for (const root of touched) {
    if (parentOf[root] !== -1 || subtreeBytes[root]! < minBytes) continue;
    let at = root;
    for (;;) {
      const best = bestChild.get(at);
      if (best === undefined || subtreeBytes[best]! < DESCEND_SHARE * subtreeBytes[at]!) break;
      at = best;
    }
    const ownShare = attr.newBytesByHolder[at]! / subtreeBytes[at]!;
    const members = ownShare >= 0.5 ? [] : [...(children.get(at) ?? [])].sort((a, b) => subtreeBytes[b]! - subtreeBytes[a]! || a - b);
    points.push({ ordinal: at, members });
  }
  return points;
}

/**
 * The accumulation point each touched node belongs to (its nearest point up the growth tree), so
 * the objects of a spread point's members are counted with the point. -1 outside every point.
 */
export function pointOfTouched(tree: GrowthTree, points: AccumulationPoint[]): Map<number, number> {
  const isPoint = new Set(points.map((p) => p.ordinal));
  const out = new Map<number, number>();
  for (const t of tree.touched) {
    const chain: number[] = [];
    let at = t;
    let found = -1;
    while (at >= 0) {
      const known = out.get(at);
      if (known !== undefined) {
        found = known;
        break;
      }
      chain.push(at);
      if (isPoint.has(at)) {
        found = at;
        break;
      }
      at = tree.parentOf[at]!;
    }
    for (const c of chain) out.set(c, found);
  }
  return out;
}

/**
 * The accumulation point above `ordinal` in the summing tree (its nearest ancestor that is a
 * point), or -1: an old object that grew in place inside a point belongs to that point.
 */
export function enclosingPoint(g: HeapGraph, attr: Attribution, isPoint: ReadonlySet<number>, ordinal: number): number {
  const { dominators } = bulkArrays(g);
  let at = summingParent(g, attr, dominators, ordinal);
  for (let level = 0; level < MAX_CLIMB && at >= 0; level++) {
    if (isPoint.has(at)) return at;
    at = summingParent(g, attr, dominators, at);
  }
  return -1;
}
