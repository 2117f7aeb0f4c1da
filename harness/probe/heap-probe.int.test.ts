import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { keySecret } from '../../scenarios/kit/api-key.js';
import { LoadDriver } from '../load/load-driver.js';
import { createRequestMix } from '../load/request-mix.js';
import { startServer } from '../server/start-server.js';
import { childPidsOf } from '../server/process-table.js';
import { collectGarbage, ensurePrivateDir, sampleMemory, takeHeapSnapshot } from './heap-probe.js';
import { InspectorSession } from './inspector-session.js';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'test-fixtures', 'tiny-server.mjs');

/** Ids of nodes named `name` in a small snapshot (a test may JSON.parse a few-MB file). */
async function idsOfClass(file: string, name: string): Promise<Set<number>> {
  const snap = JSON.parse(await readFile(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const nameAt = fields.indexOf('name');
  const idAt = fields.indexOf('id');
  const ids = new Set<number>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    if (snap.strings[snap.nodes[i + nameAt]!] === name) ids.add(snap.nodes[i + idAt]!);
  }
  return ids;
}

describe('heap probe through one inspector session', () => {
  test('samples memory, forces GC, streams private snapshots whose node ids stay stable under load', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'leakbench-probe-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const server = await startServer({ entry: TINY, env: { LEAK_BYTES: '2000' } });
    onTestFinished(() => server.kill().then(() => undefined));
    const session = await InspectorSession.connect(server.inspectorUrl!);
    onTestFinished(() => session.close());

    const load = new LoadDriver({
      baseUrl: server.baseUrl,
      connections: 4,
      rate: 800,
      nextRequest: createRequestMix({ keys: { kind: 'unique' }, invalidRatio: 0, postRatio: 0.2, secret: keySecret() }),
    });
    const snapDir = path.join(dir, 'snaps');
    await ensurePrivateDir(snapDir);

    await load.runSegment(1000);
    await collectGarbage(session);
    const m1 = await sampleMemory(session);
    const s1 = await takeHeapSnapshot(session, path.join(snapDir, 's1.heapsnapshot'));
    await load.runSegment(1000);
    await collectGarbage(session);
    const m2 = await sampleMemory(session);
    const s2 = await takeHeapSnapshot(session, path.join(snapDir, 's2.heapsnapshot'));

    expect(load.requests).toBeGreaterThan(500);
    expect(m1.heapUsedBytes).toBeGreaterThan(1e6);
    expect(m1.rssBytes).toBeGreaterThan(m1.heapUsedBytes);
    expect(m2.heapUsedBytes).toBeGreaterThan(m1.heapUsedBytes);
    expect((await stat(snapDir)).mode & 0o777).toBe(0o700);
    expect((await stat(s1.path)).mode & 0o777).toBe(0o600);
    expect(s1.sizeBytes).toBeGreaterThan(100_000);
    expect(s2.sizeBytes).toBe((await stat(s2.path)).size);

    const ids1 = await idsOfClass(s1.path, 'Retained');
    const ids2 = await idsOfClass(s2.path, 'Retained');
    expect(ids1.size).toBeGreaterThan(50);
    expect(ids2.size).toBeGreaterThan(ids1.size);
    // Every object retained at snapshot 1 is still alive at snapshot 2 and keeps its id.
    for (const id of ids1) expect(ids2.has(id)).toBe(true);

    // An existing file is never overwritten (exclusive create).
    await expect(takeHeapSnapshot(session, s1.path)).rejects.toThrow(/cannot create snapshot file/);
  });

  test('attaches through the inspector port (/json/list) and sends any CDP command', async () => {
    const server = await startServer({ entry: TINY });
    onTestFinished(() => server.kill().then(() => undefined));
    const port = Number(new URL(server.inspectorUrl!).port);
    const session = await InspectorSession.attach('127.0.0.1', port);
    onTestFinished(() => session.close());
    const res = await session.send<{ result: { value: number } }>('Runtime.evaluate', {
      expression: '6 * 7',
      returnByValue: true,
    });
    expect(res.result.value).toBe(42);
    await expect(session.send('No.suchMethod')).rejects.toThrow(/No.suchMethod failed/);
  });

  test('pending commands reject with E_INSPECTOR when the server dies', async () => {
    const server = await startServer({ entry: TINY });
    onTestFinished(() => server.kill().then(() => undefined));
    const session = await InspectorSession.connect(server.inspectorUrl!);
    onTestFinished(() => session.close());
    const settled = session
      .send('Runtime.evaluate', { expression: 'new Promise(() => {})', awaitPromise: true })
      .then(() => 'resolved', (err: unknown) => err);
    await server.kill();
    expect(await settled).toMatchObject({ code: 'E_INSPECTOR' });
    expect(childPidsOf(process.pid)).not.toContain(server.pid);
  });
});
