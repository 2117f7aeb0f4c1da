/**
 * The heap engine: stream a `.heapsnapshot` into flat typed arrays and derive what DevTools shows
 * (distances, dominators, retained sizes, class aggregates, paths from the roots).
 *
 * ```ts
 * const graph = await readSnapshot('a.heapsnapshot');
 * const top = graph.classAggregates().slice(0, 10);
 * const path = graph.pathToRoot(graph.ordinalOfId(4242));
 * ```
 */
export type {
  AllocationFrame, ClassAggregate, HeapGraph, ReadOptions, RetainerStep, SnapshotMeta,
} from './types.js';
export { readSnapshot, parseSnapshot } from './read-snapshot.js';
export { readSnapshots, type ReadManyOptions } from './read-snapshots.js';
export { FlatHeapGraph, UNREACHABLE_DISTANCE, type GraphTransfer } from './heap-graph.js';
export { SYSTEM_DISTANCE_BASE } from './devtools-rules.js';
export { formatRetainerPath } from './format-retainer-path.js';
export { topDominators } from './top-dominators.js';
export {
  SnapshotBuilder, V8_EDGE_TYPES, V8_NODE_TYPES,
  type BuilderEdgeType, type BuilderLayout, type BuilderNodeOptions, type BuilderNodeType, type SnapshotBuilderOptions,
} from './snapshot-builder.js';
