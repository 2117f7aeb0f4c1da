/**
 * Entry points: read a `.heapsnapshot` from disk as a stream (never holding the file text), or
 * parse one from memory (tests).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { LeakbenchError, type ErrorCode } from '../errors.js';
import type { EdgeCountsMessage, EdgesJob, EdgesJobMessage, EdgesReply, RetainersMessage } from './edges-worker.js';
import type { Retainers } from './build-retainers.js';
import { fileChunks } from './file-chunks.js';
import { FlatHeapGraph, buildHeapGraph, buildHeapGraphOverlapped } from './heap-graph.js';
import { parseEdgesArray } from './parse-edges-array.js';
import { SnapshotParser } from './snapshot-parser.js';
import type { ReadOptions } from './types.js';
import { startWorker, workerScript } from './worker-script.js';

/** Size of each read; large reads keep syscall and chunk-boundary overhead negligible. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** The header is in a snapshot's first bytes: parsed from this much of the first chunk alone. */
const HEADER_PROBE_BYTES = 64 * 1024;
/** Below this size a worker thread costs more than it saves. */
const PARALLEL_MIN_BYTES = 48 * 1024 * 1024;

/**
 * Finds the file offset of the edges array's '[' by scanning for `"edges"` followed by `:` and
 * `[` (a string element `"edges"` in the strings table is followed by `,` or `]` instead).
 * The nodes array before it holds no quotes, so this is a fast native scan. -1 if not found.
 */
async function findEdgesArray(handle: FileHandle, totalBytes: number): Promise<number> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  const key = Buffer.from('"edges"');
  let position = 0;
  while (position < totalBytes) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    const view = chunk.subarray(0, bytesRead);
    let at = view.indexOf(key);
    while (at >= 0) {
      let p = at + key.length;
      while (p < bytesRead && (view[p] === 32 || view[p] === 10 || view[p] === 13 || view[p] === 9)) p++;
      if (p < bytesRead && view[p] === 58) {
        p++;
        while (p < bytesRead && (view[p] === 32 || view[p] === 10 || view[p] === 13 || view[p] === 9)) p++;
        if (p < bytesRead && view[p] === 91) return position + p;
      }
      if (p >= bytesRead) break; // cut by the chunk end: re-read from the match
      at = view.indexOf(key, at + 1);
    }
    if (bytesRead < CHUNK_BYTES) break;
    // Overlap so a key cut by the chunk boundary is seen whole.
    position += at > 0 ? at : bytesRead - 64;
  }
  return -1;
}

interface EdgesWorker {
  /** Sends the job to a worker started without one (see {@link startEdgesWorker}); once. */
  sendJob: (job: EdgesJob) => void;
  reply: Promise<EdgesReply>;
  /** The retainers index the worker builds after sending the edges (undefined: build it here). */
  retainers: Promise<Retainers | undefined>;
  /** True once the edge counts went to the worker. */
  readonly countsSent: boolean;
  sendCounts: (counts: Uint32Array | undefined) => void;
  stop: () => void;
}

/**
 * Starts the edges worker before its job is known: its start-up (a new isolate, loading the
 * parser: ~50 ms) then overlaps the search for the edges array and the header's parse instead of
 * delaying the edges, which are the reader's critical path. {@link EdgesWorker.sendJob} gives it
 * the file offset and header.
 */
function startEdgesWorker(script: string): EdgesWorker {
  let worker: Worker;
  try {
    worker = startWorker(script, undefined);
  } catch (err) {
    // No worker: the caller parses the edges on the main thread.
    const failed = Promise.resolve<EdgesReply>({ ok: false, code: 'E_INTERNAL', message: (err as Error).message });
    return { sendJob: () => {}, reply: failed, retainers: Promise.resolve(undefined), sendCounts: () => {}, countsSent: true, stop: () => {} };
  }
  let resolveReply: (r: EdgesReply) => void = () => {};
  let resolveRetainers: (r: Retainers | undefined) => void = () => {};
  const reply = new Promise<EdgesReply>((resolve) => {
    resolveReply = resolve;
  });
  const retainers = new Promise<Retainers | undefined>((resolve) => {
    resolveRetainers = resolve;
  });
  // First message: the edges (or the error); second: the retainers index. A settled promise
  // ignores later calls, so an error or exit only affects what is still pending.
  worker.on('message', (m: EdgesReply | RetainersMessage) => {
    if ('type' in m && m.type === 'retainers') resolveRetainers(m.retainers);
    else resolveReply(m as EdgesReply);
  });
  worker.once('error', (err) => {
    resolveReply({ ok: false, code: 'E_INTERNAL', message: err.message });
    resolveRetainers(undefined);
  });
  worker.once('exit', (code) => {
    resolveReply({ ok: false, code: 'E_INTERNAL', message: `edges worker exited with ${code}` });
    resolveRetainers(undefined);
  });
  let sent = false;
  const sendCounts = (counts: Uint32Array | undefined): void => {
    if (sent) return;
    sent = true;
    const message: EdgeCountsMessage = { type: 'edge-counts', counts };
    worker.postMessage(message, (counts === undefined ? [] : [counts.buffer]) as never);
  };
  let jobSent = false;
  const sendJob = (job: EdgesJob): void => {
    if (jobSent) return;
    jobSent = true;
    const message: EdgesJobMessage = { job };
    worker.postMessage(message);
  };
  return {
    sendJob,
    reply,
    retainers,
    sendCounts,
    get countsSent() {
      return sent;
    },
    stop: () => void worker.terminate(),
  };
}

/**
 * Reads and analyzes a heap snapshot file. The file is read in 4 MiB chunks straight into the
 * tokenizer; peak memory is proportional to the graph, not to the file. On big files the edges
 * array (most of the bytes) is parsed by a worker thread in parallel.
 *
 * @throws LeakbenchError `E_FILE_NOT_FOUND` when the file cannot be opened, `E_SNAPSHOT_PARSE`
 *   (with the byte offset) when it is truncated, corrupt or not a heap snapshot.
 */
export async function readSnapshot(filePath: string, options: ReadOptions = {}): Promise<FlatHeapGraph> {
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (err) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `cannot open ${filePath}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
  const t0 = performance.now();
  const parser = new SnapshotParser();
  let worker: EdgesWorker | undefined;
  let pendingRetainers: Promise<Retainers | undefined> | undefined;
  let raw;
  let failed = true;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new LeakbenchError('E_FILE_NOT_FOUND', `${filePath} is a directory, not a heap snapshot`);
    const totalBytes = stat.size;
    const script = options.parallel === false ? undefined : workerScript(import.meta.url, 'edges-worker');
    const wantParallel = options.parallel ?? (totalBytes >= PARALLEL_MIN_BYTES && availableParallelism() > 1);
    let edgesAt = -1;
    if (wantParallel && script !== undefined) {
      worker = startEdgesWorker(script);
      edgesAt = await findEdgesArray(handle, totalBytes);
      if (edgesAt >= 0) parser.skipEdgesArrayAt(edgesAt);
      else {
        worker.stop();
        worker = undefined;
      }
    }
    let bytesRead = 0;
    let jobSent = false;
    for await (const chunk of fileChunks(handle, 0, CHUNK_BYTES)) {
      // The header comes first: parsed from the chunk's start alone, so the worker gets its job
      // (and starts on the edges) before the rest of the chunk's nodes are parsed.
      const head = jobSent || worker === undefined ? 0 : Math.min(chunk.length, HEADER_PROBE_BYTES);
      if (head > 0) parser.write(chunk.subarray(0, head));
      const header = parser.parsedHeader;
      if (!jobSent && worker !== undefined && header !== undefined) {
        worker.sendJob({ file: filePath, offset: edgesAt, header });
        jobSent = true;
      }
      if (head < chunk.length) parser.write(head === 0 ? chunk : chunk.subarray(head));
      bytesRead += chunk.length;
      if (!jobSent && worker !== undefined && parser.parsedHeader !== undefined) {
        worker.sendJob({ file: filePath, offset: edgesAt, header: parser.parsedHeader });
        jobSent = true;
      }
      // Once the nodes are parsed, the worker can build the retainers index after its edges.
      if (worker !== undefined && !worker.countsSent) {
        const counts = parser.edgeCountsCopy();
        if (counts !== undefined) worker.sendCounts(counts);
      }
      options.onProgress?.(bytesRead, totalBytes);
    }
    if (parser.skippedEdges) {
      if (worker !== undefined && !worker.countsSent) worker.sendCounts(parser.edgeCountsCopy());
      const waitStart = performance.now();
      // No header before the edges (never in a V8 file): the worker never got its job.
      const reply = worker === undefined || !jobSent
        ? ({ ok: false, code: 'E_INTERNAL', message: 'edges worker not started' } as const)
        : await worker.reply;
      // Recorded only on the parallel path: how long the main thread waited for the worker.
      if (options.timings) options.timings['edgesWait'] = performance.now() - waitStart;
      if (reply.ok) {
        parser.installEdges(reply);
        pendingRetainers = worker?.retainers;
      } else if (reply.code === 'E_SNAPSHOT_PARSE') {
        throw new LeakbenchError(reply.code as ErrorCode, reply.message);
      } else {
        // The worker could not run (or died): parse the edges on this thread instead.
        const header = parser.parsedHeader;
        if (header === undefined) throw new LeakbenchError('E_SNAPSHOT_PARSE', 'heap snapshot has no snapshot header');
        parser.installEdges(await parseEdgesArray({ file: filePath, offset: edgesAt, header }));
      }
    }
    raw = parser.finish();
    failed = false;
  } catch (err) {
    // Name the file: `analyze` reads several, and the offset alone does not say which is bad.
    if (err instanceof LeakbenchError && err.code === 'E_SNAPSHOT_PARSE' && !err.message.startsWith(`${filePath}: `)) {
      throw new LeakbenchError('E_SNAPSHOT_PARSE', `${filePath}: ${err.message}`, { cause: err });
    }
    throw err;
  } finally {
    // The worker is still building the retainers index when the edges were good: stop it once
    // that arrives (the graph passes below wait for it), or now.
    const w = worker;
    if (w !== undefined) {
      if (failed || pendingRetainers === undefined) w.stop();
      else void pendingRetainers.then(() => w.stop());
    }
    await handle.close();
  }
  if (options.timings) options.timings['parse'] = performance.now() - t0;
  return pendingRetainers === undefined ? buildHeapGraph(raw, options) : buildHeapGraphOverlapped(raw, options, pendingRetainers);
}

/**
 * Parses a heap snapshot held in memory (tests, small snapshots). Same result as {@link readSnapshot}.
 * `chunkBytes` (tests) feeds the parser in slices of that size to exercise chunk boundaries.
 *
 * @throws LeakbenchError `E_SNAPSHOT_PARSE` with the byte offset on bad input.
 */
export function parseSnapshot(text: string | Uint8Array, options: ReadOptions = {}, chunkBytes = CHUNK_BYTES): FlatHeapGraph {
  const t0 = performance.now();
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const parser = new SnapshotParser();
  const step = Math.max(1, chunkBytes);
  for (let i = 0; i < bytes.length; i += step) parser.write(bytes.subarray(i, Math.min(bytes.length, i + step)));
  const raw = parser.finish();
  if (options.timings) options.timings['parse'] = performance.now() - t0;
  return buildHeapGraph(raw, options);
}
