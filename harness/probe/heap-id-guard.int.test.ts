/**
 * The id guard on a real server: ids kept across snapshots of one session, and a wipe seen when
 * another inspector session of the same process (an in-process `node:inspector` Session, as an
 * APM agent opens one) connects and disconnects between two snapshots.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { startServer } from '../server/start-server.js';
import { HeapIdGuard } from './heap-id-guard.js';
import { ensurePrivateDir, takeHeapSnapshot } from './heap-probe.js';
import { InspectorSession } from './inspector-session.js';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'test-fixtures', 'tiny-server.mjs');

/** Opens and closes an in-process inspector session inside the server (needs Node ≥ 20.16). */
const OTHER_SESSION = `(() => { const { Session } = process.getBuiltinModule('node:inspector'); const s = new Session(); s.connect(); s.disconnect(); return true; })()`;

describe('heap id guard', () => {
  test('kept across snapshots of one session; wiped when another session disconnects', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'leakbench-guard-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await ensurePrivateDir(dir);
    const server = await startServer({ entry: TINY });
    onTestFinished(() => server.kill().then(() => undefined));
    const session = await InspectorSession.connect(server.inspectorUrl!);
    onTestFinished(() => session.close());
    const guard = await HeapIdGuard.pin(session);

    expect(await guard.checkBeforeSnapshot()).toEqual({ state: 'first' });
    await takeHeapSnapshot(session, path.join(dir, '1.heapsnapshot'));
    await guard.afterSnapshot();
    const id = await guard.currentId();
    expect(id).toBeGreaterThan(0);

    // Same session, no other: the id holds.
    expect(await guard.checkBeforeSnapshot()).toEqual({ state: 'kept', id });
    await takeHeapSnapshot(session, path.join(dir, '2.heapsnapshot'));
    await guard.afterSnapshot();
    expect(await guard.currentId()).toBe(id);

    // Another session connects and disconnects: V8 resets the ids of the whole isolate.
    const res = await session.send<{ result?: { value?: unknown } }>('Runtime.evaluate', { expression: OTHER_SESSION, returnByValue: true });
    expect(res.result?.value).toBe(true);
    const check = await guard.checkBeforeSnapshot();
    expect(check.state).toBe('wiped');
    await takeHeapSnapshot(session, path.join(dir, '3.heapsnapshot'));
    await guard.afterSnapshot();
    // The next snapshot is the new reference: kept from there on.
    expect((await guard.checkBeforeSnapshot()).state).toBe('kept');
  });
});
