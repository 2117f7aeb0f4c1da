/**
 * Worker thread of {@link readSnapshots}: reads whole snapshot files, one after the other, while
 * the main thread reads others, and posts each graph with its derived data as soon as it is
 * ready (every typed array transferred, not copied). Stops at the first file that fails and
 * posts its error code and message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isLeakbenchError } from '../errors.js';
import type { GraphTransfer } from './heap-graph.js';
import { readSnapshot } from './read-snapshot.js';

/** What the main thread asks for: files by their index in the caller's list. */
export interface GraphJob {
  files: Array<{ index: number; path: string }>;
  shallowSizes: 'devtools' | 'raw';
  /** Build each graph's id → ordinal index before sending it. */
  idIndex: boolean;
}

/** What the worker posts, in file order. */
export type GraphWorkerMessage =
  | { type: 'progress'; index: number; bytesRead: number; totalBytes: number }
  | { type: 'graph'; index: number; graph: GraphTransfer; timings: Record<string, number> }
  | { type: 'error'; index: number; code: string; message: string };

/** A worker started ahead of its job (prestartWorker) gets it as its first message. */
function nextJob(port: NonNullable<typeof parentPort>): Promise<GraphJob> {
  if (workerData !== undefined && workerData !== null) return Promise.resolve(workerData as GraphJob);
  return new Promise((resolve) => port.once('message', (m: { job: GraphJob }) => resolve(m.job)));
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const job = await nextJob(port);
  const post = (m: GraphWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  for (const { index, path } of job.files) {
    try {
      const timings: Record<string, number> = {};
      // Both threads are busy reading files: no second worker for the edges of a big one.
      const graph = await readSnapshot(path, {
        timings,
        parallel: false,
        shallowSizes: job.shallowSizes,
        onProgress: (bytesRead, totalBytes) => post({ type: 'progress', index, bytesRead, totalBytes }),
      });
      if (job.idIndex) graph.buildIdIndex();
      const { message, transfer } = graph.toTransfer();
      post({ type: 'graph', index, graph: message, timings }, transfer);
    } catch (err) {
      const code = isLeakbenchError(err) ? err.code : 'E_INTERNAL';
      post({ type: 'error', index, code, message: err instanceof Error ? err.message : String(err) });
      return;
    }
  }
}

await main();
