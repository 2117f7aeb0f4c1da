/**
 * The streaming parser: chunk boundaries anywhere, and bad input always ends in
 * `E_SNAPSHOT_PARSE` with a byte offset (never a hang, never another exception).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { SnapshotBuilder, parseSnapshot, readSnapshot } from './index.js';
import { SnapshotParser } from './snapshot-parser.js';

/** A builder holding the root, `(GC roots)` and the global object (returned). */
function rootedBuilder(layout: 'node20' | 'variant' = 'node20'): { b: SnapshotBuilder; global: number } {
  const b = new SnapshotBuilder({ layout });
  const root = b.root();
  const gc = b.node('synthetic', '(GC roots)', 0);
  const global = b.node('object', 'global', 40);
  b.edge(root, gc, 'element', 1).edge(root, global, 'shortcut', 'global').edge(gc, global, 'element', 0);
  return { b, global };
}

function sample(layout: 'node20' | 'variant' = 'node20'): string {
  const { b, global } = rootedBuilder(layout);
  let prev = global;
  for (let i = 0; i < 30; i++) {
    const n = b.node(i % 3 === 0 ? 'string' : 'object', i % 3 === 0 ? `key-\u00e9-${i}-"q"` : `Rec${i % 4}`, 16 + i, { id: 1001 + 2 * i });
    b.edge(prev, n, i % 2 === 0 ? 'property' : 'element', i % 2 === 0 ? `p${i}` : i);
    prev = n;
  }
  return b.toJson();
}

function expectParseError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isLeakbenchError(err, 'E_SNAPSHOT_PARSE')).toBe(true);
    const message = (err as Error).message;
    expect(message).toMatch(/at byte \d+/);
    return message;
  }
  throw new Error('expected E_SNAPSHOT_PARSE');
}

describe('snapshot parser', () => {
  it('gives the same graph whatever the chunk size', () => {
    for (const layout of ['node20', 'variant'] as const) {
      const text = sample(layout);
      const whole = parseSnapshot(text);
      for (const chunk of [1, 2, 3, 7, 64]) {
        const g = parseSnapshot(text, {}, chunk);
        expect(g.nodeCount).toBe(whole.nodeCount);
        for (let o = 0; o < g.nodeCount; o++) {
          expect([g.nodeName(o), g.nodeId(o), g.selfSize(o), g.retainedSize(o)])
            .toEqual([whole.nodeName(o), whole.nodeId(o), whole.selfSize(o), whole.retainedSize(o)]);
        }
        for (let e = 0; e < g.edgeCount; e++) expect([g.edgeName(e), g.edgeTarget(e)]).toEqual([whole.edgeName(e), whole.edgeTarget(e)]);
      }
    }
  });

  it('rejects every truncation of a snapshot with E_SNAPSHOT_PARSE', () => {
    const text = sample();
    const bytes = new TextEncoder().encode(text);
    for (let cut = 0; cut < bytes.length - 1; cut += 3) {
      expectParseError(() => parseSnapshot(bytes.subarray(0, cut), {}, 5));
    }
  });

  it('reports the offset of the first bad byte', () => {
    const text = sample();
    const at = text.indexOf('"edges":[') + 12;
    const corrupt = `${text.slice(0, at)}x${text.slice(at + 1)}`;
    expect(expectParseError(() => parseSnapshot(corrupt))).toContain(`at byte ${at}`);
  });

  it('reads V8\'s usual records on its fast path exactly as field by field, other formatting and bad values included', () => {
    // A bigger graph than sample(): its number arrays run far past the fast path's 128-byte
    // margin. Fed in 64-byte chunks, the parser never holds 128 bytes, so the fast path never
    // runs: that parse is the field-by-field reference.
    const { b, global } = rootedBuilder();
    let prev = global;
    for (let i = 0; i < 400; i++) {
      const name = i % 11 === 0 ? `key "${i}" \\ é€ \n` : i % 13 === 0 ? '' : `Rec${i % 7}-${i}`;
      const n = b.node(i % 5 === 0 ? 'string' : 'object', name, 16 + 1000 * i, { id: 4_000_000_001 - 2 * i, traceNodeId: i < 100 && i % 9 === 0 ? i : 0 });
      b.edge(prev, n, i % 2 === 0 ? 'property' : 'element', i % 2 === 0 ? `p${i}` : i);
      if (i % 3 === 0) b.edge(n, global, 'weak', 'w');
      prev = n;
    }
    const text = b.toJson();
    const raw = (t: string, chunk: number) => {
      const parser = new SnapshotParser();
      const bytes = new TextEncoder().encode(t);
      for (let i = 0; i < bytes.length; i += chunk) parser.write(bytes.subarray(i, i + chunk));
      return parser.finish();
    };
    const same = (t: string): void => {
      const fast = raw(t, 1 << 20);
      const slow = raw(t, 64);
      for (const k of ['nodeType', 'nodeName', 'nodeId', 'selfSize', 'firstEdge', 'edgeType', 'edgeName', 'edgeTo', 'traceNodeId', 'detachedness'] as const) {
        expect(fast[k] === undefined ? undefined : Array.from(fast[k])).toEqual(slow[k] === undefined ? undefined : Array.from(slow[k]));
      }
      expect(fast.strings.length).toBe(slow.strings.length);
      for (let i = 0; i < fast.strings.length; i++) expect(fast.strings.get(i)).toBe(slow.strings.get(i));
    };
    same(text);
    const nodesAt = text.indexOf('"nodes":[');
    const stringsAt = text.indexOf('"strings":[');
    // Chromium's detachedness on some nodes (the first one ends the fast path once).
    let record = 0;
    const detached = text.slice(0, nodesAt) + text.slice(nodesAt, stringsAt).replace(/,0\n/g, (m) => (++record % 17 === 0 ? `,${1 + (record % 2)}\n` : m)) + text.slice(stringsAt);
    expect(raw(detached, 1 << 20).detachedness?.filter((x) => x !== 0).length).toBeGreaterThan(10);
    same(detached);
    // Other whitespace in some records (the fast path hands those to the field-by-field path).
    let odd = 0;
    const spaced = text.slice(0, nodesAt) + text.slice(nodesAt, stringsAt).replace(/,/g, (m) => (++odd % 11 === 0 ? ' ,\t' : odd % 13 === 0 ? ',\r\n' : m)) + text.slice(stringsAt);
    same(spaced);
    expect(Array.from(parseSnapshot(spaced).arrays.edgeTo)).toEqual(Array.from(parseSnapshot(text).arrays.edgeTo));
    // Bad bytes and bad values anywhere in both arrays: the same error, at the same offset.
    const error = (t: string, chunk?: number): string => {
      try {
        parseSnapshot(t, {}, chunk);
      } catch (err) {
        expect(isLeakbenchError(err, 'E_SNAPSHOT_PARSE')).toBe(true);
        return (err as Error).message;
      }
      return 'no error';
    };
    const edgesAt = text.indexOf('"edges":[');
    // The last detached node: the fast path meets it after the array exists.
    const last = detached.lastIndexOf(',2\n', stringsAt);
    const tooDetached = `${detached.slice(0, last)},256${detached.slice(last + 2)}`;
    expect(error(tooDetached)).toContain('node detachedness 256 out of range');
    expect(error(tooDetached)).toBe(error(tooDetached, 64));
    for (const at of [nodesAt + 9, nodesAt + 700, nodesAt + 1501, edgesAt + 9, edgesAt + 400, edgesAt + 1203]) {
      for (const bad of ['x', '-', '.', '"', '}', '999', '4294967296']) {
        const corrupt = text.slice(0, at) + bad + text.slice(at + 1);
        const slow = error(corrupt, 64);
        expect(error(corrupt)).toBe(slow);
      }
    }
  });

  it('stops on an unterminated string or an endless header instead of buffering the file', () => {
    // Real limits are 64 MiB and 256 MiB; the same code path with small ones keeps the test fast.
    const feed = (text: string): void => {
      const parser = new SnapshotParser({ maxTokenBytes: 1000, maxCaptureBytes: 5000 });
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 256) parser.write(bytes.subarray(i, i + 256));
      parser.finish();
    };
    expect(expectParseError(() => feed(`{"strings":["${'a'.repeat(4000)}`))).toContain('more than 1000 bytes');
    expect(expectParseError(() => feed(`{"snapshot":${'['.repeat(8000)}`))).toContain('larger than 5000 bytes');
  });

  it('rejects non-snapshots and inconsistent snapshots', () => {
    expectParseError(() => parseSnapshot(''));
    expectParseError(() => parseSnapshot('   '));
    expectParseError(() => parseSnapshot('[1,2,3]'));
    expectParseError(() => parseSnapshot('{"name":"leakbench","version":"1.0.0"}'));
    expectParseError(() => parseSnapshot('GIF89a\u0000\u0001binary'));
    expectParseError(() => parseSnapshot(new Uint8Array([0xff, 0xfe, 0x00, 0x7b])));
    expectParseError(() => parseSnapshot('{"snapshot":{"meta":{}},"nodes":[],"edges":[],"strings":[]}'));
    const text = sample();
    // Node count that disagrees with the header.
    expectParseError(() => parseSnapshot(text.replace(/"node_count":\d+/, '"node_count":5')));
    // An edge pointing past the last node.
    expectParseError(() => parseSnapshot(text.replace(/"edges":\[(\d+),(\d+),(\d+)/, '"edges":[$1,$2,999999')));
    // An edge pointing into the middle of a node.
    expectParseError(() => parseSnapshot(text.replace(/"edges":\[(\d+),(\d+),(\d+)/, '"edges":[$1,$2,8')));
    // Trailing garbage.
    expectParseError(() => parseSnapshot(`${text}]`));
  });

  it('parallel read (edges in a worker thread) gives the same graph, and reports corrupt edges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakbench-heap-'));
    try {
      const file = join(dir, 'p.heapsnapshot');
      const text = sample();
      writeFileSync(file, text);
      const timings: Record<string, number> = {};
      const par = await readSnapshot(file, { parallel: true, timings });
      const seq = await readSnapshot(file, { parallel: false });
      // The worker runs compiled JavaScript: the parallel path is taken once `npm run build` ran.
      if (existsSync(join(PACKAGE_ROOT, 'dist', 'harness', 'heap', 'edges-worker.js'))) expect(timings).toHaveProperty('edgesWait');
      expect(par.edgeCount).toBe(seq.edgeCount);
      for (let e = 0; e < seq.edgeCount; e++) {
        expect([par.edgeType(e), par.edgeName(e), par.edgeTarget(e)]).toEqual([seq.edgeType(e), seq.edgeName(e), seq.edgeTarget(e)]);
      }
      for (let o = 0; o < seq.nodeCount; o++) {
        expect(par.retainedSize(o)).toBe(seq.retainedSize(o));
        expect([par.firstRetainer(o), par.retainersEnd(o)]).toEqual([seq.firstRetainer(o), seq.retainersEnd(o)]);
      }
      for (let i = 0; i < seq.edgeCount; i++) {
        expect([par.retainerEdge(i), par.retainerNode(i)]).toEqual([seq.retainerEdge(i), seq.retainerNode(i)]);
      }
      const at = text.indexOf('"edges":[') + 12;
      writeFileSync(file, `${text.slice(0, at)}x${text.slice(at + 1)}`);
      await expect(readSnapshot(file, { parallel: true })).rejects.toMatchObject({ code: 'E_SNAPSHOT_PARSE', message: expect.stringContaining(`at byte ${at}`) });
      writeFileSync(file, text.slice(0, text.indexOf('"edges":[') + 40));
      await expect(readSnapshot(file, { parallel: true })).rejects.toMatchObject({ code: 'E_SNAPSHOT_PARSE' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parallel read: a header past the first 64 KiB still reaches the worker; no header before the arrays is an error, not a wait', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakbench-heap-'));
    try {
      const file = join(dir, 'h.heapsnapshot');
      const text = sample();
      // The worker is started before the header is parsed and gets it from the first 64 KiB of
      // the first chunk, or from the whole chunk when the header is longer.
      writeFileSync(file, text.replace('{"snapshot":{', `{"snapshot":{"note":"${'n'.repeat(100_000)}",`));
      const timings: Record<string, number> = {};
      const par = await readSnapshot(file, { parallel: true, timings });
      const seq = await readSnapshot(file, { parallel: false });
      if (existsSync(join(PACKAGE_ROOT, 'dist', 'harness', 'heap', 'edges-worker.js'))) expect(timings).toHaveProperty('edgesWait');
      expect([par.nodeCount, par.edgeCount]).toEqual([seq.nodeCount, seq.edgeCount]);
      for (let o = 0; o < seq.nodeCount; o++) expect(par.retainedSize(o)).toBe(seq.retainedSize(o));
      // The header after the arrays: an error at the nodes, and the worker, started early and
      // still waiting for its job, is stopped (the read settles instead of waiting for it).
      const header = text.slice(text.indexOf('"snapshot":'), text.indexOf(',"nodes":'));
      writeFileSync(file, `{${text.slice(text.indexOf('"nodes":'), -1)},${header}}`);
      await expect(readSnapshot(file, { parallel: true })).rejects.toMatchObject({ code: 'E_SNAPSHOT_PARSE' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parallel read reports out-of-range edges exactly as the sequential read does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakbench-heap-'));
    try {
      const file = join(dir, 'bad.heapsnapshot');
      const json = JSON.parse(sample()) as { snapshot: { meta: { edge_fields: string[]; edge_types: [string[]] } }; edges: number[]; nodes: number[] };
      const ef = json.snapshot.meta.edge_fields.length;
      const property = json.snapshot.meta.edge_types[0].indexOf('property');
      const last = json.edges.length - ef;
      const cases: Array<(edges: number[]) => void> = [
        (edges) => { edges[last + 2] = json.nodes.length; }, // target past the last node
        (edges) => { edges[last] = 200; }, // unknown edge type
        (edges) => { edges[last] = property; edges[last + 1] = 1_000_000; }, // name past the string table
      ];
      for (const corrupt of cases) {
        const edges = [...json.edges];
        corrupt(edges);
        writeFileSync(file, JSON.stringify({ ...json, edges }));
        const seq = await readSnapshot(file, { parallel: false }).then(() => undefined, (err: unknown) => err);
        const par = await readSnapshot(file, { parallel: true }).then(() => undefined, (err: unknown) => err);
        expect(isLeakbenchError(seq) && seq.code).toBe('E_SNAPSHOT_PARSE');
        expect(isLeakbenchError(par) && par.message).toBe(isLeakbenchError(seq) && seq.message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('readSnapshot streams a file, and reports missing files and bad files by code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakbench-heap-'));
    try {
      const good = join(dir, 'a.heapsnapshot');
      writeFileSync(good, sample());
      const progress: number[] = [];
      const timings: Record<string, number> = {};
      const g = await readSnapshot(good, { onProgress: (read) => progress.push(read), timings });
      expect(g.nodeCount).toBe(33);
      expect(progress.at(-1)).toBeGreaterThan(0);
      expect(Object.keys(timings)).toEqual(expect.arrayContaining(['parse', 'index', 'distances', 'dominators', 'retained']));
      const bad = join(dir, 'b.heapsnapshot');
      writeFileSync(bad, sample().slice(0, 500));
      await expect(readSnapshot(bad)).rejects.toMatchObject({ code: 'E_SNAPSHOT_PARSE' });
      await expect(readSnapshot(join(dir, 'missing.heapsnapshot'))).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
