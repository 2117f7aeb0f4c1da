/** Unit tests for the small robustness parts: loopback checks, key-header renaming, the answer check, discarding snapshots, how a server's end reads. */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInspectAddress, parseServiceUrl } from '../cli/commands/attach.js';
import { isLeakbenchError } from '../errors.js';
import { renameKeyHeader } from '../load/rename-key-header.js';
import { listeningSockets, listeningSocketsOf } from '../server/listening-sockets.js';
import type { LoadSummary, VariantRun } from '../types.js';
import { checkServerAnswers } from './check-server-answers.js';
import { describeServerEnd } from './crash-evidence.js';
import { isLoopbackHost } from './custom-targets.js';
import { discardSnapshots } from './discard-snapshots.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isLeakbenchError(err) ? err.code : 'other';
  }
  return undefined;
}

describe('loopback only', () => {
  it('accepts loopback hosts and refuses the rest with E_NOT_LOOPBACK', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', 'example.com', '::', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
    expect(parseInspectAddress('127.0.0.1:9229')).toEqual({ host: '127.0.0.1', port: 9229 });
    expect(parseInspectAddress('[::1]:9229')).toEqual({ host: '::1', port: 9229 });
    expect(codeOf(() => parseInspectAddress('0.0.0.0:9229'))).toBe('E_NOT_LOOPBACK');
    expect(codeOf(() => parseInspectAddress('9229'))).toBe('E_USAGE');
    expect(parseServiceUrl('http://localhost:3000/v1/data?x=1')).toEqual({ baseUrl: 'http://localhost:3000', requestPath: '/v1/data?x=1' });
    expect(codeOf(() => parseServiceUrl('http://192.168.1.5:3000/'))).toBe('E_NOT_LOOPBACK');
    expect(codeOf(() => parseServiceUrl('https://127.0.0.1/'))).toBe('E_USAGE');
  });

  it('reads listening sockets from /proc and tells loopback from wildcard', async () => {
    if (!existsSync('/proc/net/tcp')) return;
    const listen = (host: string): Promise<net.Server> =>
      new Promise((resolve) => {
        const s = net.createServer();
        s.listen({ host, port: 0 }, () => resolve(s));
      });
    const loop = await listen('127.0.0.1');
    const any = await listen('0.0.0.0');
    try {
      const ports = new Map(listeningSocketsOf([process.pid]).map((s) => [s.port, s]));
      const a = ports.get((loop.address() as net.AddressInfo).port);
      const b = ports.get((any.address() as net.AddressInfo).port);
      expect(a).toMatchObject({ address: '127.0.0.1', loopback: true, family: 4 });
      expect(b).toMatchObject({ address: '0.0.0.0', loopback: false });
      expect(listeningSockets().length).toBeGreaterThanOrEqual(2);
    } finally {
      loop.close();
      any.close();
    }
  });
});

describe('renameKeyHeader', () => {
  it('moves the key to the named header and leaves requests without a key alone', () => {
    const next = renameKeyHeader(() => ({ method: 'GET', path: '/', headers: { 'x-api-key': 'lk_a_b' }, keyKind: 'valid' }), 'Authorization');
    expect(next().headers).toEqual({ authorization: 'lk_a_b' });
    const none = renameKeyHeader(() => ({ method: 'GET', path: '/', headers: {}, keyKind: 'missing' }), 'Authorization');
    expect(none().headers).toEqual({});
    const same = () => ({ method: 'GET' as const, path: '/', headers: { 'x-api-key': 'k' }, keyKind: 'valid' as const });
    expect(renameKeyHeader(same, undefined)).toBe(same);
  });
});

describe('checkServerAnswers', () => {
  const load = (statusCounts: Record<string, number>): LoadSummary => ({
    requests: 0, durationMs: 1000, requestsPerSec: 0, latencyP50Ms: 0, latencyP99Ms: 0, statusCounts, errors: 3, timeouts: 0, snapshotPauseMs: 0,
  });
  it('refuses a server that answered nothing (E_LOAD) or only 5xx (E_SERVER_ERRORS)', () => {
    expect(codeOf(() => checkServerAnswers(load({}), 'http://x'))).toBe('E_LOAD');
    // Nothing answered but nothing failed either: too short to tell, not an error.
    expect(codeOf(() => checkServerAnswers({ ...load({}), errors: 0 }, 'http://x'))).toBeUndefined();
    expect(codeOf(() => checkServerAnswers(load({ '5xx': 10 }), 'http://x'))).toBe('E_SERVER_ERRORS');
    expect(codeOf(() => checkServerAnswers(load({ '5xx': 10, '4xx': 1 }), 'http://x'))).toBeUndefined();
    expect(codeOf(() => checkServerAnswers(load({ '2xx': 10 }), 'http://x'))).toBeUndefined();
  });
});

describe('discardSnapshots', () => {
  it('deletes the files and marks the references deleted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-discard-'));
    try {
      writeFileSync(path.join(dir, 'a.heapsnapshot'), 'x');
      writeFileSync(path.join(dir, 'near.heapsnapshot'), 'x');
      writeFileSync(path.join(dir, 'Heap.20261129.1.heapsnapshot'), 'x');
      writeFileSync(path.join(dir, 'report.json'), '{}');
      const run = {
        dir: '.',
        snapshots: [{ label: 'baseline', path: 'a.heapsnapshot', tMs: 0, requests: 0, sizeBytes: 1, durationMs: 1 }],
        crash: { exitCode: 134, signal: null, heapLimit: true, stderrTail: '', nearLimitSnapshot: 'near.heapsnapshot' },
      } as unknown as VariantRun;
      expect(await discardSnapshots([run], dir)).toBe(1);
      expect(existsSync(path.join(dir, 'a.heapsnapshot'))).toBe(false);
      expect(existsSync(path.join(dir, 'near.heapsnapshot'))).toBe(false);
      expect(existsSync(path.join(dir, 'Heap.20261129.1.heapsnapshot'))).toBe(false);
      expect(existsSync(path.join(dir, 'report.json'))).toBe(true);
      expect(run.snapshots[0]).toEqual({ label: 'baseline', deleted: true, tMs: 0, requests: 0, sizeBytes: 1, durationMs: 1 });
      expect(run.crash!.nearLimitSnapshot).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('describeServerEnd', () => {
  const exit = { exitCode: null, signal: 'SIGABRT', heapLimit: true, stderrTail: 'FATAL ERROR: Reached heap limit', killedByHarness: false };

  it('a death on the heap limit confirms a leak; another death does not', () => {
    const died = describeServerEnd(exit, false, 'load');
    expect(died.reason).toBe('the server died during load (signal SIGABRT) after reaching the V8 heap limit, which confirms a leak');
    expect(died.crash).toEqual({ exitCode: null, signal: 'SIGABRT', heapLimit: true, stderrTail: exit.stderrTail, confirmsLeak: true });
    expect(died.error).toEqual({ code: 'E_SERVER_CRASHED', message: 'server exited with signal SIGABRT during load' });
    const other = describeServerEnd({ ...exit, signal: null, exitCode: 1, heapLimit: false }, false, 'warmup');
    expect(other.reason).toBe('the server died during warmup (exit code 1)');
    expect(other.crash).not.toHaveProperty('confirmsLeak');
  });

  it('stopped by leakbench after the near-limit snapshot: flagged, and still a heap-limit end', () => {
    const stopped = describeServerEnd({ ...exit, signal: 'SIGKILL', heapLimit: false, stderrTail: 'Wrote snapshot to /x/Heap.1.heapsnapshot', killedByHarness: true }, true, 'load');
    expect(stopped.crash).toMatchObject({ signal: 'SIGKILL', heapLimit: true, confirmsLeak: true, stoppedAtHeapLimit: true });
    expect(stopped.reason).toMatch(/^during load the server reached the V8 heap limit, which confirms a leak; leakbench stopped it there/);
    expect(stopped.error.message).toBe('server reached its V8 heap limit during load (stopped after its near-heap-limit snapshot)');
    // It died by itself before leakbench's kill landed: a death, not a stop.
    expect(describeServerEnd(exit, true, 'load').crash).not.toHaveProperty('stoppedAtHeapLimit');
  });
});
