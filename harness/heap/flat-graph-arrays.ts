/**
 * The flat arrays a parsed snapshot is made of, shared by the graph passes. Indexed by node
 * ordinal or edge ordinal; `firstEdge` and `firstRetainer` have nodeCount + 1 entries so that
 * the outgoing edges of node `o` are `[firstEdge[o], firstEdge[o + 1])`.
 */
import type { StringTable } from './string-table.js';
import type { SnapshotMeta } from './types.js';

export interface FlatGraphArrays {
  readonly meta: SnapshotMeta;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly rootOrdinal: number;
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  readonly firstEdge: Uint32Array;
  readonly edgeType: Uint8Array;
  /** String index for named edges; the index itself for `element` and `hidden` edges. */
  readonly edgeName: Uint32Array;
  /** Target node ordinal. */
  readonly edgeTo: Uint32Array;
  readonly firstRetainer: Uint32Array;
  /** Edge ordinal per retainer slot. */
  readonly retainerEdge: Uint32Array;
  /** Source node ordinal per retainer slot. */
  readonly retainerNode: Uint32Array;
  readonly strings: StringTable;
}
