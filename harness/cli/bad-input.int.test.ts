/**
 * issue-6: every bad input a user can give ends the real CLI with exit 2, exactly one stderr line
 * carrying the stable code, no stack trace, and no half-written report (no report at all when the
 * input was refused before a run started; a complete, parseable one when the server was at fault).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ErrorCode } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { errorLines, hasStackTrace, pidsWithTag, runCliToEnd } from './test-fixtures/cli-process.js';

const FIXTURES = path.join(PACKAGE_ROOT, 'harness', 'cli', 'test-fixtures');
let tmp: string;
let truncated: string;
let corrupt: string;
let good: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'leakbench-badinput-'));
  // A real snapshot, then a copy cut in the middle of its nodes array.
  good = path.join(tmp, 'good.heapsnapshot');
  execFileSync(process.execPath, ['-e', `require('v8').writeHeapSnapshot(${JSON.stringify(good)})`]);
  const text = readFileSync(good, 'utf8');
  truncated = path.join(tmp, 'truncated.heapsnapshot');
  writeFileSync(truncated, text.slice(0, Math.floor(text.length / 3)));
  corrupt = path.join(tmp, 'corrupt.heapsnapshot');
  writeFileSync(corrupt, '{"snapshot": {"meta": "this is not a heap snapshot"}, "nodes": [1,2,');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Case {
  name: string;
  args: (out: string) => string[];
  code: ErrorCode;
  /** True when a run directory may exist (the server was at fault, not the flags). */
  runStarted?: boolean;
}

const quick = ['--warmup', '1', '--duration', '2', '--connections', '2', '--rate', '200'];
const cases: Case[] = [
  { name: 'unknown scenario', args: (o) => ['run', 'no-such-scenario', '--out', o], code: 'E_UNKNOWN_SCENARIO' },
  { name: '--duration -1', args: (o) => ['run', 'unbounded-map', '--duration', '-1', '--out', o], code: 'E_USAGE' },
  { name: '--connections abc', args: (o) => ['run', 'unbounded-map', '--connections', 'abc', '--out', o], code: 'E_USAGE' },
  { name: 'no scenario and no --cmd', args: (o) => ['run', '--out', o], code: 'E_USAGE' },
  { name: '--fail-on nonsense', args: (o) => ['run', 'unbounded-map', '--fail-on', 'slow', '--out', o], code: 'E_USAGE' },
  { name: '--expect unknown verdict', args: (o) => ['run', 'unbounded-map', '--expect', 'leaky=maybe', '--out', o], code: 'E_USAGE' },
  { name: 'analyze: missing snapshot file', args: () => ['analyze', path.join(tmp, 'nope-1.heapsnapshot'), path.join(tmp, 'nope-2.heapsnapshot')], code: 'E_FILE_NOT_FOUND' },
  { name: 'inspect: missing snapshot file', args: () => ['inspect', path.join(tmp, 'nope.heapsnapshot')], code: 'E_FILE_NOT_FOUND' },
  { name: 'analyze: truncated snapshot', args: () => ['analyze', good, truncated], code: 'E_SNAPSHOT_PARSE' },
  { name: 'inspect: truncated snapshot', args: () => ['inspect', truncated], code: 'E_SNAPSHOT_PARSE' },
  { name: 'analyze: corrupt snapshot', args: () => ['analyze', corrupt, good], code: 'E_SNAPSHOT_PARSE' },
  { name: 'attach: non-loopback inspector', args: (o) => ['attach', '--inspect', '10.1.2.3:9229', '--url', 'http://127.0.0.1:3000/v1/data', '--out', o], code: 'E_NOT_LOOPBACK' },
  { name: 'attach: non-loopback URL', args: (o) => ['attach', '--inspect', '127.0.0.1:9229', '--url', 'http://example.com/v1/data', '--out', o], code: 'E_NOT_LOOPBACK' },
  {
    name: '--cmd that exits at once',
    args: (o) => ['run', '--cmd', `node -e "process.exit(3)"`, ...quick, '--out', o],
    code: 'E_SERVER_CRASHED',
    runStarted: true,
  },
  {
    name: 'a server whose port never opens',
    args: (o) => ['run', '--cmd', `node -e "setInterval(() => {}, 1000)"`, '--start-timeout', '2', ...quick, '--out', o],
    code: 'E_SERVER_START_TIMEOUT',
    runStarted: true,
  },
  {
    name: 'a server that answers only 5xx',
    args: (o) => ['run', '--cmd', `node ${path.join(FIXTURES, 'error-server.mjs')}`, ...quick, '--out', o],
    code: 'E_SERVER_ERRORS',
    runStarted: true,
  },
];

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe('bad input → one line, stable code, exit 2, no half-written report', () => {
  test.concurrent.for(cases)('$name → $code', async (c, { onTestFinished }) => {
    const out = path.join(tmp, `out-${cases.indexOf(c)}`);
    const result = await runCliToEnd(c.args(out), { onTestFinished });
    const context = `stderr:\n${result.stderr}`;
    expect(result.code, context).toBe(2);
    const lines = errorLines(result.stderr);
    expect(lines, context).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^leakbench: .*\\[${c.code}\\]$`));
    expect(hasStackTrace(result.stderr + result.stdout), context).toBe(false);
    expect(pidsWithTag(result.tag)).toEqual([]);

    const files = filesUnder(out);
    // Never a temporary or partial file left behind.
    expect(files.filter((f) => /\.tmp$/.test(f))).toEqual([]);
    if (!c.runStarted) {
      expect(files).toEqual([]);
    } else {
      // The server was at fault: the run's report is complete and says why.
      const reports = files.filter((f) => path.basename(f) === 'report.json');
      expect(reports).toHaveLength(1);
      const report = JSON.parse(readFileSync(reports[0]!, 'utf8')) as { runs: Array<{ error?: { code: string } }> };
      expect(report.runs[0]!.error!.code).toBe(c.code);
    }
  });
});
