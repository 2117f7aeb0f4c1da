import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { liveChildGroups } from './child-registry.js';
import { isProcessAlive, pidsInGroup } from './process-table.js';
import { startServer } from './start-server.js';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-fixtures', 'tiny-server.mjs');

describe('startServer', () => {
  test('boots a real child with an inspector on 127.0.0.1, answers /healthz, and kill leaves no process', async () => {
    const server = await startServer({ entry: TINY });
    onTestFinished(() => server.kill().then(() => undefined));
    expect(server.inspectorUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+$/);
    const res = await fetch(`${server.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(isProcessAlive(server.pid)).toBe(true);
    expect(liveChildGroups()).toContain(server.pid);

    const exit = await server.kill();
    expect(exit.killedByHarness).toBe(true);
    expect(exit.signal).toBe('SIGKILL');
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(pidsInGroup(server.pid)).toEqual([]);
    expect(liveChildGroups()).not.toContain(server.pid);
  });

  test('a server that never gets ready → E_SERVER_START_TIMEOUT with its output tail, child killed', async () => {
    const before = Date.now();
    const err = await startServer({ entry: TINY, env: { FAIL_MODE: 'never-ready' }, startTimeoutMs: 1500 }).catch(
      (e: unknown) => e,
    );
    expect(isLeakbenchError(err, 'E_SERVER_START_TIMEOUT')).toBe(true);
    expect((err as Error).message).toContain('Debugger listening');
    expect((err as Error).message).not.toContain('\n');
    expect(Date.now() - before).toBeLessThan(10_000);
    expect(liveChildGroups()).toEqual([]);
  });

  test('a server that exits at once → E_SERVER_CRASHED with the reason it printed', async () => {
    const err = await startServer({ entry: TINY, env: { FAIL_MODE: 'exit-at-once' } }).catch((e: unknown) => e);
    expect(isLeakbenchError(err, 'E_SERVER_CRASHED')).toBe(true);
    expect((err as Error).message).toMatch(/code 3/);
    expect((err as Error).message).toContain('refusing to start');
    expect(liveChildGroups()).toEqual([]);
  });

  test('a port taken between choosing and binding it → started again on a new port, up to 3 times', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-port-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const counter = path.join(dir, 'starts');
    const server = await startServer({ entry: TINY, env: { FAIL_MODE: 'port-taken', FAIL_COUNT: '2', FAIL_COUNTER: counter } });
    onTestFinished(() => void server.kill());
    expect(readFileSync(counter, 'utf8')).toBe('3');
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    await server.kill();

    const always = path.join(dir, 'always');
    const err = await startServer({ entry: TINY, env: { FAIL_MODE: 'port-taken', FAIL_COUNTER: always } }).catch((e: unknown) => e);
    expect(isLeakbenchError(err, 'E_SERVER_CRASHED')).toBe(true);
    expect((err as Error).message).toContain('EADDRINUSE');
    expect(readFileSync(always, 'utf8')).toBe('3');
    expect(liveChildGroups()).toEqual([]);
  });

  test('detects a crash mid-run: exit info with code and output tail', async () => {
    const server = await startServer({ entry: TINY });
    onTestFinished(() => server.kill().then(() => undefined));
    process.kill(server.pid, 'SIGTERM');
    const exit = await server.exited;
    expect(exit.killedByHarness).toBe(false);
    expect(exit.signal).toBe('SIGTERM');
    expect(exit.heapLimit).toBe(false);
  });

  test('a heap that reaches its limit: the near-limit snapshot line gives the file, complete, in the diagnostic dir', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-near-limit-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({
      entry: TINY,
      nodeArgs: ['--max-old-space-size=16', '--heapsnapshot-near-heap-limit=1', `--diagnostic-dir=${dir}`],
      // 100 kB kept per request: the limit is reached after ~150 requests.
      env: { LEAK_BYTES: '100000' },
    });
    onTestFinished(() => server.kill().then(() => undefined));
    let written: string | undefined;
    void server.nearLimitSnapshotWritten!.then((file) => {
      written = file;
    });
    for (let i = 0; i < 2000 && written === undefined && server.exit === undefined; i++) {
      await fetch(`${server.baseUrl}/v1/data`, { headers: { 'x-api-key': `k${i}` } }).then((r) => r.arrayBuffer()).catch(() => undefined);
    }
    // The line may come a moment after the last answered request.
    const file = written ?? (await Promise.race([server.nearLimitSnapshotWritten!, new Promise<string>((r) => setTimeout(() => r(''), 10_000))]));
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(/^Heap\..*\.heapsnapshot$/);
    // Node prints the line once the file is written: it is whole JSON.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('snapshot');
  });
});
