/**
 * issue-6: Ctrl-C (SIGINT) or SIGTERM to the real CLI at any phase — boot, warm-up, snapshot, load,
 * analysis — kills the server, writes a partial report marked `interrupted`, exits 130 and leaves
 * no process behind (checked in the process table by the tag every server inherits).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { validateRunReport } from '../report/read-run-report.js';
import { listeningSocketsOf } from '../server/listening-sockets.js';
import type { RunReport } from '../types.js';
import { pidsWithTag, startCli } from './test-fixtures/cli-process.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'leakbench-signals-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface At {
  line: RegExp;
  phase: string;
  signal: NodeJS.Signals;
  /** The server is up at this point (so the process-table check has something to miss). */
  serverUp: boolean;
}

// The order phases come in for one variant (snapshot and load alternate).
const PHASES = ['boot', 'warmup', 'snapshot', 'load', 'snapshot', 'load', 'snapshot', 'analysis'];

const points: At[] = [
  { line: /^\[leaky\] boot at/, phase: 'boot', signal: 'SIGINT', serverUp: false },
  { line: /^\[leaky\] warmup at/, phase: 'warmup', signal: 'SIGINT', serverUp: true },
  { line: /^\[leaky\] snapshot baseline at/, phase: 'snapshot', signal: 'SIGINT', serverUp: true },
  { line: /^\[leaky\] load at/, phase: 'load', signal: 'SIGINT', serverUp: true },
  { line: /^\[leaky\] load at/, phase: 'load', signal: 'SIGTERM', serverUp: true },
  { line: /^\[leaky\] analysis at/, phase: 'analysis', signal: 'SIGINT', serverUp: false },
];

describe('signals at every phase', () => {
  test.concurrent.for(points)('$signal during $phase → interrupted report, exit 130, no process left', async (at, { onTestFinished }) => {
    const out = path.join(tmp, `${at.phase}-${at.signal}`);
    // Long phases make the signal land where it was aimed even on a slow machine; the analysis
    // case runs short, since it has to go through every phase first.
    const timing = at.phase === 'analysis' ? ['--warmup', '1', '--duration', '3'] : ['--warmup', '3', '--duration', '10'];
    const cli = startCli([
      'run', 'unbounded-map', '--variant', 'leaky', ...timing,
      '--connections', '4', '--rate', '400', '--max-old-space-size', '512', '--out', out,
    ], { onTestFinished });
    await cli.waitForStderr(at.line);
    const cliPid = cli.child.pid!;
    if (at.serverUp) {
      const servers = pidsWithTag(cli.tag, cliPid);
      expect(servers.length).toBeGreaterThan(0);
      // The scenario server and its inspector listen on loopback only.
      const sockets = listeningSocketsOf(servers);
      expect(sockets.length, JSON.stringify(sockets)).toBeGreaterThanOrEqual(2);
      for (const s of sockets) expect(s.loopback, `${s.address}:${s.port}`).toBe(true);
    }
    cli.child.kill(at.signal);
    const exit = await cli.done;
    const context = `stderr:\n${cli.stderr()}`;
    expect(exit.code, context).toBe(130);
    expect(pidsWithTag(cli.tag), context).toEqual([]);

    const runs = readdirSync(path.join(out, 'unbounded-map'));
    expect(runs).toHaveLength(1);
    const reportPath = path.join(out, 'unbounded-map', runs[0]!, 'report.json');
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as RunReport;
    validateRunReport(report, reportPath);
    const run = report.runs[0]!;
    expect(run.verdict, context).toBe('interrupted');
    // Where the signal lands is up to the scheduler: the phase aimed at, or (on a very slow machine)
    // a later one — never an earlier one.
    const later = PHASES.slice(PHASES.indexOf(at.phase));
    expect(run.reason).toMatch(new RegExp(`interrupted during (${[...new Set(later)].join('|')})`));
    // --max-old-space-size reaches a scenario server too.
    expect(run.command).toContain('--max-old-space-size=512');
  });
});

describe('SIGKILL', () => {
  // No handler runs in a process killed with SIGKILL (a CI timeout, the OOM killer): the server,
  // in a process group of its own, is killed by the reaper the harness started with it
  // (harness/server/child-registry.ts), which sees its pipe to the harness end.
  test('SIGKILL to the CLI under load → the server is gone within seconds, no process left', async ({ onTestFinished }) => {
    const out = path.join(tmp, 'load-SIGKILL');
    const cli = startCli(['run', 'unbounded-map', '--variant', 'leaky', '--warmup', '3', '--duration', '10', '--connections', '4', '--rate', '400', '--out', out], { onTestFinished });
    await cli.waitForStderr(/^\[leaky\] warmup at/);
    const cliPid = cli.child.pid!;
    expect(pidsWithTag(cli.tag, cliPid).length).toBeGreaterThan(0);
    cli.child.kill('SIGKILL');
    await cli.done;
    const deadline = Date.now() + 10_000;
    while (pidsWithTag(cli.tag).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pidsWithTag(cli.tag)).toEqual([]);
  });
});
