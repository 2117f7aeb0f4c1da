import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { liveChildGroups } from './child-registry.js';
import { ownsPort, startCommand } from './start-command.js';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-fixtures', 'tiny-server.mjs');

/** A command that loses its port (prints Node's EADDRINUSE line for $PORT and exits) on its first `fails` starts. */
function losesPort(counter: string, fails: number): string {
  return (
    `n=$(cat '${counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${counter}'; ` +
    `if [ $n -le ${fails} ]; then echo "Error: listen EADDRINUSE: address already in use 127.0.0.1:$PORT" >&2; exit 1; fi; ` +
    `exec node '${TINY}'`
  );
}

describe('startCommand', () => {
  test('a command that lost its port to another process → started again on a new port, up to 3 times', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-cmd-port-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const counter = path.join(dir, 'starts');
    const server = await startCommand({ command: losesPort(counter, 2) });
    onTestFinished(() => void server.kill());
    expect(readFileSync(counter, 'utf8').trim()).toBe('3');
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect(server.inspectorUrl).toMatch(/^ws:\/\/127\.0\.0\.1:/);
    await server.kill();

    const always = path.join(dir, 'always');
    const err = await startCommand({ command: losesPort(always, 99) }).catch((e: unknown) => e);
    expect(isLeakbenchError(err, 'E_SERVER_CRASHED')).toBe(true);
    expect((err as Error).message).toMatch(/could not listen: its port was in use \(EADDRINUSE\) on 3 tries.*; output: Error: listen EADDRINUSE/);
    expect(readFileSync(always, 'utf8').trim()).toBe('3');
    expect(liveChildGroups()).toEqual([]);
  });

  test('another failure is not retried: one start, its own error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-cmd-fail-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const counter = path.join(dir, 'starts');
    const err = await startCommand({ command: `echo 1 >> '${counter}'; echo 'boom' >&2; exit 4` }).catch((e: unknown) => e);
    expect(isLeakbenchError(err, 'E_SERVER_CRASHED')).toBe(true);
    expect((err as Error).message).toBe('command exited with code 4 before its port opened; output: boom');
    expect(readFileSync(counter, 'utf8').trim()).toBe('1');
  });

  test('readiness is the command\'s own listener: a port another process listens on does not count', async () => {
    const server = await startCommand({ command: `exec node '${TINY}'` });
    onTestFinished(() => void server.kill());
    expect(ownsPort(server.pid, server.port)).toBe(true);
    // This test process listens on a port; the command's group does not.
    const thief = net.createServer();
    await new Promise<void>((resolve) => thief.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void thief.close());
    const taken = (thief.address() as net.AddressInfo).port;
    expect(ownsPort(server.pid, taken)).toBe(false);
  });
});
