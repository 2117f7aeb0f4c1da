/**
 * What the harness asks of the server's V8 through the one inspector session: a full GC, a memory
 * sample, and a heap snapshot streamed to a private file.
 */
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { LeakbenchError } from '../errors.js';
import type { InspectorSession } from './inspector-session.js';

/** `process.memoryUsage()` of the server, in bytes. */
export interface MemoryUsage {
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  rssBytes: number;
}

/** Result of {@link takeHeapSnapshot}. */
export interface SnapshotResult {
  path: string;
  sizeBytes: number;
  /** Wall time from request to last chunk written: the server is paused for about this long. */
  durationMs: number;
}

/**
 * Forces a full, compacting GC in the server (`HeapProfiler.collectGarbage`, which V8 implements
 * as a low-memory notification: several full GCs until nothing more is freed).
 */
export async function collectGarbage(session: InspectorSession): Promise<void> {
  await session.send('HeapProfiler.collectGarbage', {}, { timeoutMs: 60_000 });
}

/**
 * Samples `process.memoryUsage()` inside the server through `Runtime.evaluate`. Including
 * `external` and `arrayBuffers` matters: a Buffer leak grows outside the JS heap.
 */
export async function sampleMemory(session: InspectorSession): Promise<MemoryUsage> {
  const res = await session.send<{
    result?: { value?: Record<string, number> };
    exceptionDetails?: { text?: string };
  }>('Runtime.evaluate', {
    expression: 'process.memoryUsage()',
    returnByValue: true,
    // Not a user action: keep it out of DevTools' console history and side-effect tracking.
    silent: true,
    includeCommandLineAPI: false,
  });
  const v = res.result?.value;
  if (res.exceptionDetails || !v) {
    throw new LeakbenchError('E_INSPECTOR', `process.memoryUsage() failed in the server: ${res.exceptionDetails?.text ?? 'no value'}`);
  }
  return {
    heapUsedBytes: v['heapUsed'] ?? 0,
    heapTotalBytes: v['heapTotal'] ?? 0,
    externalBytes: v['external'] ?? 0,
    arrayBuffersBytes: v['arrayBuffers'] ?? 0,
    rssBytes: v['rss'] ?? 0,
  };
}

/**
 * Creates `dir` (and parents) for snapshots with mode 0700: snapshots hold the API keys the server
 * saw. An existing directory is tightened to 0700 too.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * Takes a heap snapshot and streams it, chunk by chunk as `HeapProfiler.addHeapSnapshotChunk`
 * delivers it, into `filePath` (created exclusively, mode 0600; the parent should come from
 * {@link ensurePrivateDir}). The harness never holds the whole snapshot in memory. On failure the
 * partial file is removed.
 */
export async function takeHeapSnapshot(
  session: InspectorSession,
  filePath: string,
  options: {
    /**
     * Called right before the snapshot command is sent, in the same tick: a command it sends
     * reaches the server with the snapshot's, and the server's inspector runs both in one go,
     * with none of the server's own code between them.
     */
    justBefore?: () => void;
  } = {},
): Promise<SnapshotResult> {
  const started = performance.now();
  const out = createWriteStream(filePath, { flags: 'wx', mode: 0o600 });
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  let writeError: Error | undefined;
  out.on('error', (err) => {
    writeError = err;
  });
  try {
    await opened;
  } catch (err) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `cannot create snapshot file ${filePath}: ${(err as Error).message}`, { cause: err });
  }
  const unsubscribe = session.on('HeapProfiler.addHeapSnapshotChunk', (params) => {
    const chunk = params['chunk'];
    // Chunks arrive in order on one socket; the stream keeps that order.
    if (typeof chunk === 'string' && !writeError) out.write(chunk);
  });
  try {
    // The command's answer arrives after the last chunk event (CDP orders messages on a session).
    options.justBefore?.();
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, { timeoutMs: 10 * 60_000 });
    await new Promise<void>((resolve, reject) => {
      out.end(() => (writeError ? reject(writeError) : resolve()));
    });
    if (writeError) throw writeError;
    const { size } = await stat(filePath);
    return { path: filePath, sizeBytes: size, durationMs: performance.now() - started };
  } catch (err) {
    out.destroy();
    await rm(filePath, { force: true });
    throw err;
  } finally {
    unsubscribe();
  }
}
