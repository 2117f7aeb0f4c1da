/**
 * The in-memory heap graph: V8's flat layout split into one typed array per field, plus the
 * derived indexes (first edge, retainers), DevTools' distances, dominators and retained sizes.
 * Accessors read arrays by ordinal and allocate nothing except the strings they return.
 */
import {
  EphemeronNames, NO_DISTANCE, computeDistancesAndPageOwned, essentialRule, markAllEssentialEdges, propagateDetachedness,
  reassignShallowSizes,
  type EssentialRule,
} from './devtools-rules.js';
import { buildRetainers, edgeCountsToOffsets, type Retainers } from './build-retainers.js';
import { computeClassAggregates } from './class-aggregates.js';
import { computeDominators } from './dominators.js';
import type { FlatGraphArrays } from './flat-graph-arrays.js';
import { ScratchPool } from './scratch-pool.js';
import { StringTable, type StringTableParts } from './string-table.js';
import type { RawSnapshot } from './snapshot-parser.js';
import type { AllocationFrame, ClassAggregate, HeapGraph, ReadOptions, RetainerStep, SnapshotMeta } from './types.js';

/** `distance()` of a node no BFS reached (DevTools shows such nodes with no distance). */
export const UNREACHABLE_DISTANCE = 0x7fffffff;

function now(): number {
  return performance.now();
}

/** The sum of the first `n` values (a kernel of its own: the loop reads a local array, no getter). */
function sumOf(values: Float64Array | Uint32Array, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i]!;
  return total;
}

/**
 * Builds the graph and (unless `options.derived === false`) its derived data. `retainers` may be
 * given when another thread already built them from the same arrays.
 */
export function buildHeapGraph(raw: RawSnapshot, options: ReadOptions = {}, retainers?: Retainers): FlatHeapGraph {
  const timings = options.timings;
  const t0 = now();
  const { nodeCount, edgeCount, firstEdge, edgeTo } = raw;
  // edge_count per node → first edge ordinal per node (prefix sums, in place).
  edgeCountsToOffsets(firstEdge, nodeCount);
  const arrays = flatArrays(raw, retainers ?? buildRetainers(nodeCount, edgeCount, firstEdge, edgeTo, raw.retainerCounts));
  if (timings) timings['index'] = now() - t0;
  const graph = new FlatHeapGraph(raw, arrays, options.shallowSizes ?? 'devtools');
  if (options.derived !== false) graph.computeDerived(timings);
  return graph;
}

/**
 * As {@link buildHeapGraph}, while another thread builds the retainers index: the passes that
 * need no retainers (shallow sizes, distances, essential edges) run first, then the dominators
 * once the index arrives (built here if it arrives as undefined).
 */
export async function buildHeapGraphOverlapped(
  raw: RawSnapshot, options: ReadOptions, pending: Promise<Retainers | undefined>,
): Promise<FlatHeapGraph> {
  const timings = options.timings;
  const t0 = now();
  const { nodeCount, edgeCount, firstEdge, edgeTo } = raw;
  edgeCountsToOffsets(firstEdge, nodeCount);
  const empty = new Uint32Array(0);
  const arrays = flatArrays(raw, { firstRetainer: empty, retainerEdge: empty, retainerNode: empty });
  if (timings) timings['index'] = now() - t0;
  const graph = new FlatHeapGraph(raw, arrays, options.shallowSizes ?? 'devtools');
  // The retainers are still being built on the other thread: compute the essential edges now.
  if (options.derived !== false) graph.computeForward(timings);
  const t1 = now();
  const r = (await pending) ?? buildRetainers(nodeCount, edgeCount, firstEdge, edgeTo, raw.retainerCounts);
  arrays.firstRetainer = r.firstRetainer;
  arrays.retainerEdge = r.retainerEdge;
  arrays.retainerNode = r.retainerNode;
  if (timings) timings['retainersWait'] = now() - t1;
  if (options.derived !== false) graph.computeDerived(timings);
  return graph;
}

/** The graph's arrays (mutable here: the overlapped build installs the retainers last). */
function flatArrays(raw: RawSnapshot, r: Retainers): { -readonly [K in keyof FlatGraphArrays]: FlatGraphArrays[K] } {
  const rootIndex = raw.header['root_index'];
  const nodeFieldCount = raw.meta.nodeFields.length;
  const rootOrdinal = typeof rootIndex === 'number' && rootIndex > 0 ? Math.floor(rootIndex / nodeFieldCount) : 0;
  return {
    meta: raw.meta, nodeCount: raw.nodeCount, edgeCount: raw.edgeCount, rootOrdinal,
    nodeType: raw.nodeType, nodeName: raw.nodeName, nodeId: raw.nodeId, firstEdge: raw.firstEdge,
    edgeType: raw.edgeType, edgeName: raw.edgeName, edgeTo: raw.edgeTo,
    firstRetainer: r.firstRetainer, retainerEdge: r.retainerEdge, retainerNode: r.retainerNode, strings: raw.strings,
  };
}

/**
 * A graph with its derived data, in a form one `postMessage` moves between threads: every typed
 * array's buffer is transferred, not copied (the string table is bytes and spans too). Made by
 * {@link FlatHeapGraph.toTransfer}, turned back by {@link FlatHeapGraph.fromTransfer}.
 */
export interface GraphTransfer {
  raw: Omit<RawSnapshot, 'strings' | 'selfSize' | 'firstEdge'>;
  arrays: Omit<FlatGraphArrays, 'strings' | 'meta'>;
  strings: StringTableParts;
  selfSizes: Float64Array | Uint32Array;
  shallowSizes: 'devtools' | 'raw';
  distances: Int32Array;
  dominators: Uint32Array;
  retainedSizes: Float64Array;
  /** See FlatHeapGraph's `detachedNames`. */
  detachedNames?: Uint8Array;
  /** The id → ordinal index, when it was built before the move. */
  idTable?: { table: Uint32Array; mask: number };
}

/** {@link HeapGraph} over flat typed arrays. Create it with `readSnapshot` or `parseSnapshot`. */
export class FlatHeapGraph implements HeapGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly meta: SnapshotMeta;
  readonly totalSelfSizeBytes: number;
  readonly rootOrdinal: number;
  /** The snapshot header (`snapshot` object: counts, `root_index`, `extra_native_bytes`, …). */
  readonly header: Record<string, unknown>;
  /** The flat arrays, for passes that want them directly (read-only by convention). */
  readonly arrays: FlatGraphArrays;
  /** Self sizes as shown (DevTools' shallow sizes unless `shallowSizes: 'raw'`). */
  get selfSizes(): Float64Array | Uint32Array {
    return this.sizes;
  }
  private sizes: Float64Array | Uint32Array;

  private readonly shallowSizes: 'devtools' | 'raw';
  private shallowDone = false;
  private readonly traceNodeIds: Uint32Array | undefined;
  /**
   * 1 for the native objects DevTools shows as `Detached <name>` (Chromium's DOM state, spread as
   * DevTools' `propagateDOMState` does); undefined when none is detached.
   */
  private detachedNames: Uint8Array | undefined;
  private distances: Int32Array | undefined;
  private dominators: Uint32Array | undefined;
  private retainedSizes: Float64Array | undefined;
  private idTable: Uint32Array | undefined;
  private idTableMask = 0;
  private aggregates: ClassAggregate[] | undefined;
  /** Where `computeDerived` recorded its timings: class aggregates, computed later, add theirs. */
  private derivedTimings: Record<string, number> | undefined;
  /**
   * The derived passes' scratch arrays, kept weakly for the class aggregates: reused when they are
   * asked for right after loading (as `inspect` does, so peak memory does not grow), and left to
   * the GC when nobody asks (the analysis never does).
   */
  private sparePool: WeakRef<ScratchPool> | undefined;
  private readonly raw: Pick<RawSnapshot, 'traceFunctionInfos' | 'traceTree'>;
  private traceParents: Map<number, { parentId: number; functionInfoIndex: number }> | undefined;
  private readonly typeNames: string[];
  private readonly edgeTypeNames: string[];
  private readonly edgeElement: number;
  private readonly edgeHidden: number;
  private readonly edgeWeak: number;
  private readonly objectType: number;
  private readonly nativeType: number;

  constructor(raw: RawSnapshot, arrays: FlatGraphArrays, shallowSizes: 'devtools' | 'raw') {
    this.arrays = arrays;
    this.nodeCount = arrays.nodeCount;
    this.edgeCount = arrays.edgeCount;
    this.meta = arrays.meta;
    this.rootOrdinal = arrays.rootOrdinal;
    this.header = raw.header;
    this.sizes = raw.selfSize;
    this.traceNodeIds = raw.traceNodeId;
    this.detachedNames = raw.detachedness === undefined ? undefined : propagateDetachedness(arrays, raw.detachedness);
    this.shallowSizes = shallowSizes;
    this.raw = { traceFunctionInfos: raw.traceFunctionInfos, traceTree: raw.traceTree };
    this.totalSelfSizeBytes = sumOf(raw.selfSize, this.nodeCount);
    this.typeNames = arrays.meta.nodeTypes;
    this.edgeTypeNames = arrays.meta.edgeTypes;
    this.edgeElement = this.edgeTypeNames.indexOf('element');
    this.edgeHidden = this.edgeTypeNames.indexOf('hidden');
    this.edgeWeak = this.edgeTypeNames.indexOf('weak');
    this.objectType = this.typeNames.indexOf('object');
    this.nativeType = this.typeNames.indexOf('native');
    if (shallowSizes === 'raw') this.shallowDone = true;
  }

  /** The forward passes' results the dominator pass still needs. */
  private forward: { pool: ScratchPool; rule: EssentialRule; essentialMs: number } | undefined;

  /**
   * The passes that read only outgoing edges (no retainers): shallow sizes, distances and the
   * essential-edge set for the dominators (so they can run while another thread builds the
   * retainers). Idempotent; {@link computeDerived} runs it too.
   */
  computeForward(timings?: Record<string, number>): void {
    if (this.forward !== undefined || this.retainedSizes !== undefined) return;
    const g = this.arrays;
    // One pool of n-sized temporaries for every pass (peak = the largest pass).
    const pool = new ScratchPool(g.nodeCount + 1);
    let t = now();
    if (!this.shallowDone) {
      this.sizes = reassignShallowSizes(g, this.sizes, pool);
      this.shallowDone = true;
      if (timings) timings['shallow'] = now() - t;
    }
    const ephemerons = new EphemeronNames(g.strings);
    t = now();
    // The page-owned set (for the essential edges) comes out of the distances' traversal.
    const { distances, pageOwned } = computeDistancesAndPageOwned(g, ephemerons, pool);
    this.distances = distances;
    if (timings) timings['distances'] = now() - t;
    t = now();
    const rule = essentialRule(g, pageOwned, ephemerons);
    markAllEssentialEdges(rule, g.nodeCount);
    this.forward = { pool, rule, essentialMs: now() - t };
  }

  /** Computes shallow sizes, distances, dominators and retained sizes (idempotent). */
  computeDerived(timings?: Record<string, number>): void {
    if (this.retainedSizes !== undefined) return;
    this.computeForward(timings);
    const { pool, rule, essentialMs } = this.forward!;
    this.forward = undefined;
    const g = this.arrays;
    const t = now();
    const result = computeDominators({
      nodeCount: g.nodeCount, rootOrdinal: g.rootOrdinal, firstEdge: g.firstEdge, edgeTo: g.edgeTo,
      firstRetainer: g.firstRetainer, retainerEdge: g.retainerEdge, retainerNode: g.retainerNode,
      essential: rule.bits, selfSize: this.selfSizes, pool,
    }, timings);
    this.dominators = result.dominator;
    this.retainedSizes = result.retainedSize;
    if (timings) timings['dominators'] = essentialMs + now() - t - (timings['retained'] ?? 0);
    // Class aggregates are computed on the first `classAggregates()` call (most callers, e.g. the
    // leak analysis, never ask for them); that call records the `classes` timing here.
    this.derivedTimings = timings;
    this.sparePool = new WeakRef(pool);
  }

  /**
   * This graph as a {@link GraphTransfer} and the buffers to transfer with it. Computes the derived
   * data first. The graph must not be used afterwards: its arrays move to the receiving thread.
   */
  toTransfer(): { message: GraphTransfer; transfer: ArrayBuffer[] } {
    this.computeDerived();
    const a = this.arrays;
    const strings = a.strings.parts();
    const { strings: _s, meta: _m, ...typed } = a;
    const message: GraphTransfer = {
      raw: {
        meta: this.meta, header: this.header, nodeCount: this.nodeCount, edgeCount: this.edgeCount,
        nodeType: a.nodeType, nodeName: a.nodeName, nodeId: a.nodeId, traceNodeId: this.traceNodeIds,
        edgeType: a.edgeType, edgeName: a.edgeName, edgeTo: a.edgeTo, retainerCounts: undefined,
        traceFunctionInfos: this.raw.traceFunctionInfos, traceTree: this.raw.traceTree, totalBytes: 0,
        detachedness: undefined,
      },
      arrays: typed,
      strings,
      selfSizes: this.sizes,
      shallowSizes: this.shallowSizes,
      distances: this.distances!,
      dominators: this.dominators!,
      retainedSizes: this.retainedSizes!,
      ...(this.idTable === undefined ? {} : { idTable: { table: this.idTable, mask: this.idTableMask } }),
      ...(this.detachedNames === undefined ? {} : { detachedNames: this.detachedNames }),
    };
    const buffers = new Set<ArrayBuffer>();
    const add = (x: ArrayBufferView | undefined): void => {
      // Shared memory is shared, not transferred; views sharing one buffer list it once.
      if (x !== undefined && x.buffer instanceof ArrayBuffer) buffers.add(x.buffer);
    };
    for (const v of Object.values(typed)) if (ArrayBuffer.isView(v)) add(v);
    for (const v of [this.idTable, this.detachedNames, strings.bytes, strings.starts, strings.ends, this.sizes, this.distances, this.dominators, this.retainedSizes, this.traceNodeIds]) add(v);
    return { message, transfer: [...buffers] };
  }

  /** The graph a {@link toTransfer} message describes (derived data included). */
  static fromTransfer(m: GraphTransfer): FlatHeapGraph {
    const strings = StringTable.fromParts(m.strings);
    const raw: RawSnapshot = {
      ...m.raw, strings, selfSize: m.selfSizes, firstEdge: m.arrays.firstEdge,
    };
    // The arrays object is built exactly as for a graph read on this thread (same property
    // order, so the same hidden class): accessors stay monomorphic across all graphs.
    const { firstRetainer, retainerEdge, retainerNode } = m.arrays;
    const graph = new FlatHeapGraph(raw, flatArrays(raw, { firstRetainer, retainerEdge, retainerNode }), m.shallowSizes);
    graph.shallowDone = true;
    graph.distances = m.distances;
    graph.dominators = m.dominators;
    graph.retainedSizes = m.retainedSizes;
    graph.detachedNames = m.detachedNames;
    if (m.idTable !== undefined) {
      graph.idTable = m.idTable.table;
      graph.idTableMask = m.idTable.mask;
    }
    return graph;
  }

  /** Distances per node as DevTools computes them (-5 = unreached), for bulk passes. */
  distanceArray(): Int32Array {
    if (this.retainedSizes === undefined) this.computeDerived();
    return this.distances!;
  }
  /** Immediate dominator per node, for bulk passes. */
  dominatorArray(): Uint32Array {
    if (this.retainedSizes === undefined) this.computeDerived();
    return this.dominators!;
  }
  /** Retained size per node, for bulk passes. */
  retainedSizeArray(): Float64Array {
    if (this.retainedSizes === undefined) this.computeDerived();
    return this.retainedSizes!;
  }

  nodeType(nodeOrdinal: number): string {
    return this.typeNames[this.arrays.nodeType[nodeOrdinal]!] ?? 'unknown';
  }
  nodeName(nodeOrdinal: number): string {
    const name = this.arrays.strings.get(this.arrays.nodeName[nodeOrdinal]!) ?? '';
    return this.detachedNames !== undefined && this.detachedNames[nodeOrdinal] === 1 ? `Detached ${name}` : name;
  }
  nodeNameIs(nodeOrdinal: number, name: string): boolean {
    const index = this.arrays.nodeName[nodeOrdinal]!;
    if (this.detachedNames !== undefined && this.detachedNames[nodeOrdinal] === 1) {
      return name.startsWith('Detached ') && this.arrays.strings.equals(index, name.slice(9));
    }
    return this.arrays.strings.equals(index, name);
  }
  nodeId(nodeOrdinal: number): number {
    return this.arrays.nodeId[nodeOrdinal]!;
  }
  selfSize(nodeOrdinal: number): number {
    if (!this.shallowDone) this.computeDerived();
    return this.selfSizes[nodeOrdinal]!;
  }
  traceNodeId(nodeOrdinal: number): number {
    return this.traceNodeIds?.[nodeOrdinal] ?? 0;
  }

  /** Builds the id → ordinal index {@link ordinalOfId} uses now rather than on the first lookup. */
  buildIdIndex(): void {
    if (this.idTable === undefined) this.buildIdTable();
  }

  ordinalOfId(nodeId: number): number {
    if (this.idTable === undefined) this.buildIdTable();
    const table = this.idTable!;
    const mask = this.idTableMask;
    let slot = (Math.imul(nodeId, 0x9e3779b1) >>> 0) & mask;
    while (true) {
      const v = table[slot]!;
      if (v === 0) return -1;
      if (this.arrays.nodeId[v - 1] === nodeId) return v - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** Open-addressing hash from id to ordinal + 1 (one Uint32Array, built on first lookup). */
  private buildIdTable(): void {
    let size = 16;
    while (size < this.nodeCount * 2) size *= 2;
    const table = new Uint32Array(size);
    const mask = size - 1;
    const ids = this.arrays.nodeId;
    for (let o = 0; o < this.nodeCount; o++) {
      const id = ids[o]!;
      let slot = (Math.imul(id, 0x9e3779b1) >>> 0) & mask;
      while (true) {
        const v = table[slot]!;
        if (v === 0) { table[slot] = o + 1; break; }
        if (ids[v - 1] === id) break; // keep the first node with a duplicated id
        slot = (slot + 1) & mask;
      }
    }
    this.idTable = table;
    this.idTableMask = mask;
  }

  groupKey(nodeOrdinal: number): number {
    const t = this.arrays.nodeType[nodeOrdinal]!;
    if (t !== this.objectType && t !== this.nativeType) return t;
    // Above the type range: the name's string index, doubled, plus 1 for `Detached ` names.
    const detached = this.detachedNames !== undefined && this.detachedNames[nodeOrdinal] === 1 ? 1 : 0;
    return 256 + 2 * this.arrays.nodeName[nodeOrdinal]! + detached;
  }
  groupKeyName(key: number): string {
    if (key < 256) return this.typeNames[key] ?? 'unknown';
    const name = this.arrays.strings.get((key - 256) >>> 1) ?? '';
    return (key & 1) === 1 ? `Detached ${name}` : name;
  }

  className(nodeOrdinal: number): string {
    const type = this.nodeType(nodeOrdinal);
    switch (type) {
      case 'hidden': return '(system)';
      case 'object':
      case 'native': {
        const name = this.nodeName(nodeOrdinal);
        // DevTools groups `<div id="a">` under `<div>`.
        if (name.startsWith('<')) {
          const sp = name.indexOf(' ');
          return sp === -1 ? name : `${name.slice(0, sp)}>`;
        }
        if (name.startsWith('Detached <')) {
          const sp = name.indexOf(' ', 10);
          return sp === -1 ? name : `${name.slice(0, sp)}>`;
        }
        return name;
      }
      case 'code': return '(compiled code)';
      default: return `(${type})`;
    }
  }

  firstEdge(nodeOrdinal: number): number {
    return this.arrays.firstEdge[nodeOrdinal]!;
  }
  edgesEnd(nodeOrdinal: number): number {
    return this.arrays.firstEdge[nodeOrdinal + 1]!;
  }
  edgeType(edgeOrdinal: number): string {
    return this.edgeTypeNames[this.arrays.edgeType[edgeOrdinal]!] ?? 'unknown';
  }
  edgeName(edgeOrdinal: number): string {
    const t = this.arrays.edgeType[edgeOrdinal]!;
    const n = this.arrays.edgeName[edgeOrdinal]!;
    if (t === this.edgeElement || t === this.edgeHidden) return String(n);
    return this.arrays.strings.get(n) ?? String(n);
  }
  edgeNameIs(edgeOrdinal: number, name: string): boolean {
    const t = this.arrays.edgeType[edgeOrdinal]!;
    const n = this.arrays.edgeName[edgeOrdinal]!;
    if (t === this.edgeElement || t === this.edgeHidden) {
      // An index: only a decimal string can match (checked before building one).
      const c = name.charCodeAt(0);
      return c >= 48 && c <= 57 && String(n) === name;
    }
    return n < this.arrays.strings.length ? this.arrays.strings.equals(n, name) : String(n) === name;
  }
  edgeTarget(edgeOrdinal: number): number {
    return this.arrays.edgeTo[edgeOrdinal]!;
  }

  firstRetainer(nodeOrdinal: number): number {
    return this.arrays.firstRetainer[nodeOrdinal]!;
  }
  retainersEnd(nodeOrdinal: number): number {
    return this.arrays.firstRetainer[nodeOrdinal + 1]!;
  }
  retainerEdge(i: number): number {
    return this.arrays.retainerEdge[i]!;
  }
  retainerNode(i: number): number {
    return this.arrays.retainerNode[i]!;
  }

  // Per-node accessors read the arrays directly (no object per call: the analysis calls these
  // for many nodes).
  distance(nodeOrdinal: number): number {
    if (this.retainedSizes === undefined) this.computeDerived();
    const d = this.distances![nodeOrdinal]!;
    return d === NO_DISTANCE ? UNREACHABLE_DISTANCE : d;
  }
  dominator(nodeOrdinal: number): number {
    if (this.retainedSizes === undefined) this.computeDerived();
    return this.dominators![nodeOrdinal]!;
  }
  retainedSize(nodeOrdinal: number): number {
    if (this.retainedSizes === undefined) this.computeDerived();
    return this.retainedSizes![nodeOrdinal]!;
  }
  isReachable(nodeOrdinal: number): boolean {
    if (this.retainedSizes === undefined) this.computeDerived();
    return this.distances![nodeOrdinal] !== NO_DISTANCE;
  }

  /**
   * Walks back from the node along retainers whose distance is one less (non-weak edges), which
   * yields a shortest path in DevTools' distance metric. A node at distance 1 hangs off the root;
   * so does the first node below the root in the system region (distance base + 1).
   */
  pathToRoot(nodeOrdinal: number): RetainerStep[] | undefined {
    const distances = this.distanceArray();
    if (distances[nodeOrdinal] === NO_DISTANCE) return undefined;
    const a = this.arrays;
    const root = this.rootOrdinal;
    const steps: RetainerStep[] = [];
    let cur = nodeOrdinal;
    while (cur !== root) {
      const d = distances[cur]!;
      let found = -1;
      let foundEdge = -1;
      for (let i = a.firstRetainer[cur]!, end = a.firstRetainer[cur + 1]!; i < end; i++) {
        const e = a.retainerEdge[i]!;
        if (a.edgeType[e] === this.edgeWeak) continue;
        const from = a.retainerNode[i]!;
        if (from === cur) continue;
        const want = d === 1 ? from === root : distances[from] === d - 1;
        if (want) { found = from; foundEdge = e; break; }
      }
      if (found === -1) return undefined; // only when filters made the BFS take a stranger route
      steps.push({ nodeOrdinal: cur, edgeOrdinal: foundEdge });
      cur = found;
      if (steps.length > this.nodeCount) return undefined;
    }
    steps.push({ nodeOrdinal: root, edgeOrdinal: -1 });
    steps.reverse();
    return steps;
  }

  /**
   * Aggregates by {@link className}, as DevTools' summary does: nodes with a zero (shallow) self
   * size are left out, and a class's retained size sums the retained sizes of its nodes that no
   * other node of the same class dominates (a walk down the dominator tree).
   */
  classAggregates(): ClassAggregate[] {
    if (this.aggregates === undefined) {
      if (this.retainedSizes === undefined) this.computeDerived();
      const t = now();
      const pool = this.sparePool?.deref() ?? new ScratchPool(this.nodeCount + 1);
      this.sparePool = undefined;
      this.aggregates = this.computeAggregates(pool);
      if (this.derivedTimings) this.derivedTimings['classes'] = now() - t;
      this.derivedTimings = undefined;
    }
    return this.aggregates.map((x) => ({ ...x }));
  }

  private computeAggregates(pool: ScratchPool): ClassAggregate[] {
    const a = this.arrays;
    return computeClassAggregates(
      {
        nodeCount: this.nodeCount,
        rootOrdinal: this.rootOrdinal,
        nodeType: a.nodeType,
        nodeName: a.nodeName,
        stringCount: a.strings.length,
        typeNames: this.typeNames,
        detachedNames: this.detachedNames,
        selfSizes: this.selfSizes,
        dominators: this.dominators!,
        retainedSizes: this.retainedSizes!,
        className: (o) => this.className(o),
      },
      pool,
    );
  }

  allocationStack(nodeOrdinal: number): AllocationFrame[] | undefined {
    const traceId = this.traceNodeId(nodeOrdinal);
    if (traceId === 0) return undefined;
    const parents = this.traceIndex();
    const infos = this.raw.traceFunctionInfos;
    const fields = this.meta.traceFunctionInfoFields ?? ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'];
    const fc = fields.length;
    const fName = fields.indexOf('name');
    const fScript = fields.indexOf('script_name');
    const fScriptId = fields.indexOf('script_id');
    const fLine = fields.indexOf('line');
    const fColumn = fields.indexOf('column');
    const frames: AllocationFrame[] = [];
    let id = traceId;
    while (id !== 0) {
      const entry = parents.get(id);
      if (entry === undefined) break;
      const base = entry.functionInfoIndex * fc;
      const line = infos[base + fLine] ?? 0;
      const column = infos[base + fColumn] ?? 0;
      frames.push({
        functionName: this.arrays.strings.get(infos[base + fName] ?? -1) ?? '',
        scriptName: this.arrays.strings.get(infos[base + fScript] ?? -1) ?? '',
        scriptId: infos[base + fScriptId] ?? 0,
        // V8's serializer already writes 1-based positions, 0 when unknown (SerializePosition in
        // heap-snapshot-generator.cc); checked on a real tracked snapshot against the script.
        line,
        column,
      });
      id = entry.parentId;
      if (frames.length > 10_000) break;
    }
    return frames.length > 0 ? frames : undefined;
  }

  private traceIndex(): Map<number, { parentId: number; functionInfoIndex: number }> {
    if (this.traceParents !== undefined) return this.traceParents;
    const map = new Map<number, { parentId: number; functionInfoIndex: number }>();
    const fields = this.meta.traceNodeFields ?? ['id', 'function_info_index', 'count', 'size', 'children'];
    const fId = fields.indexOf('id');
    const fInfo = fields.indexOf('function_info_index');
    const fChildren = fields.indexOf('children');
    const fc = fields.length;
    // trace_tree is [id, info, count, size, [children…], id, …] nested; walk it iteratively.
    const work: Array<{ arr: unknown[]; parentId: number }> = [];
    if (Array.isArray(this.raw.traceTree)) work.push({ arr: this.raw.traceTree, parentId: 0 });
    while (work.length > 0) {
      const { arr, parentId } = work.pop()!;
      for (let i = 0; i + fc <= arr.length; i += fc) {
        const id = Number(arr[i + fId]);
        map.set(id, { parentId, functionInfoIndex: Number(arr[i + fInfo]) });
        const children = arr[i + fChildren];
        if (Array.isArray(children) && children.length > 0) work.push({ arr: children, parentId: id });
      }
    }
    // The tree's root node is "(root)": stop the stack there.
    const top = Array.isArray(this.raw.traceTree) ? Number(this.raw.traceTree[fId]) : NaN;
    if (!Number.isNaN(top)) map.delete(top);
    this.traceParents = map;
    return map;
  }
}
