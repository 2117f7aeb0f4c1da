import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { keySecret } from '../../scenarios/kit/api-key.js';
import { validateRunReport } from '../report/read-run-report.js';
import { liveChildGroups } from '../server/child-registry.js';
import { childPidsOf } from '../server/process-table.js';
import type { ProgressEvent, RunPhase } from '../types.js';
import { runScenario, type ScenarioPlan } from './run-scenario.js';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'test-fixtures', 'tiny-server.mjs');

async function tempReports(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leakbench-orch-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function plan(reportsDir: string, overrides: Partial<ScenarioPlan> = {}): ScenarioPlan {
  return {
    scenario: 'tiny',
    targets: [{ variant: 'leaky', entry: TINY, env: { LEAK_BYTES: '1500' } }],
    load: { warmupSec: 1, durationSec: 3, connections: 4, rate: 800, keys: { kind: 'unique' }, invalidRatio: 0.05, postRatio: 0.2 },
    probe: { sampleIntervalMs: 250, gcSampleIntervalMs: 500 },
    reportsDir,
    secret: keySecret(),
    ...overrides,
  };
}

function expectNoChildren(): void {
  expect(liveChildGroups()).toEqual([]);
  expect(childPidsOf(process.pid)).toEqual([]);
}

describe('runScenario on a real server', () => {
  test('runs the full loop: 3 private snapshots, samples, a leak verdict, a valid report.json, no child left', async () => {
    const reportsDir = await tempReports();
    const events: ProgressEvent[] = [];
    const { report, reportPath, runDir } = await runScenario(plan(reportsDir), { onProgress: (e) => events.push(e), cwd: reportsDir });

    expectNoChildren();
    const run = report.runs[0]!;
    expect(run.verdict).toBe('leak');
    // Which pattern is the classifier's call (the fixture keeps key strings in an array of records).
    expect(run.pattern).not.toBe('none');
    expect(run.statistic!.ciLowBytesPerRequest).toBeGreaterThan(0);
    expect(run.bytesPerRequest).toBeGreaterThan(1000);
    expect(run.snapshots.map((s) => s.label)).toEqual(['baseline', 'middle', 'final']);
    expect(run.samples.filter((s) => s.afterGc).length).toBeGreaterThanOrEqual(6);
    expect(run.samples.some((s) => !s.afterGc)).toBe(true);
    expect(run.load!.requests).toBe(run.requests);
    expect(run.load!.snapshotPauseMs).toBeGreaterThan(0);
    expect(run.dir).toBe(path.join('tiny', report.runId, 'leaky'));

    // Files: report.json (0600) validates against the schema; snapshots 0600 in a 0700 folder.
    expect(reportPath).toBe(path.join(runDir, 'report.json'));
    expect((await stat(reportPath)).mode & 0o777).toBe(0o600);
    validateRunReport(JSON.parse(await readFile(reportPath, 'utf8')), reportPath);
    const variantDir = path.join(runDir, 'leaky');
    expect((await stat(variantDir)).mode & 0o777).toBe(0o700);
    const files = (await readdir(variantDir)).sort();
    expect(files.filter((f) => f.endsWith('.heapsnapshot'))).toEqual(['1-baseline.heapsnapshot', '2-middle.heapsnapshot', '3-final.heapsnapshot']);
    // Every artifact (snapshots and any profile later stages add) is private.
    for (const f of files) expect((await stat(path.join(variantDir, f))).mode & 0o777).toBe(0o600);
    expect(run.snapshots[2]!.sizeBytes).toBeGreaterThan(run.snapshots[0]!.sizeBytes);

    const phases = events.filter((e) => e.kind === 'phase').map((e) => (e.kind === 'phase' ? e.phase : ''));
    // The run protocol: two segments, three snapshots, then the idle phase beside the analysis
    // that decides (the server has no requests while its snapshots are analysed).
    expect(phases.slice(0, 9)).toEqual(['boot', 'warmup', 'snapshot', 'load', 'snapshot', 'load', 'snapshot', 'load', 'analysis']);
    expect(events.filter((e) => e.kind === 'phase')[7]).toMatchObject({ label: 'idle' });
    expect(phases.at(-1)).toBe('done');
    expect(run.phases?.map((p) => p.kind).slice(0, 4)).toEqual(['warmup', 'load', 'load', 'idle']);
    expect(run.decidedBy?.how).toBeDefined();
    // The verdict is known once both the idle and the deciding analysis have ended.
    const idle = run.phases!.findLast((p) => p.kind === 'idle')!;
    expect(run.timeToVerdictMs).toBeGreaterThanOrEqual(idle.endMs);
    // Its after-GC samples span the whole idle, though the analysis beside it holds up the
    // sampling timers: the first is taken before the analysis starts.
    const idleSamples = run.samples.filter((x) => x.afterGc && x.tMs >= idle.startMs && x.tMs <= idle.endMs);
    expect(idleSamples.length).toBeGreaterThanOrEqual(3);
    expect(idleSamples[0]!.tMs - idle.startMs).toBeLessThan(500);
    expect(idle.endMs - idleSamples.at(-1)!.tMs).toBeLessThan(500);
    expect(events.some((e) => e.kind === 'tick' && e.requests > 0)).toBe(true);
  });

  test('two runs started together get distinct run directories', async () => {
    const reportsDir = await tempReports();
    const quick = plan(reportsDir, { load: { warmupSec: 0.3, durationSec: 0.6, connections: 2, rate: 200, keys: { kind: 'pool', size: 5 }, invalidRatio: 0, postRatio: 0 } });
    const [a, b] = await Promise.all([runScenario(quick), runScenario(quick)]);
    expect(a.runDir).not.toBe(b.runDir);
    expectNoChildren();
  });

  const phases: Array<{ phase: RunPhase; label?: string }> = [
    { phase: 'boot' },
    { phase: 'warmup' },
    { phase: 'snapshot', label: 'baseline' },
    { phase: 'load' },
  ];
  for (const at of phases) {
    test(`an abort during ${at.phase}${at.label ? ` ${at.label}` : ''} kills the child and writes an interrupted report`, async () => {
      const reportsDir = await tempReports();
      const controller = new AbortController();
      const started = Date.now();
      const { report, reportPath } = await runScenario(
        plan(reportsDir, {
          targets: [
            { variant: 'leaky', entry: TINY, env: { LEAK_BYTES: '1500' } },
            { variant: 'fixed', entry: TINY },
          ],
          load: { warmupSec: 2, durationSec: 20, connections: 4, rate: 800, keys: { kind: 'unique' }, invalidRatio: 0, postRatio: 0 },
        }),
        {
          signal: controller.signal,
          onProgress: (e) => {
            if (e.kind === 'phase' && e.phase === at.phase && (at.label === undefined || e.label === at.label)) {
              // Abort a little into the phase, as a user's Ctrl-C would land.
              setTimeout(() => controller.abort(new Error('SIGINT')), at.phase === 'snapshot' ? 10 : 300);
            }
          },
        },
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      expectNoChildren();
      expect(report.runs.map((r) => r.verdict)).toEqual(['interrupted', 'interrupted']);
      expect(report.runs[0]!.reason).toMatch(/interrupted during/);
      expect(report.runs[1]!.reason).toMatch(/not started/);
      validateRunReport(JSON.parse(await readFile(reportPath, 'utf8')), reportPath);
    });
  }

  test('a server that runs out of heap under the leak is `crashed` with the heap-limit cause', async () => {
    const reportsDir = await tempReports();
    const { report } = await runScenario(
      plan(reportsDir, {
        targets: [{ variant: 'leaky', entry: TINY, env: { LEAK_BYTES: '40000' }, nodeArgs: ['--max-old-space-size=24'] }],
        load: { warmupSec: 30, durationSec: 30, connections: 4, rate: 'max', keys: { kind: 'unique' }, invalidRatio: 0, postRatio: 0 },
      }),
    );
    expectNoChildren();
    const run = report.runs[0]!;
    expect(run.verdict).toBe('crashed');
    expect(run.crash!.heapLimit).toBe(true);
    expect(run.crash!.stderrTail).toMatch(/heap/i);
    expect(run.error!.code).toBe('E_SERVER_CRASHED');
    expect(run.reason).toMatch(/heap limit/);
  });

  test('a server that never gets ready → inconclusive with E_SERVER_START_TIMEOUT, report still written', async () => {
    const reportsDir = await tempReports();
    const { report } = await runScenario(
      plan(reportsDir, { targets: [{ variant: 'leaky', entry: TINY, env: { FAIL_MODE: 'never-ready' } }], probe: { startTimeoutMs: 1000 } }),
    );
    expectNoChildren();
    expect(report.runs[0]!.error!.code).toBe('E_SERVER_START_TIMEOUT');
    expect(report.runs[0]!.verdict).toBe('inconclusive');
  });
});
