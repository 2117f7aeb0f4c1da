/**
 * Entry points: read a `.heapsnapshot` from disk as a stream (never holding the file text), or
 * parse one from memory (tests).
 */
import { open } from 'node:fs/promises';
import { LeakbenchError } from '../errors.js';
import { FlatHeapGraph, buildHeapGraph } from './heap-graph.js';
import { SnapshotParser } from './snapshot-parser.js';
import type { ReadOptions } from './types.js';

/** Size of each read; large reads keep syscall and chunk-boundary overhead negligible. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads and analyzes a heap snapshot file. The file is read in 4 MiB chunks straight into the
 * tokenizer; peak memory is proportional to the graph, not to the file.
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
  let raw;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new LeakbenchError('E_FILE_NOT_FOUND', `${filePath} is a directory, not a heap snapshot`);
    const totalBytes = stat.size;
    const chunk = new Uint8Array(CHUNK_BYTES);
    let bytesRead = 0;
    while (true) {
      const { bytesRead: n } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      parser.write(n === CHUNK_BYTES ? chunk : chunk.subarray(0, n));
      bytesRead += n;
      options.onProgress?.(bytesRead, totalBytes);
    }
    raw = parser.finish();
  } finally {
    await handle.close();
  }
  if (options.timings) options.timings['parse'] = performance.now() - t0;
  return buildHeapGraph(raw, options);
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
  // Feed in slices so tests exercise chunk boundaries the same way files do.
  const step = Math.max(1, chunkBytes);
  for (let i = 0; i < bytes.length; i += step) parser.write(bytes.subarray(i, Math.min(bytes.length, i + step)));
  const raw = parser.finish();
  if (options.timings) options.timings['parse'] = performance.now() - t0;
  return buildHeapGraph(raw, options);
}
