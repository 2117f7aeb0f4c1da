/**
 * Reading a snapshot sequence on two threads: the graphs that come back from the worker thread
 * (arrays transferred, string table as bytes) are the graphs a sequential read gives, and errors
 * are reported for the first bad file in list order, whichever thread met it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotBuilder, readSnapshot, readSnapshots, type FlatHeapGraph } from './index.js';
import { planSplit } from './read-snapshots.js';
import { prestartGraphWorker, prestartWorker, prestartedWorkerEnded, takePrestartedWorker, workerScript } from './worker-script.js';

const dir = mkdtempSync(join(tmpdir(), 'leakbench-read-many-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small heap with escaped strings, a WeakMap-like ephemeron edge and `records` entries. */
function snapshotFile(name: string, records: number): string {
  const b = new SnapshotBuilder();
  const root = b.root();
  const gc = b.node('synthetic', '(GC roots)', 0);
  const global = b.node('object', 'global', 40, { id: 3 });
  b.edge(root, gc, 'element', 1).edge(root, global, 'shortcut', 'global').edge(gc, global, 'element', 0);
  const cache = b.node('object', 'Map', 32, { id: 5 });
  b.edge(global, cache, 'property', 'keyCache');
  for (let i = 0; i < records; i++) {
    const key = b.node('string', `lk_${i}_"quoted"\\é`, 24, { id: 1001 + 2 * i });
    const value = b.node('object', i % 2 === 0 ? 'Session' : 'Scopes', 48, { id: 50001 + 2 * i });
    b.edge(cache, key, 'internal', `${i}`).edge(cache, value, 'element', i).edge(value, key, 'property', 'key');
  }
  const file = join(dir, name);
  writeFileSync(file, b.toJson(), { mode: 0o600 });
  return file;
}

function expectSameGraph(a: FlatHeapGraph, b: FlatHeapGraph): void {
  expect(b.nodeCount).toBe(a.nodeCount);
  expect(b.edgeCount).toBe(a.edgeCount);
  expect(b.totalSelfSizeBytes).toBe(a.totalSelfSizeBytes);
  for (let o = 0; o < a.nodeCount; o++) {
    expect([b.nodeName(o), b.nodeId(o), b.nodeType(o), b.selfSize(o), b.distance(o), b.dominator(o), b.retainedSize(o)])
      .toEqual([a.nodeName(o), a.nodeId(o), a.nodeType(o), a.selfSize(o), a.distance(o), a.dominator(o), a.retainedSize(o)]);
  }
  for (let e = 0; e < a.edgeCount; e++) {
    expect([b.edgeName(e), b.edgeType(e), b.edgeTarget(e)]).toEqual([a.edgeName(e), a.edgeType(e), a.edgeTarget(e)]);
  }
  expect(b.classAggregates()).toEqual(a.classAggregates());
  expect(b.pathToRoot(b.ordinalOfId(50001))).toEqual(a.pathToRoot(a.ordinalOfId(50001)));
}

describe('readSnapshots', () => {
  it('splits the sequence so the larger of the two shares is smallest', () => {
    // Main thread: the first k files; worker: the rest, plus its start-up.
    expect(planSplit([6, 23, 41], 4)).toBe(2);
    expect(planSplit([40, 1, 1], 4)).toBe(1);
    expect(planSplit([10, 10], 4)).toBe(1);
    expect(planSplit([30, 30, 30, 30], 0)).toBe(2);
    expect(planSplit([50, 1, 1, 1], 0)).toBe(1);
  });

  it('gives the same graphs on two threads as one file at a time', async () => {
    const files = [snapshotFile('a.heapsnapshot', 40), snapshotFile('b.heapsnapshot', 120), snapshotFile('c.heapsnapshot', 200)];
    const readBy: Array<'main' | 'worker'> = [];
    const progress = new Set<number>();
    const arrived: number[] = [];
    const graphs = await readSnapshots(files, {
      parallel: true, readBy, idIndex: true, onProgress: (i) => progress.add(i), onGraph: (i, g) => arrived.push(i, g.nodeCount),
    });
    // Each graph announced once, as soon as it was ready (with its id index, transferred or built here).
    expect([...arrived].filter((_, k) => k % 2 === 0).sort()).toEqual([0, 1, 2]);
    expect(arrived.filter((_, k) => k % 2 === 1)).toEqual(arrived.filter((_, k) => k % 2 === 0).map((i) => graphs[i]!.nodeCount));
    // The worker thread (compiled in dist/ by `npm test`'s build) read the last file(s).
    expect(readBy[0]).toBe('main');
    expect(readBy[2]).toBe('worker');
    expect([...progress].sort()).toEqual([0, 1, 2]);
    for (const [i, file] of files.entries()) expectSameGraph(await readSnapshot(file), graphs[i]!);
    const sequential = await readSnapshots(files, { parallel: false, readBy });
    expect(readBy).toEqual(['main', 'main', 'main']);
    for (const [i, g] of sequential.entries()) expectSameGraph(g, graphs[i]!);
  });

  it('hands a worker started ahead of the call its files, and reads a lazy-derived file on first use', async () => {
    const files = [snapshotFile('p.heapsnapshot', 30), snapshotFile('q.heapsnapshot', 90)];
    prestartGraphWorker();
    const readBy: Array<'main' | 'worker'> = [];
    const graphs = await readSnapshots(files, { parallel: true, readBy, lazyDerived: [0] });
    expect(readBy).toEqual(['main', 'worker']);
    // The read took the prestarted worker (an untaken one would still be there to take).
    const graphWorker = workerScript(new URL('./read-snapshots.ts', import.meta.url).href, 'graph-worker')!;
    const left = takePrestartedWorker(graphWorker);
    await left?.terminate();
    expect(left).toBeUndefined();
    for (const [i, file] of files.entries()) expectSameGraph(await readSnapshot(file), graphs[i]!);
  });

  it('lets the main thread work while it would wait for the worker, once, before the worker\'s graphs', async () => {
    // A tiny file here, a big one in the worker (which also has to start): the main thread is done first.
    const files = [snapshotFile('tiny.heapsnapshot', 5), snapshotFile('big.heapsnapshot', 20_000)];
    const events: string[] = [];
    const readBy: Array<'main' | 'worker'> = [];
    await readSnapshots(files, { parallel: true, readBy, onWait: () => events.push('wait'), onGraph: (i) => events.push(`graph ${i}`) });
    expect(readBy).toEqual(['main', 'worker']);
    expect(events).toEqual(['graph 0', 'wait', 'graph 1']);
    events.length = 0;
    await readSnapshots(files, { parallel: false, onWait: () => events.push('wait'), onGraph: (i) => events.push(`graph ${i}`) });
    expect(events).toEqual(['graph 0', 'graph 1']);
  });

  it('never hands out a prestarted worker that already ended', async () => {
    const script = join(dir, 'ends-at-once.mjs');
    writeFileSync(script, 'process.exit(0);\n');
    prestartWorker(script);
    // Wait for its exit (a worker takes from ~50 ms to seconds to start on a busy machine).
    for (let waited = 0; prestartedWorkerEnded(script) === false && waited < 20_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(prestartedWorkerEnded(script)).toBe(true);
    expect(takePrestartedWorker(script)).toBeUndefined();
  });

  it('reports the first bad file in list order, whichever thread read it', async () => {
    const good = snapshotFile('good.heapsnapshot', 30);
    const text = (await import('node:fs')).readFileSync(good, 'utf8');
    const truncated = join(dir, 'truncated.heapsnapshot');
    writeFileSync(truncated, text.slice(0, text.length - 20));
    const garbage = join(dir, 'garbage.heapsnapshot');
    writeFileSync(garbage, 'not a snapshot');
    // First bad file read by the main thread, a later bad one by the worker.
    await expect(readSnapshots([truncated, good, garbage], { parallel: true })).rejects.toMatchObject({
      code: 'E_SNAPSHOT_PARSE',
      message: expect.stringMatching(new RegExp(`^${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*at byte \\d+`)),
    });
    // Only the worker's file is bad.
    await expect(readSnapshots([good, good, garbage], { parallel: true })).rejects.toMatchObject({
      code: 'E_SNAPSHOT_PARSE',
      message: expect.stringContaining(garbage),
    });
    await expect(readSnapshots([good, join(dir, 'missing.heapsnapshot')], { parallel: true })).rejects.toMatchObject({
      code: 'E_FILE_NOT_FOUND',
    });
  });
});
