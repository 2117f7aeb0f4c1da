/**
 * `npm run bench:all`: every scenario of the catalog, both variants, one after the other (two
 * servers or two load generators at once would measure each other on a small machine), each
 * through the same orchestrator as `leakbench run`, so each scenario also gets its own
 * `reports/<scenario>/<run-id>/report.{json,html}`. The batch then writes
 * `reports/bench-all/<run-id>/summary.{json,md,html}`: the matrix and the side-by-side charts.
 *
 * A scenario that fails inside the batch becomes `{ state: 'errored', error }` and the batch goes
 * on (tinybench's `TaskResult` style). The scenarios' `expected` verdicts are read only after the
 * last run, by matrix-gate.ts, to decide the exit code; they never reach a run.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scenario } from '../catalog.js';
import { isLeakbenchError } from '../errors.js';
import { createRunDir } from '../orchestrator/run-dir.js';
import { runScenario } from '../orchestrator/run-scenario.js';
import { hasRustTwin, rustTwinTargets, type ScenarioRuntime } from '../orchestrator/rust-twins.js';
import type { LoadPlan, VariantTarget } from '../orchestrator/run-variant.js';
import { parseKeyMode } from '../load/request-mix.js';
import { redactDeep } from '../report/redact-secrets.js';
import { renderMatrixHtml, renderMatrixMarkdown } from '../report/render-matrix.js';
import { writeFileAtomic } from '../report/write-file-atomic.js';
import type { ProgressEvent, RunReport, VariantRun } from '../types.js';
import { compareWithExpected, type ExpectedVerdicts } from './matrix-gate.js';
import {
  MATRIX_SCHEMA_VERSION,
  type MatrixCell,
  type MatrixCharts,
  type MatrixRow,
  type MatrixSummary,
} from '../report/matrix-types.js';

/** Folder of batch summaries under the reports directory. */
export const BENCH_ALL_DIR = 'bench-all';

/** What to run. */
export interface MatrixPlan {
  /** Scenarios in the order to run them (already filtered by `--only`). */
  scenarios: readonly Scenario[];
  /** Overrides of every scenario's default load (seconds); absent = the scenario's own default. */
  durationSec?: number;
  warmupSec?: number;
  /** Names given with `--only`, recorded in the summary. */
  only?: string[];
  /** Runtimes per scenario (default `['node']`); `rust` adds a `<name>-rust` row for each scenario with a Rust twin. */
  runtimes?: ScenarioRuntime[];
  /** Parent of `<scenario>/<run-id>/` and `bench-all/<run-id>/`. */
  reportsDir: string;
  secret: string;
}

/** Callbacks and cancellation. */
export interface MatrixHooks {
  /** A scenario starts (1-based position). */
  onScenarioStart?: (scenario: Scenario, position: number, total: number) => void;
  /** Progress of the scenario being run. */
  onProgress?: (event: ProgressEvent) => void;
  /** A scenario finished or errored. */
  onScenarioDone?: (row: MatrixRow) => void;
  signal?: AbortSignal;
}

/** Result of {@link runMatrix}. */
export interface MatrixResult {
  summary: MatrixSummary;
  summaryDir: string;
  files: { json: string; md: string; html: string };
}

/** The load plan of one scenario: its defaults, with the batch's duration overrides. */
export function scenarioLoadPlan(scenario: Scenario, plan: Pick<MatrixPlan, 'durationSec' | 'warmupSec'>): LoadPlan {
  const d = scenario.load;
  return {
    warmupSec: plan.warmupSec ?? d.warmupSec,
    durationSec: plan.durationSec ?? d.durationSec,
    connections: d.connections,
    rate: d.rate,
    keys: parseKeyMode(d.keys),
    invalidRatio: d.invalidRatio,
    postRatio: d.postRatio,
  };
}

/** One matrix cell from a variant's run and the wall time it took to reach its verdict. */
export function cellFromRun(run: VariantRun, timeToVerdictMs: number): MatrixCell {
  const cell: MatrixCell = {
    variant: run.variant === 'fixed' ? 'fixed' : 'leaky',
    verdict: run.verdict,
    pattern: run.pattern,
    bytesPerRequest: run.bytesPerRequest,
    requests: run.requests,
    timeToVerdictMs: Math.round(timeToVerdictMs),
    reason: run.reason,
  };
  if (run.timeToVerdictMs !== undefined) cell.evidenceMs = run.timeToVerdictMs;
  if (run.decidedBy) cell.decidedBy = run.decidedBy.how;
  if (run.statistic) cell.ciBytesPerRequest = [run.statistic.ciLowBytesPerRequest, run.statistic.ciHighBytesPerRequest];
  if (run.load) {
    cell.requestsPerSec = run.load.requestsPerSec;
    cell.latencyP99Ms = run.load.latencyP99Ms;
  }
  const top = run.findings[0];
  if (top) cell.topHolder = top.holder;
  if (run.error) cell.error = run.error;
  return cell;
}

function errorOf(err: unknown): { code: string; message: string } {
  if (isLeakbenchError(err)) return { code: err.code, message: err.message };
  return { code: 'E_UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Runs the batch and writes the summary files. Throws only when the summary directory cannot be
 * created or written; everything that goes wrong inside a scenario is a row.
 */
export async function runMatrix(plan: MatrixPlan, hooks: MatrixHooks = {}): Promise<MatrixResult> {
  const startedAt = new Date();
  const started = performance.now();
  const { runId, runDir: summaryDir } = await createRunDir(plan.reportsDir, BENCH_ALL_DIR, startedAt);
  const rows: MatrixRow[] = [];
  const charts: MatrixCharts = {};

  for (const [i, scenario] of plan.scenarios.entries()) {
    if (hooks.signal?.aborted) {
      rows.push({
        state: 'errored',
        scenario: scenario.name,
        title: scenario.title,
        error: { code: 'interrupted', message: 'not started: the batch was interrupted' },
      });
      continue;
    }
    for (const runtime of plan.runtimes ?? ['node']) {
      if (runtime === 'rust' && !hasRustTwin(scenario.name)) continue;
      const entry = runtime === 'rust' ? { ...scenario, name: `${scenario.name}-rust`, title: `${scenario.title} (Rust twin)` } : scenario;
      hooks.onScenarioStart?.(entry, i + 1, plan.scenarios.length);
      const row = await runOne(entry, runtime === 'rust' ? scenario.name : undefined);
      rows.push(row);
      hooks.onScenarioDone?.(row);
    }
  }

  const expected: ExpectedVerdicts = {};
  for (const s of plan.scenarios) {
    expected[s.name] = s.expected;
    if (hasRustTwin(s.name)) expected[`${s.name}-rust`] = s.expected;
  }
  const expectations = compareWithExpected(rows, expected);
  const options: MatrixSummary['options'] = {};
  if (plan.durationSec !== undefined) options.durationSec = plan.durationSec;
  if (plan.warmupSec !== undefined) options.warmupSec = plan.warmupSec;
  if (plan.only !== undefined) options.only = plan.only;
  const summary: MatrixSummary = redactDeep({
    schemaVersion: MATRIX_SCHEMA_VERSION,
    tool: 'leakbench',
    kind: 'bench-all',
    runId,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    options,
    environment: { node: process.version, cpus: os.cpus().length, platform: `${process.platform}-${process.arch}` },
    rows,
    expectations,
    passed: expectations.every((e) => e.matches),
  });

  // JSON first: a rendering failure must never cost the measured data.
  const files = {
    json: path.join(summaryDir, 'summary.json'),
    md: path.join(summaryDir, 'summary.md'),
    html: path.join(summaryDir, 'summary.html'),
  };
  await writeFileAtomic(files.json, serializeMatrixSummary(summary));
  await writeFileAtomic(files.md, renderMatrixMarkdown(summary));
  await writeFileAtomic(files.html, await renderMatrixHtml(summary, charts));
  return { summary, summaryDir, files };

  async function runOne(scenario: Scenario, rustTwinOf?: string): Promise<MatrixRow> {
    try {
      const targets: VariantTarget[] = rustTwinOf
        ? rustTwinTargets(rustTwinOf, ['leaky', 'fixed'])
        : (['leaky', 'fixed'] as const).map((v) => ({ variant: v, entry: scenario.entries[v] }));
      for (const t of targets) {
        if (!existsSync(t.entry)) {
          return {
            state: 'errored',
            scenario: scenario.name,
            title: scenario.title,
            error: { code: 'E_FILE_NOT_FOUND', message: `compiled server ${path.relative(process.cwd(), t.entry)} is missing; run \`npm run build\` first` },
          };
        }
      }
      // Time to verdict per variant: the orchestrator's `done` event carries the variant's elapsed
      // wall time since its boot began.
      const timeToVerdictMs = new Map<string, number>();
      const onProgress = (event: ProgressEvent): void => {
        if (event.kind === 'phase' && event.phase === 'done') timeToVerdictMs.set(event.variant, event.elapsedMs);
        hooks.onProgress?.(event);
      };
      const { report, runDir } = await runScenario(
        {
          scenario: scenario.name,
          targets,
          load: scenarioLoadPlan(scenario, plan),
          reportsDir: plan.reportsDir,
          secret: plan.secret,
        },
        { onProgress, ...(hooks.signal ? { signal: hooks.signal } : {}) },
      );
      charts[scenario.name] = report.runs.map(({ variant, samples, snapshots }) => ({ variant, samples, snapshots }));
      return rowFromReport(scenario, report, path.relative(summaryDir, runDir), timeToVerdictMs);
    } catch (err) {
      return { state: 'errored', scenario: scenario.name, title: scenario.title, error: errorOf(err) };
    }
  }
}

/** A completed row from a scenario's run report. */
export function rowFromReport(
  scenario: Pick<Scenario, 'name' | 'title'>,
  report: RunReport,
  reportDir: string,
  timeToVerdictMs: ReadonlyMap<string, number>,
): MatrixRow {
  return {
    state: 'completed',
    scenario: scenario.name,
    title: scenario.title,
    runId: report.runId,
    reportDir: reportDir.split(path.sep).join('/'),
    cells: report.runs.map((run) => cellFromRun(run, timeToVerdictMs.get(run.variant) ?? run.durationMs)),
  };
}

/** `summary.json` text: pretty-printed, newline-terminated. */
export function serializeMatrixSummary(summary: MatrixSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** Median time to verdict per variant over a batch: wall (boot to done) and evidence (the run's own figure). */
export interface TimeToVerdictMedians {
  variant: 'leaky' | 'fixed';
  runs: number;
  wallMs: number;
  evidenceMs?: number;
}

/** Medians of the completed cells' times to verdict, per variant (the slower middle of an even count). */
export function timeToVerdictMedians(rows: readonly MatrixRow[]): TimeToVerdictMedians[] {
  const out: TimeToVerdictMedians[] = [];
  for (const variant of ['leaky', 'fixed'] as const) {
    const cells = rows.flatMap((r) => (r.state === 'completed' ? r.cells.filter((c) => c.variant === variant) : []));
    if (cells.length === 0) continue;
    const evidence = cells.flatMap((c) => (c.evidenceMs === undefined ? [] : [c.evidenceMs]));
    const m: TimeToVerdictMedians = { variant, runs: cells.length, wallMs: upperMedian(cells.map((c) => c.timeToVerdictMs)) };
    if (evidence.length > 0) m.evidenceMs = upperMedian(evidence);
    out.push(m);
  }
  return out;
}

function upperMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
