/**
 * The rules Chrome DevTools applies to a JS heap snapshot before it shows distances, shallow sizes,
 * dominators and retained sizes (`front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts`,
 * classes `HeapSnapshot` and `JSHeapSnapshot`). We follow them so that our numbers are the numbers
 * a user sees in DevTools; the verification test compares every node against DevTools' model.
 *
 * - User roots: the root's children that are not synthetic (the global object, reached by a
 *   `shortcut` edge in Node and Chromium) plus `(Document DOM trees)`. Distances start at 1 from
 *   them; everything else (reached only from `(GC roots)`) is measured from the root with a base
 *   of 100 000 000, so system objects sort after the user's.
 * - Distances skip weak edges, the `sloppy_function_map` of a native context, the descriptor
 *   links of `(map descriptors)` arrays (crbug.com/413608), and the first of the two edges by
 *   which a WeakMap value is held (crbug.com/1290800), so the value's distance is the larger one.
 * - Essential edges (the ones dominators follow): not weak, not a self edge, not a `shortcut`
 *   except from the root, not from the WeakMap table to a value (the key's edge is kept), and not
 *   from a node outside the page-owned set into it (so debugger-held objects do not distort it).
 * - Shallow sizes: when user roots exist, an `array` or `hidden` node (or an external string's
 *   data) owned by exactly one object has its self size moved onto that owner.
 */
import type { FlatGraphArrays } from './flat-graph-arrays.js';
import { ScratchPool } from './scratch-pool.js';
import type { StringTable } from './string-table.js';

/** One bit per edge ordinal: set when the edge counts for dominators. */
export type EssentialEdges = Uint32Array;

/** DevTools' base distance of objects reachable only from system roots. */
export const SYSTEM_DISTANCE_BASE = 100_000_000;
/** Internal marker of a node BFS never reached (DevTools' value). */
export const NO_DISTANCE = -5;

const EPHEMERON_NAME =
  /^\d+(?<duplicatedPart> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<tableId>\d+)\))$/;

/** What follows the leading digits of every name {@link EPHEMERON_NAME} matches. */
const PART_OF_KEY = ' / part of key (';

interface EphemeronMatch {
  duplicatedPart: string;
  tableId: number;
}

/** Resolves the type indexes a rule needs from the meta (absent types get -1). */
export function typeIndexes(g: FlatGraphArrays) {
  const nt = g.meta.nodeTypes;
  const et = g.meta.edgeTypes;
  return {
    nodeHidden: nt.indexOf('hidden'),
    nodeArray: nt.indexOf('array'),
    nodeSynthetic: nt.indexOf('synthetic'),
    nodeNative: nt.indexOf('native'),
    edgeWeak: et.indexOf('weak'),
    edgeShortcut: et.indexOf('shortcut'),
    edgeInternal: et.indexOf('internal'),
    edgeElement: et.indexOf('element'),
    edgeHidden: et.indexOf('hidden'),
  };
}

/** The WeakMap ephemeron edge names of a string table, found up front. */
export class EphemeronNames {
  /**
   * Per string index: 2 for a WeakMap ephemeron edge name, 1 for any other string. Hot loops read
   * it inline and call {@link match} only for the 2s, so they never meet a rare path.
   */
  readonly state: Uint8Array;
  /**
   * Per string index: the WeakMap table's node id an ephemeron edge name gives, or -1 (no node
   * has that id). A hot loop compares it with a node id for every internal edge, rare or not,
   * so it never takes a path V8 has not seen run.
   */
  readonly tableIds: Float64Array;
  private readonly matches = new Map<number, EphemeronMatch>();
  constructor(strings: StringTable) {
    this.state = new Uint8Array(strings.length).fill(1);
    this.tableIds = new Float64Array(strings.length).fill(-1);
    // The table is scanned once, on the bytes, for names shaped `<digits> / part of key (`
    // (with the special names the other rules need); only those few are decoded and matched.
    strings.findAll(SPECIAL_NAMES, PART_OF_KEY);
    for (const i of strings.digitsThenIndexes(PART_OF_KEY)) {
      const m = EPHEMERON_NAME.exec(strings.get(i) ?? '');
      if (m === null || m.groups === undefined) continue;
      this.state[i] = 2;
      const tableId = Number(m.groups['tableId']);
      this.tableIds[i] = tableId;
      this.matches.set(i, { duplicatedPart: m.groups['duplicatedPart'] ?? '', tableId });
    }
  }
  /** The parts of ephemeron edge name `stringIndex`, or undefined for any other name. */
  match(stringIndex: number): EphemeronMatch | undefined {
    return this.state[stringIndex] === 2 ? this.matches.get(stringIndex) : undefined;
  }
}

function indexesOf(strings: StringTable, value: string): Set<number> {
  // One pass over the table finds every name the rules below look for.
  strings.findAll(SPECIAL_NAMES, PART_OF_KEY);
  return strings.indexesOf(value);
}

/** The node and edge names DevTools' rules single out. */
const SPECIAL_NAMES = ['system / ExternalStringData', 'system / NativeContext', '(map descriptors)', 'sloppy_function_map'];

/** The root's children DevTools treats as user roots, in edge order. */
export function userRoots(g: FlatGraphArrays): number[] {
  const t = typeIndexes(g);
  const out: number[] = [];
  const root = g.rootOrdinal;
  for (let e = g.firstEdge[root]!, end = g.firstEdge[root + 1]!; e < end; e++) {
    const to = g.edgeTo[e]!;
    if (g.nodeType[to] !== t.nodeSynthetic || g.strings.get(g.nodeName[to]!) === '(Document DOM trees)') out.push(to);
  }
  return out;
}

/** Where DevTools' `markPageOwnedNodes` starts: the root's shortcut targets and DOM tree roots. */
function pageOwnedSeeds(g: FlatGraphArrays): number[] {
  const t = typeIndexes(g);
  const out: number[] = [];
  const root = g.rootOrdinal;
  for (let e = g.firstEdge[root]!, end = g.firstEdge[root + 1]!; e < end; e++) {
    const type = g.edgeType[e]!;
    const to = g.edgeTo[e]!;
    if (type === t.edgeElement) {
      if (!(g.nodeType[to] === t.nodeSynthetic && g.strings.get(g.nodeName[to]!) === '(Document DOM trees)')) continue;
    } else if (type !== t.edgeShortcut) {
      continue;
    }
    out.push(to);
  }
  return out;
}

/** DevTools' `markPageOwnedNodes`: everything reachable (non-weak) from the root's shortcut targets and DOM tree roots. */
export function markPageOwned(g: FlatGraphArrays, pool = new ScratchPool(g.nodeCount + 1)): Uint8Array {
  const flags = new Uint8Array(g.nodeCount);
  closeOverNonWeakEdges(g, flags, pageOwnedSeeds(g), pool);
  return flags;
}

/** Sets `flags` on every node reachable from `seeds` by non-weak edges (depth first). */
function closeOverNonWeakEdges(g: FlatGraphArrays, flags: Uint8Array, seeds: number[], pool: ScratchPool): void {
  const weak = typeIndexes(g).edgeWeak;
  const { firstEdge, edgeTo, edgeType } = g;
  const stack = pool.take();
  let sp = 0;
  for (const s of seeds) {
    if (flags[s] !== 0) continue;
    flags[s] = 1;
    stack[sp++] = s;
  }
  while (sp > 0) {
    const o = stack[--sp]!;
    for (let e = firstEdge[o]!, end = firstEdge[o + 1]!; e < end; e++) {
      const to = edgeTo[e]!;
      if (flags[to] !== 0 || edgeType[e] === weak) continue;
      flags[to] = 1;
      stack[sp++] = to;
    }
  }
  pool.give(stack);
}

/**
 * DevTools' distances and page-owned set together. When the page-owned set starts where the
 * distances' first BFS does (the user roots: in Node.js snapshots, the global object), it is
 * everything that BFS reached plus what is reachable without weak edges from the targets of the
 * edges the BFS filter refused — any non-weak path from a user root leaves the BFS's set only
 * through such an edge. That saves a whole traversal of the heap. Otherwise both are computed
 * separately. Results are identical either way.
 */
export function computeDistancesAndPageOwned(
  g: FlatGraphArrays, ephemerons: EphemeronNames, pool = new ScratchPool(g.nodeCount + 1),
): { distances: Int32Array; pageOwned: Uint8Array } {
  const seeds = pageOwnedSeeds(g);
  const roots = userRoots(g);
  const seedSet = new Set(seeds);
  const rootSet = new Set(roots);
  const sameStart = seedSet.size === rootSet.size && roots.every((r) => seedSet.has(r));
  if (!sameStart) return { distances: computeDistances(g, ephemerons, pool), pageOwned: markPageOwned(g, pool) };
  const pageOwned = new Uint8Array(g.nodeCount);
  const refused: number[] = [];
  const distances = computeDistances(g, ephemerons, pool, { pageOwned, refused });
  closeOverNonWeakEdges(g, pageOwned, refused, pool);
  return { distances, pageOwned };
}

/**
 * What DevTools' essential-edge rule (`initEssentialEdges` / `computeIsEssentialEdge`) reads,
 * resolved once, and the bit set {@link markAllEssentialEdges} fills.
 */
export interface EssentialRule {
  readonly bits: EssentialEdges;
  readonly firstEdge: Uint32Array;
  readonly edgeType: Uint8Array;
  readonly edgeTo: Uint32Array;
  readonly edgeName: Uint32Array;
  readonly nodeId: Uint32Array;
  readonly pageOwned: Uint8Array;
  readonly ephemerons: EphemeronNames;
  readonly rootOrdinal: number;
  readonly weak: number;
  readonly shortcut: number;
  readonly internal: number;
}

/** The rule for graph `g`, with an empty bit set (one bit per edge ordinal). */
export function essentialRule(g: FlatGraphArrays, pageOwned: Uint8Array, ephemerons: EphemeronNames): EssentialRule {
  const t = typeIndexes(g);
  return {
    bits: new Uint32Array(Math.ceil(g.edgeCount / 32) + 1),
    firstEdge: g.firstEdge, edgeType: g.edgeType, edgeTo: g.edgeTo, edgeName: g.edgeName, nodeId: g.nodeId,
    pageOwned, ephemerons, rootOrdinal: g.rootOrdinal, weak: t.edgeWeak, shortcut: t.edgeShortcut, internal: t.edgeInternal,
  };
}

/**
 * Sets the bit of every essential edge: not weak, not a self edge, `shortcut` only from the
 * root, not the WeakMap table → value edge, not from outside the page-owned set into it. One
 * loop over every edge with the rule inline (no call per node): V8 optimizes it once, early.
 */
export function markAllEssentialEdges(rule: EssentialRule, nodeCount: number): void {
  const { bits, firstEdge, edgeType, edgeTo, edgeName, nodeId, pageOwned, weak, shortcut, internal, rootOrdinal } = rule;
  const tableIds = rule.ephemerons.tableIds;
  for (let o = 0; o < nodeCount; o++) {
    const isRoot = o === rootOrdinal;
    const owned = pageOwned[o] !== 0;
    const id = nodeId[o]!;
    for (let e = firstEdge[o]!, end = firstEdge[o + 1]!; e < end; e++) {
      const type = edgeType[e]!;
      if (type === weak) continue;
      // An ephemeron edge out of its own WeakMap's table (the key's edge is kept).
      if (type === internal && tableIds[edgeName[e]!] === id) continue;
      const to = edgeTo[e]!;
      if (to === o) continue;
      if (!isRoot) {
        if (type === shortcut) continue;
        if (pageOwned[to] !== 0 && !owned) continue;
      }
      bits[e >>> 5]! |= 1 << (e & 31);
    }
  }
}

/**
 * DevTools' `propagateDOMState`: the DOM state Chromium records for some embedder (`native`)
 * objects spreads to the native objects they reach — first from attached ones (attached wins),
 * then from detached ones — along edges that are not hidden or weak, never through JavaScript
 * objects. Returns, per node, 1 for a native object DevTools names `Detached <name>`, or undefined
 * when no node is detached.
 */
export function propagateDetachedness(g: FlatGraphArrays, detachedness: Uint8Array): Uint8Array | undefined {
  const t = typeIndexes(g);
  const { nodeCount, firstEdge, edgeTo, edgeType, nodeType } = g;
  const state = new Uint8Array(nodeCount);
  const visited = new Uint8Array(nodeCount);
  const attached: number[] = [];
  const detached: number[] = [];
  const hidden = t.edgeHidden;
  const weak = t.edgeWeak;
  const visit = (o: number, newState: number): void => {
    if (visited[o] !== 0) return;
    visited[o] = 1;
    // JavaScript objects stop the spread: every way into embedder code knows its own state.
    if (nodeType[o] !== t.nodeNative) return;
    state[o] = newState;
    if (newState === 1) attached.push(o);
    else if (newState === 2) detached.push(o);
  };
  const spread = (from: number, newState: number): void => {
    for (let e = firstEdge[from]!, end = firstEdge[from + 1]!; e < end; e++) {
      const type = edgeType[e]!;
      if (type === hidden || type === weak) continue;
      visit(edgeTo[e]!, newState);
    }
  };
  let any = false;
  for (let o = 0; o < nodeCount; o++) {
    const s = detachedness[o]!;
    if (s === 0) continue;
    any = true;
    visit(o, s);
  }
  if (!any) return undefined;
  while (attached.length > 0) spread(attached.pop()!, 1);
  let detachedCount = 0;
  while (detached.length > 0) {
    const o = detached.pop()!;
    if (state[o] === 1) continue;
    spread(o, 2);
  }
  for (let o = 0; o < nodeCount; o++) {
    if (state[o] === 2) {
      state[o] = 1;
      detachedCount++;
    } else state[o] = 0;
  }
  return detachedCount > 0 ? state : undefined;
}

/**
 * DevTools' `JSHeapSnapshot.calculateShallowSizes`: moves the self size of each `array`/`hidden`
 * node owned by exactly one object onto the owner. A no-op without user roots (snapshots taken
 * with internals exposed). Mutates `selfSize` and returns it, or a float64 copy if a sum
 * reaches 4 GiB (DevTools' 32-bit array would wrap there).
 */
export function reassignShallowSizes(
  g: FlatGraphArrays, sizes: Float64Array | Uint32Array, pool = new ScratchPool(g.nodeCount + 1),
): Float64Array | Uint32Array {
  if (userRoots(g).length === 0) return sizes;
  const owners = pool.take();
  // One function per pass over the nodes: V8 then optimizes each loop once (see
  // class-aggregates.ts), where one function with three loops was compiled five times.
  const work = initOwners(g, owners, pool.take());
  const firstWork = work.array;
  propagateOwners(g, owners, work);
  const selfSize = moveOwnedSizes(g, owners, sizes);
  pool.give(owners, firstWork);
  return selfSize;
}

const UNVISITED = 0xffffffff;
const MULTIPLE = 0xfffffffe;

/** A growable stack of node ordinals. */
interface WorkList {
  array: Uint32Array;
  length: number;
}

/** Marks `array`/`hidden`/external-string nodes unvisited and every other node its own owner (pushed). */
function initOwners(g: FlatGraphArrays, owners: Uint32Array, work: Uint32Array): WorkList {
  const t = typeIndexes(g);
  const { nodeCount, nodeType, nodeName } = g;
  const externalData = indexesOf(g.strings, 'system / ExternalStringData');
  const hiddenNode = t.nodeHidden, arrayNode = t.nodeArray, nativeNode = t.nodeNative;
  let sp = 0;
  // The initial pushes are at most nodeCount: they fit the pool array (nodeCount + 1).
  for (let i = 0; i < nodeCount; i++) {
    const type = nodeType[i]!;
    if (type === hiddenNode || type === arrayNode || (type === nativeNode && externalData.has(nodeName[i]!))) {
      owners[i] = UNVISITED;
    } else {
      owners[i] = i;
      work[sp++] = i;
    }
  }
  return { array: work, length: sp };
}

/**
 * Spreads owners along non-weak edges: a node reached from one owner only takes it, from two it
 * is owned by several. Each node enters the work list at most twice after its first push (see
 * DevTools' comment). Pushes are written inline (no closure): a closure writing `sp`/`work` would
 * keep them in a heap context, which slows this loop over every edge.
 */
function propagateOwners(g: FlatGraphArrays, owners: Uint32Array, list: WorkList): void {
  const { firstEdge, edgeTo, edgeType } = g;
  const weak = typeIndexes(g).edgeWeak;
  let work = list.array;
  let sp = list.length;
  while (sp > 0) {
    const id = work[--sp]!;
    const owner = owners[id]!;
    for (let e = firstEdge[id]!, end = firstEdge[id + 1]!; e < end; e++) {
      if (edgeType[e] === weak) continue;
      const target = edgeTo[e]!;
      const current = owners[target]!;
      let next: number;
      if (current === UNVISITED) next = owner;
      else if (current !== target && current !== owner && current !== MULTIPLE) next = MULTIPLE;
      else continue;
      owners[target] = next;
      if (sp === work.length) {
        const bigger = new Uint32Array(work.length * 2);
        bigger.set(work);
        work = bigger;
      }
      work[sp++] = target;
    }
  }
  list.array = work;
  list.length = 0;
}

/** Moves each singly owned node's size onto its owner (a float64 copy if a sum reaches 4 GiB). */
function moveOwnedSizes(g: FlatGraphArrays, owners: Uint32Array, sizes: Float64Array | Uint32Array): Float64Array | Uint32Array {
  const synthetic = typeIndexes(g).nodeSynthetic;
  const { nodeCount, nodeType, rootOrdinal } = g;
  let selfSize = sizes;
  for (let i = 0; i < nodeCount; i++) {
    const owner = owners[i]!;
    if (owner === UNVISITED || owner === MULTIPLE || owner === i) continue;
    // Giving size to synthetic nodes or the root is not useful (DevTools skips them too).
    if (nodeType[owner] === synthetic || owner === rootOrdinal) continue;
    const sum = selfSize[owner]! + selfSize[i]!;
    if (sum > 0xffffffff && selfSize instanceof Uint32Array) selfSize = Float64Array.from(selfSize);
    selfSize[owner] = sum;
    selfSize[i] = 0;
  }
  return selfSize;
}

/** Bits of {@link BfsContext.nameFlags}. */
const NATIVE_CONTEXT_NAME = 1;
const MAP_DESCRIPTORS_NAME = 2;
const SLOPPY_MAP_NAME = 4;

/**
 * DevTools' `calculateDistances` (JSHeapSnapshot's filter included): BFS from the user roots at
 * distance 1, then from the root for the rest (base {@link SYSTEM_DISTANCE_BASE}). Unreached
 * nodes keep {@link NO_DISTANCE}.
 */
export function computeDistances(
  g: FlatGraphArrays, ephemerons: EphemeronNames, pool = new ScratchPool(g.nodeCount + 1),
  userRegion?: { pageOwned: Uint8Array; refused: number[] },
): Int32Array {
  const t = typeIndexes(g);
  const { strings } = g;
  const distances = new Int32Array(g.nodeCount).fill(NO_DISTANCE);
  const queue = pool.take();
  // The few special names as bits per string index: the search tests a byte, not a Set.
  const nameFlags = new Uint8Array(strings.length);
  for (const i of indexesOf(strings, 'system / NativeContext')) nameFlags[i]! |= NATIVE_CONTEXT_NAME;
  for (const i of indexesOf(strings, '(map descriptors)')) nameFlags[i]! |= MAP_DESCRIPTORS_NAME;
  for (const i of indexesOf(strings, 'sloppy_function_map')) nameFlags[i]! |= SLOPPY_MAP_NAME;
  const b: BfsContext = {
    g, distances, queue, ephemerons, nameFlags,
    pending: new Set<string>(),
    weak: t.edgeWeak, internal: t.edgeInternal, hiddenNode: t.nodeHidden, arrayNode: t.nodeArray,
    elementEdge: t.edgeElement, hiddenEdge: t.edgeHidden,
  };
  // Seeds: the user roots at distance 1, then (once they are done) the root.
  const roots = userRoots(g);
  const seeds = new Uint32Array(roots.length + 1);
  const seedDistances = new Int32Array(roots.length + 1).fill(1);
  seeds.set(roots);
  seeds[roots.length] = g.rootOrdinal;
  seedDistances[roots.length] = roots.length > 0 ? SYSTEM_DISTANCE_BASE : 0;
  const reached = bfs(b, seeds, seedDistances, roots.length, userRegion?.refused);
  if (userRegion !== undefined) {
    // Everything the first search reached is page-owned: the queue starts with exactly those nodes.
    const flags = userRegion.pageOwned;
    for (let i = 0; i < reached; i++) flags[queue[i]!] = 1;
  }
  pool.give(queue);
  return distances;
}

/** What the distances' breadth-first search reads (one per computeDistances call). */
interface BfsContext {
  g: FlatGraphArrays;
  distances: Int32Array;
  queue: Uint32Array;
  ephemerons: EphemeronNames;
  /** Per string index: NATIVE_CONTEXT_NAME, MAP_DESCRIPTORS_NAME, SLOPPY_MAP_NAME bits. */
  nameFlags: Uint8Array;
  /** WeakMap entries whose first edge was refused (DevTools lets the second one through). */
  pending: Set<string>;
  weak: number;
  internal: number;
  hiddenNode: number;
  arrayNode: number;
  elementEdge: number;
  hiddenEdge: number;
}

/**
 * Breadth-first search in two rounds, in one call: from `seeds[0, firstRound)` (the user roots),
 * then, once that round is done, from the rest of the seeds (the root) over what is left. A seed
 * takes its distance from `seedDistances` unless it already has it (DevTools queues duplicate
 * roots; visiting once is equivalent). Each node reached gets its distance and joins the queue.
 * `refused` (first round only) collects the targets of the edges the filter refused, for the
 * page-owned set. Returns how many nodes the first round reached: the queue's first entries.
 *
 * One call, one loop: the second round runs in the code V8 optimized during the first, where a
 * second call would start in the interpreter again (measured on the 12 MiB bench file: the
 * search compiled twice instead of four times). No closure is made per call (see
 * class-aggregates.ts).
 */
function bfs(b: BfsContext, seeds: Uint32Array, seedDistances: Int32Array, firstRound: number, refused: number[] | undefined): number {
  const { firstEdge, edgeTo, edgeType, edgeName, nodeType, nodeName } = b.g;
  const { distances, queue, weak, internal, nameFlags, hiddenNode, arrayNode } = b;
  const ephState = b.ephemerons.state;
  const seedCount = seeds.length;
  let collect = refused;
  let head = 0;
  let length = 0;
  let nextSeed = 0;
  let firstRoundLength = -1;
  while (true) {
    if (head === length) {
      // The queue is empty: the next round's seeds, or the end.
      if (nextSeed === seedCount) break;
      if (nextSeed === firstRound) {
        firstRoundLength = length;
        collect = undefined;
      }
      const end = nextSeed < firstRound ? firstRound : seedCount;
      for (; nextSeed < end; nextSeed++) {
        const u = seeds[nextSeed]!;
        const d = seedDistances[nextSeed]!;
        if (distances[u] === d) continue;
        distances[u] = d;
        queue[length++] = u;
      }
      continue;
    }
    const o = queue[head++]!;
    const d = distances[o]! + 1;
    // Only internal edges and edges out of native contexts / descriptor arrays can be filtered.
    const fromType = nodeType[o]!;
    const special = (fromType === hiddenNode && (nameFlags[nodeName[o]!]! & NATIVE_CONTEXT_NAME) !== 0) ||
      (fromType === arrayNode && (nameFlags[nodeName[o]!]! & MAP_DESCRIPTORS_NAME) !== 0);
    for (let e = firstEdge[o]!, end = firstEdge[o + 1]!; e < end; e++) {
      const type = edgeType[e]!;
      if (type === weak) continue;
      const to = edgeTo[e]!;
      if (distances[to] !== NO_DISTANCE) continue;
      if ((special || (type === internal && ephState[edgeName[e]!] === 2)) && !passes(b, o, e)) {
        collect?.push(to);
        continue;
      }
      distances[to] = d;
      queue[length++] = to;
    }
  }
  return firstRoundLength < 0 ? length : firstRoundLength;
}

/** Whether the search may take edge e out of node `from` (DevTools' JSHeapSnapshot filter). */
function passes(b: BfsContext, from: number, e: number): boolean {
  const { nodeType, nodeName, edgeType, edgeName, strings } = b.g;
  const fromType = nodeType[from]!;
  const type = edgeType[e]!;
  if (fromType === b.hiddenNode && type !== b.elementEdge && type !== b.hiddenEdge && (b.nameFlags[edgeName[e]!]! & SLOPPY_MAP_NAME) !== 0 &&
    (b.nameFlags[nodeName[from]!]! & NATIVE_CONTEXT_NAME) !== 0) {
    return false;
  }
  if (fromType === b.arrayNode && (b.nameFlags[nodeName[from]!]! & MAP_DESCRIPTORS_NAME) !== 0) {
    const index = type === b.elementEdge || type === b.hiddenEdge ? edgeName[e]! : parseInt(strings.get(edgeName[e]!) ?? '', 10);
    return index < 2 || index % 3 !== 1;
  }
  if (type === b.internal) {
    const m = b.ephemerons.match(edgeName[e]!);
    if (m !== undefined && !b.pending.delete(m.duplicatedPart)) {
      b.pending.add(m.duplicatedPart);
      return false;
    }
  }
  return true;
}
