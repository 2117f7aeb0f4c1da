/**
 * Parses only the `edges` array of a snapshot file, from the offset of its '['. Used by the edges
 * worker thread, and by the main thread when that worker cannot run.
 */
import { open } from 'node:fs/promises';
import { SnapshotParser, type ParsedEdgeArrays } from './snapshot-parser.js';

/** Where the array is and how its fields are laid out. */
export interface EdgesArrayJob {
  file: string;
  /** File offset of the array's '['. */
  offset: number;
  /** The snapshot's `snapshot` header (meta and counts). */
  header: Record<string, unknown>;
  /** Put the edge targets in a SharedArrayBuffer (so two threads can read them). */
  sharedTargets?: boolean;
}

/** The three edge field arrays, by edge ordinal, and their ranges. */
export type ParsedEdges = ParsedEdgeArrays;

/** Reads and parses the edges array; throws `E_SNAPSHOT_PARSE` with the byte offset on bad input. */
export async function parseEdgesArray(job: EdgesArrayJob): Promise<ParsedEdges> {
  const handle = await open(job.file, 'r');
  try {
    const parser = new SnapshotParser();
    parser.startEdgesOnly(job.header, job.offset, job.sharedTargets === true);
    const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
    let position = job.offset;
    while (!parser.edgesDone) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      parser.write(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
    }
    return parser.takeEdges();
  } finally {
    await handle.close();
  }
}
