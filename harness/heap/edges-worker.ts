/**
 * Worker thread of the parallel reader: parses the `edges` array of a snapshot (about 60% of a
 * V8 snapshot's bytes) while the main thread parses the nodes and strings. Receives the file,
 * the offset of the array's '[' and the snapshot header; replies with the three edge arrays,
 * transferred (not copied), or with the parse error.
 */
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { isLeakbenchError } from '../errors.js';
import { SnapshotParser } from './snapshot-parser.js';

/** What the main thread sends. */
export interface EdgesJob {
  file: string;
  offset: number;
  header: Record<string, unknown>;
}

/** What the worker replies. */
export type EdgesReply =
  | { ok: true; edgeType: Uint8Array; edgeName: Uint32Array; edgeTo: Uint32Array; edgeCount: number }
  | { ok: false; code: string; message: string };

async function run(job: EdgesJob): Promise<EdgesReply> {
  const handle = await open(job.file, 'r');
  try {
    const parser = new SnapshotParser();
    parser.startEdgesOnly(job.header, job.offset);
    const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
    let position = job.offset;
    while (!parser.edgesDone) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      parser.write(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
    }
    return { ok: true, ...parser.takeEdges() };
  } finally {
    await handle.close();
  }
}

const job = workerData as EdgesJob;
run(job).then(
  (reply) => {
    if (reply.ok) parentPort!.postMessage(reply, [reply.edgeType.buffer, reply.edgeName.buffer, reply.edgeTo.buffer] as never);
    else parentPort!.postMessage(reply);
  },
  (err: unknown) => {
    const reply: EdgesReply = isLeakbenchError(err)
      ? { ok: false, code: err.code, message: err.message }
      : { ok: false, code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
    parentPort!.postMessage(reply);
  },
);
