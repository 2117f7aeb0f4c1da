/**
 * Parses only the `edges` array of a snapshot file, from the offset of its '['. Used by the edges
 * worker thread, and by the main thread when that worker cannot run.
 */
import { open } from 'node:fs/promises';
import { fileChunks } from './file-chunks.js';
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
    for await (const chunk of fileChunks(handle, job.offset, 4 * 1024 * 1024)) {
      parser.write(chunk);
      if (parser.edgesDone) break;
    }
    return parser.takeEdges();
  } finally {
    await handle.close();
  }
}
