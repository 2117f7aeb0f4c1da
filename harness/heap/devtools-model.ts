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

/** What {@link parityMismatches} compares: our graph's per-node accessors. */
interface OurGraph {
  nodeCount: number;
  distanceArray(): Int32Array;
  dominator(o: number): number;
  selfSize(o: number): number;
  retainedSize(o: number): number;
  nodeType(o: number): string;
  nodeName(o: number): string;
  nodeId(o: number): number;
  className(o: number): string;
}

/**
 * Every node where our graph and DevTools' model disagree, as readable lines: `sizes` (distance,
 * dominator, shallow and retained size) and `names` (name and class). DevTools' class names differ
 * from ours by design for closures (`Function`), regexps (`RegExp`) and plain objects
 * (`{a, b, …}` for our `Object`); those are not counted.
 */
export function parityMismatches(ours: OurGraph, theirs: DevToolsNodeResults): { sizes: string[]; names: string[] } {
  const sizes: string[] = [];
  const names: string[] = [];
  const distances = ours.distanceArray();
  for (let o = 0; o < ours.nodeCount; o++) {
    const type = ours.nodeType(o);
    const mine = [distances[o], ours.dominator(o), ours.selfSize(o), ours.retainedSize(o)];
    const dev = [theirs.distances[o], theirs.dominators[o], theirs.selfSizes[o], theirs.retainedSizes[o]];
    if (mine.some((v, i) => v !== dev[i])) {
      sizes.push(`${type} ${ours.nodeName(o).slice(0, 40)} @${ours.nodeId(o)}: ours ${mine.join('/')} devtools ${dev.join('/')}`);
    }
    const cls = ours.className(o);
    const devCls = theirs.classNames[o] ?? '';
    const sameClass = type === 'closure' || type === 'regexp' || cls === devCls || (cls === 'Object' && devCls.startsWith('{'));
    if (ours.nodeName(o) !== theirs.names[o] || !sameClass) {
      names.push(`${type} @${ours.nodeId(o)}: ours ${ours.nodeName(o)} / ${cls}, devtools ${theirs.names[o]} / ${devCls}`);
    }
  }
  return { sizes, names };
}
