/**
 * Worker thread of the parallel reader: parses the `edges` array of a snapshot (about 60% of a
 * V8 snapshot's bytes) while the main thread parses the nodes and strings. Receives the file,
 * the offset of the array's '[' and the snapshot header; then, from the main thread, the per-node
 * edge counts once the nodes are parsed, and builds the retainers index too (the main thread is
 * still busy with the strings). Replies with the edge arrays and the retainers, transferred (not
 * copied), or with the parse error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isLeakbenchError } from '../errors.js';
import { buildRetainers, edgeCountsToOffsets, type Retainers } from './build-retainers.js';
import { parseEdgesArray, type EdgesArrayJob } from './parse-edges-array.js';
import type { EdgeRanges } from './snapshot-parser.js';

/** What the main thread sends. */
export type EdgesJob = EdgesArrayJob;

/** Sent by the main thread once it has parsed the nodes (`counts` undefined: no index wanted). */
export interface EdgeCountsMessage {
  type: 'edge-counts';
  counts: Uint32Array | undefined;
}

/** What the worker replies. */
export type EdgesReply =
  | { ok: true; edgeType: Uint8Array; edgeName: Uint32Array; edgeTo: Uint32Array; edgeCount: number; ranges?: EdgeRanges; retainers?: Retainers }
  | { ok: false; code: string; message: string };

async function run(job: EdgesJob): Promise<EdgesReply> {
  const edges = await parseEdgesArray(job);
  const counts = await edgeCounts;
  let retainers: Retainers | undefined;
  if (counts !== undefined && counts.length >= 1) {
    const nodeCount = counts.length - 1;
    const total = edgeCountsToOffsets(counts, nodeCount);
    // Only a consistent graph is indexed here; the main thread validates and reports the rest.
    const inRange = total === edges.edgeCount && edges.ranges !== undefined && edges.ranges.maxTo < nodeCount;
    if (inRange) retainers = buildRetainers(nodeCount, edges.edgeCount, counts, edges.edgeTo);
  }
  return retainers === undefined ? { ok: true, ...edges } : { ok: true, ...edges, retainers };
}

let receiveCounts: (counts: Uint32Array | undefined) => void = () => {};
const edgeCounts = new Promise<Uint32Array | undefined>((resolve) => {
  receiveCounts = resolve;
});
parentPort!.on('message', (m: EdgeCountsMessage) => {
  if (m.type === 'edge-counts') receiveCounts(m.counts);
});

const job = workerData as EdgesJob;
run(job).then(
  (reply) => {
    if (reply.ok) {
      const transfer = [reply.edgeType.buffer, reply.edgeName.buffer, reply.edgeTo.buffer];
      const r = reply.retainers;
      if (r !== undefined) transfer.push(r.firstRetainer.buffer, r.retainerEdge.buffer, r.retainerNode.buffer);
      parentPort!.postMessage(reply, transfer as never);
    }
    else parentPort!.postMessage(reply);
  },
  (err: unknown) => {
    const reply: EdgesReply = isLeakbenchError(err)
      ? { ok: false, code: err.code, message: err.message }
      : { ok: false, code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
    parentPort!.postMessage(reply);
  },
);
