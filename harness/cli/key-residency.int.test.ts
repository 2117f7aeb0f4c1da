/**
 * issue-17: key residency through the real CLI on a `--cmd` server that is not a scenario. The
 * server logs the Authorization header into an array; the load sends `Bearer <token>` and
 * `--secret-pattern` says what the secret is. The run must find the completed requests' tokens
 * resident, name the array as their holder, fail `--fail-on key-residency` with exit 3, and never
 * print or write a token.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';
import { containsKeyLike } from '../report/redact-secrets.js';
import { validateRunReport } from '../report/read-run-report.js';
import type { RunReport } from '../types.js';
import { pidsWithTag, startCli } from './test-fixtures/cli-process.js';

const SERVER = path.join(PACKAGE_ROOT, 'harness', 'cli', 'test-fixtures', 'auth-log-server.mjs');
const SHORT = ['--warmup', '1', '--duration', '4', '--connections', '4', '--rate', '300'];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'leakbench-residency-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('key residency on a --cmd server', () => {
  test('bearer tokens logged into an array: found with --secret-pattern, the array named, --fail-on key-residency exits 3', async ({ onTestFinished }) => {
    const out = path.join(tmp, 'auth');
    const cli = startCli(
      [
        'run', '--cmd', `node ${SERVER}`, ...SHORT, '--out', out,
        '--header', 'Authorization: Bearer {key}',
        '--secret-pattern', 'Bearer (\\S+)',
        '--fail-on', 'key-residency',
      ],
      { onTestFinished },
    );
    const exit = await cli.done;
    const stderr = cli.stderr();
    expect(exit.code, stderr).toBe(3);
    expect(stderr).toMatch(/gate failed: custom: \d+ of \d+ completed keys still have their secret in memory \(more than 0\), most in Array authLog \(module scope of auth-log-server\.mjs\)/);
    expect(pidsWithTag(cli.tag)).toEqual([]);

    const [runId] = readdirSync(path.join(out, 'custom'));
    const runDir = path.join(out, 'custom', runId!);
    const reportPath = path.join(runDir, 'report.json');
    const text = readFileSync(reportPath, 'utf8');
    const report = JSON.parse(text) as RunReport;
    validateRunReport(report, reportPath);
    const k = report.runs[0]!.keyResidency!;
    expect(k.shape).toBe('Bearer (\\S+)');
    expect(k.keysCompleted).toBeGreaterThan(100);
    // Every completed request's token is in the log (the last few may be in flight at the snapshot).
    expect(k.secretResidentKeys).toBeGreaterThan(0.9 * k.keysCompleted);
    expect(k.trend).toBe('grows');
    const top = k.holders[0]!;
    expect(top.holder).toBe('Array authLog (module scope of auth-log-server.mjs)');
    expect(top.part).toBe('whole-key');
    expect(top.forms).toContain('exact');
    expect(top.examples[0]).toMatch(/^secret…#[0-9a-f]{6}$/);

    // No token anywhere: report.json, report.html, the terminal.
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('Key material still in memory');
    for (const [name, body] of [['report.json', text], ['report.html', html], ['terminal', cli.stdout() + stderr]] as const) {
      expect(body, name).not.toMatch(/Bearer lk_/);
      expect(containsKeyLike(body), name).toBe(false);
    }
  }, 180_000);
});
