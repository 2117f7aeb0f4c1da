/**
 * Test and benchmark support: load a snapshot with Chrome DevTools' own model
 * (`heap-snapshot-toolkit`, a dev dependency) and read back per-node results, to check ours
 * against. Not part of the engine; nothing in `harness/` imports it outside tests and benches.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** Per-node results of DevTools' model, indexed by node ordinal. */
export interface DevToolsNodeResults {
  nodeCount: number;
  /** DevTools' distances (-5 = no distance). */
  distances: Int32Array;
  retainedSizes: Float64Array;
  dominators: Uint32Array;
  /** Shallow sizes after DevTools' reassignment of owned arrays. */
  selfSizes: Float64Array;
  /** Node names as DevTools holds them (detached DOM objects renamed `Detached <name>`). */
  names: string[];
  /** DevTools' class name of each node. */
  classNames: string[];
}

interface ToolkitSnapshot {
  nodeCount: number;
  nodeFieldCount: number;
  nodeSelfSizeOffset: number;
  nodes: { getValue(i: number): number };
  nodeDistances: Int32Array;
  retainedSizes: Float64Array;
  dominatorsTree: Uint32Array;
  createNode(nodeIndex: number): { rawName(): string; className(): string };
}

/** Loads a file (or in-memory text) with DevTools' loader and extracts its per-node results. */
export async function loadWithDevTools(source: { file: string } | { text: string }): Promise<DevToolsNodeResults> {
  const { parse } = (await import('heap-snapshot-toolkit')) as unknown as {
    parse(stream: NodeJS.ReadableStream): Promise<ToolkitSnapshot>;
  };
  const stream = 'file' in source ? createReadStream(source.file, 'utf-8') : Readable.from([source.text]);
  const s = await parse(stream);
  const n = s.nodeCount;
  const selfSizes = new Float64Array(n);
  const names: string[] = [];
  const classNames: string[] = [];
  for (let o = 0; o < n; o++) {
    selfSizes[o] = s.nodes.getValue(o * s.nodeFieldCount + s.nodeSelfSizeOffset);
    const node = s.createNode(o * s.nodeFieldCount);
    names.push(node.rawName());
    classNames.push(node.className());
  }
  return {
    nodeCount: n,
    distances: Int32Array.from(s.nodeDistances),
    retainedSizes: Float64Array.from(s.retainedSizes),
    dominators: Uint32Array.from(s.dominatorsTree),
    selfSizes,
    names,
    classNames,
  };
}
