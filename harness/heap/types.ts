/**
 * The heap engine's public contract. `harness/heap` implements it; `harness/analysis` and the CLI
 * use only what is declared here (plus the functions exported from `harness/heap/index.ts`).
 *
 * Vocabulary (kept exact everywhere):
 * - `nodeOrdinal`: 0-based index of a node (flat index / node field count).
 * - `nodeIndex`: offset of a node in V8's flat `nodes` array (ordinal × field count).
 * - `nodeId`: V8's id of the object, stable across snapshots of one process while one inspector
 *   session stays connected.
 * - `edgeOrdinal`: 0-based index of an edge in the flat `edges` array (offset / edge field count).
 */

/** `snapshot.meta` of a `.heapsnapshot` file, as V8 wrote it (fields differ between versions). */
export interface SnapshotMeta {
  nodeFields: string[];
  /** Type names of the node `type` field (`hidden`, `array`, `string`, `object`, `closure`, …). */
  nodeTypes: string[];
  edgeFields: string[];
  /** Type names of the edge `type` field (`context`, `element`, `property`, `internal`, `hidden`, `shortcut`, `weak`). */
  edgeTypes: string[];
  locationFields?: string[];
  traceFunctionInfoFields?: string[];
  traceNodeFields?: string[];
  sampleFields?: string[];
}

/** One step of a retainer path: the edge taken from the previous node, and the node reached. */
export interface RetainerStep {
  nodeOrdinal: number;
  /** Edge from the previous step's node to this one; -1 for the first step (the root). */
  edgeOrdinal: number;
}

/** Per-class aggregate (by constructor / node name). */
export interface ClassAggregate {
  /** Class name as DevTools groups it (`Map`, `Object`, `(string)`, `(closure)`, `system / Context`, …). */
  className: string;
  count: number;
  selfSizeBytes: number;
  /** Sum of retained sizes of the class's nodes that no other node of the same class dominates. */
  retainedSizeBytes: number;
}

/** Allocation site of a node, when the snapshot carries allocation traces. */
export interface AllocationFrame {
  functionName: string;
  scriptName: string;
  scriptId: number;
  /** 1-based line and column, as printed in stack traces. */
  line: number;
  column: number;
}

/**
 * A parsed heap snapshot with its derived indexes. All per-node data lives in typed arrays; the
 * accessors below read them by ordinal and allocate nothing except where they return strings.
 */
export interface HeapGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly meta: SnapshotMeta;
  /** Total self size of all nodes, bytes. */
  readonly totalSelfSizeBytes: number;
  /** Ordinal of the synthetic root node (ordinal 0 in V8 snapshots). */
  readonly rootOrdinal: number;

  // Nodes
  nodeType(nodeOrdinal: number): string;
  nodeName(nodeOrdinal: number): string;
  /**
   * `nodeName(o) === name`, without building the name: a string node's name is its value (an API
   * key, a URL…), so comparing this way decodes nothing in a pass over many nodes.
   */
  nodeNameIs(nodeOrdinal: number, name: string): boolean;
  nodeId(nodeOrdinal: number): number;
  selfSize(nodeOrdinal: number): number;
  /** `trace_node_id` when the snapshot has allocation traces, else 0. */
  traceNodeId(nodeOrdinal: number): number;
  /** Ordinal of the node with V8 id `nodeId`, or -1. */
  ordinalOfId(nodeId: number): number;
  /**
   * A number standing for the node's name if it is an object or native node, else for its type:
   * equal for two nodes of one graph exactly when those strings are. Tallying by it decodes no
   * string per node; {@link groupKeyName} turns a key back into its string.
   */
  groupKey(nodeOrdinal: number): number;
  /** The node name or type name a {@link groupKey} stands for. */
  groupKeyName(key: number): string;
  /** DevTools' class name for grouping: `(closure)`, `(string)`, `system / Context`, or the node name. */
  className(nodeOrdinal: number): string;

  // Edges (outgoing edges of a node are the contiguous range [firstEdge, edgesEnd))
  firstEdge(nodeOrdinal: number): number;
  edgesEnd(nodeOrdinal: number): number;
  edgeType(edgeOrdinal: number): string;
  /** Property/context/internal name, or the element/hidden index as a decimal string. */
  edgeName(edgeOrdinal: number): string;
  /** `edgeName(e) === name`, without building the name (see {@link nodeNameIs}). */
  edgeNameIs(edgeOrdinal: number, name: string): boolean;
  edgeTarget(edgeOrdinal: number): number;

  // Retainers (incoming edges), built with counting passes
  firstRetainer(nodeOrdinal: number): number;
  retainersEnd(nodeOrdinal: number): number;
  /** Edge ordinal of retainer slot `i` (between firstRetainer and retainersEnd). */
  retainerEdge(i: number): number;
  /** Node ordinal owning retainer slot `i`. */
  retainerNode(i: number): number;

  // Derived: computed once by `readSnapshot`/`parseSnapshot` unless disabled.
  /** Distance from the GC roots (BFS over non-weak edges, as DevTools); unreachable nodes get a large sentinel. */
  distance(nodeOrdinal: number): number;
  /** Ordinal of the immediate dominator; the root dominates itself. */
  dominator(nodeOrdinal: number): number;
  retainedSize(nodeOrdinal: number): number;
  /** True when the node is reachable from the root without weak edges. */
  isReachable(nodeOrdinal: number): boolean;
  /**
   * Bulk views for passes over every node (read-only by convention; no per-node call):
   * distances as DevTools stores them (-5 for a node no BFS reached, where `distance()` returns
   * its large sentinel), immediate dominators and retained sizes, by node ordinal.
   */
  distanceArray(): Int32Array;
  dominatorArray(): Uint32Array;
  retainedSizeArray(): Float64Array;
  /** Shortest retainer path from the root to the node (root first), or undefined if unreachable. */
  pathToRoot(nodeOrdinal: number): RetainerStep[] | undefined;
  /** Aggregates by class name, sorted by retained size descending. */
  classAggregates(): ClassAggregate[];
  /** Allocation stack of a node (innermost first), when the snapshot has `trace_tree`. */
  allocationStack(nodeOrdinal: number): AllocationFrame[] | undefined;
}

/** Options for reading or parsing a snapshot. */
export interface ReadOptions {
  /** Called with bytes read so far and total, for progress displays. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Phase timings are recorded here when given (`parse`, `index`, `shallow`, `distances`,
   * `dominators`, `retained`; `edgesWait`/`retainersWait` on the parallel path; `classes` at the
   * first `classAggregates()` call).
   */
  timings?: Record<string, number>;
  /**
   * Self sizes to use: `devtools` (default) moves the size of an array/hidden node owned by one
   * object onto that object, as DevTools' summary does; `raw` keeps V8's sizes as written.
   */
  shallowSizes?: 'devtools' | 'raw';
  /** Compute distances, dominators and retained sizes at load time (default true); else on first use. */
  derived?: boolean;
  /**
   * Parse the edges array in a worker thread while the main thread parses nodes and strings.
   * Default: on for files of 48 MiB and more when more than one CPU is available.
   */
  parallel?: boolean;
}
