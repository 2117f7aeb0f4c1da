/**
 * Worker thread of the parallel reader: parses the `edges` array of a snapshot (about 60% of a
 * V8 snapshot's bytes) while the main thread parses the nodes and strings. Receives the file,
 * the offset of the array's '[' and the snapshot header (as `workerData`, or as its first message
 * `{ job }` when it was started before they were known); then, from the main thread, the per-node
 * edge counts once the nodes are parsed. Replies with the edge arrays as soon as they are parsed
 * (type and name arrays transferred, targets in shared memory), or with the parse error; then
 * builds the retainers index from the shared targets and sends it (transferred) in a second
 * message, while the main thread runs the passes that need no retainers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isLeakbenchError } from '../errors.js';
import { buildRetainers, edgeCountsToOffsets, type Retainers } from './build-retainers.js';
import { parseEdgesArray, type EdgesArrayJob } from './parse-edges-array.js';
import type { EdgeRanges } from './snapshot-parser.js';

/** What the main thread sends. */
export type EdgesJob = EdgesArrayJob;

/** The job, as the first message of a worker started without `workerData`. */
export interface EdgesJobMessage {
  job: EdgesJob;
}

/** Sent by the main thread once it has parsed the nodes (`counts` undefined: no index wanted). */
export interface EdgeCountsMessage {
  type: 'edge-counts';
  counts: Uint32Array | undefined;
}

/**
 * What the worker replies: first the edges (as soon as they are parsed), then, in a second
 * message, the retainers index built from them (undefined when it could not be built here). The
 * main thread runs the passes that need no retainers (shallow sizes, distances, essential edges)
 * while this thread builds the index, so the index is off the critical path.
 */
export type EdgesReply =
  | { ok: true; edgeType: Uint8Array; edgeName: Uint32Array; edgeTo: Uint32Array; edgeCount: number; ranges?: EdgeRanges }
  | { ok: false; code: string; message: string };

/** The second message. */
export interface RetainersMessage {
  type: 'retainers';
  retainers: Retainers | undefined;
}

async function run(job: EdgesJob): Promise<void> {
  // Edge targets in shared memory: handed to the main thread and still read here for the index.
  const { retainerCounts, ...edges } = await parseEdgesArray({ ...job, sharedTargets: true });
  // The counts by target stay here: the index is built on this thread.
  const reply: EdgesReply = { ok: true, ...edges };
  // A non-shared edgeTo (only if trimmed) is copied, not transferred: this thread still needs it.
  parentPort!.postMessage(reply, [edges.edgeType.buffer, edges.edgeName.buffer] as never);
  repliedEdges = true;
  const counts = await edgeCounts;
  let retainers: Retainers | undefined;
  if (counts !== undefined && counts.length >= 1) {
    const nodeCount = counts.length - 1;
    const total = edgeCountsToOffsets(counts, nodeCount);
    // Only a consistent graph is indexed here; the main thread validates and reports the rest.
    const inRange = total === edges.edgeCount && edges.ranges !== undefined && edges.ranges.maxTo < nodeCount;
    if (inRange) retainers = buildRetainers(nodeCount, edges.edgeCount, counts, edges.edgeTo, retainerCounts?.length === nodeCount + 1 ? retainerCounts : undefined);
  }
  const message: RetainersMessage = { type: 'retainers', retainers };
  const transfer = retainers === undefined ? [] : [retainers.firstRetainer.buffer, retainers.retainerEdge.buffer, retainers.retainerNode.buffer];
  parentPort!.postMessage(message, transfer as never);
}

let receiveCounts: (counts: Uint32Array | undefined) => void = () => {};
const edgeCounts = new Promise<Uint32Array | undefined>((resolve) => {
  receiveCounts = resolve;
});
let receiveJob: (job: EdgesJob) => void = () => {};
const job = workerData !== undefined && workerData !== null
  ? Promise.resolve(workerData as EdgesJob)
  : new Promise<EdgesJob>((resolve) => {
    receiveJob = resolve;
  });
parentPort!.on('message', (m: EdgeCountsMessage | EdgesJobMessage) => {
  if ('job' in m) receiveJob(m.job);
  else if (m.type === 'edge-counts') receiveCounts(m.counts);
});

let repliedEdges = false;
job.then(run).then(
  () => {},
  (err: unknown) => {
    if (repliedEdges) {
      const message: RetainersMessage = { type: 'retainers', retainers: undefined };
      parentPort!.postMessage(message);
      return;
    }
    const reply: EdgesReply = isLeakbenchError(err)
      ? { ok: false, code: err.code, message: err.message }
      : { ok: false, code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
    parentPort!.postMessage(reply);
  },
);
