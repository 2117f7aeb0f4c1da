/**
 * issue-6: `leakbench attach` against a Node service it did not start: a leaky Node server this test
 * starts itself with `--inspect=127.0.0.1:0`. The real CLI drives the same load, samples, three
 * snapshots and analysis; the service is still alive afterwards (leakbench never kills what it did
 * not start), and `--no-keep-snapshots` leaves no snapshot behind while the report says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { keySecret } from '../../scenarios/kit/api-key.js';
import { PACKAGE_ROOT } from '../paths.js';
import { validateRunReport } from '../report/read-run-report.js';
import { findFreePort } from '../server/free-port.js';
import { isProcessAlive } from '../server/process-table.js';
import type { RunReport } from '../types.js';
import { runCliToEnd } from './test-fixtures/cli-process.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'leakbench-attach-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function get(port: number, pathname: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * Starts a leaky server the way a user would, with the inspector on loopback. It retains 20 kB per
 * request, so even the few hundred requests a very slow machine manages make a clear leak.
 */
async function startService(): Promise<{ pid: number; port: number; inspectPort: number }> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', path.join(PACKAGE_ROOT, 'harness', 'server', 'test-fixtures', 'tiny-server.mjs')], {
    env: { ...process.env, PORT: String(port), LEAK_BYTES: '20000', LEAKBENCH_KEY_SECRET: keySecret() },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  let stderr = '';
  const inspectPort = await new Promise<number>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      const m = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`service exited: ${stderr}`)));
  });
  const deadline = Date.now() + 30_000;
  while ((await get(port, '/healthz')) !== 200) {
    if (Date.now() > deadline) throw new Error(`service never got ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, port, inspectPort };
}

describe('attach', () => {
  test('measures a running --inspect service, finds the leak, never stops it; --no-keep-snapshots deletes the snapshots', async () => {
    const service = await startService();
    const out = path.join(tmp, 'attach');
    const result = await runCliToEnd([
      'attach', '--inspect', `127.0.0.1:${service.inspectPort}`, '--url', `http://127.0.0.1:${service.port}/v1/data`,
      '--name', 'attached', '--warmup', '1', '--duration', '4', '--connections', '4', '--rate', '500',
      '--no-keep-snapshots', '--expect', 'leak', '--out', out,
    ]);
    expect(result.code, result.stderr).toBe(0);

    // Not ours: still alive and serving.
    expect(isProcessAlive(service.pid)).toBe(true);
    expect(await get(service.port, '/healthz')).toBe(200);

    const [id] = readdirSync(path.join(out, 'attached'));
    const runDir = path.join(out, 'attached', id!);
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
    validateRunReport(report, path.join(runDir, 'report.json'));
    const run = report.runs[0]!;
    expect(run.variant).toBe('custom');
    expect(run.verdict, run.reason).toBe('leak');
    expect(run.findings.length).toBeGreaterThan(0);
    expect(run.load!.statusCounts['2xx']).toBeGreaterThan(0);
    // Snapshots were taken, analysed and deleted; the report says so.
    expect(run.snapshots.map((s) => s.label)).toEqual(['baseline', 'middle', 'final']);
    for (const s of run.snapshots) {
      expect(s.deleted).toBe(true);
      expect(s.path).toBeUndefined();
      expect(s.sizeBytes).toBeGreaterThan(0);
    }
    const leftovers = readdirSync(runDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.heapsnapshot'));
    expect(leftovers).toEqual([]);
    expect(existsSync(path.join(runDir, 'custom'))).toBe(true);
  });
});
