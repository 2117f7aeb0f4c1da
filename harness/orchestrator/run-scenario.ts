/**
 * Runs a scenario: each requested variant in turn (never in parallel: on 2 cores two servers and
 * two load generators would measure each other), into `reports/<scenario>/<run-id>/<variant>/`,
 * then writes `report.json` atomically. An abort marks the unfinished variant — and any not yet
 * started — `interrupted`, and the partial report is still written.
 */
import { KEYED_BOUND_ENTRIES } from '../analysis/analyze-graphs.js';
import path from 'node:path';
import { formatKeyMode } from '../load/request-mix.js';
import { writeRunReport } from '../report/write-report.js';
import { SCHEMA_VERSION, type ProgressEvent, type RunReport, type VariantRun } from '../types.js';
import { discardSnapshots } from './discard-snapshots.js';
import { createRunDir } from './run-dir.js';
import { DEFAULT_IDLE_MS, DEFAULT_MAX_LOAD_MS } from './run-schedule.js';
import { runVariant, type LoadPlan, type ProbePlan, type VariantTarget } from './run-variant.js';

/** What to run. */
export interface ScenarioPlan {
  /** Scenario name (the `reports/` subfolder), or `custom`. */
  scenario: string;
  targets: VariantTarget[];
  load: LoadPlan;
  probe?: ProbePlan;
  /** Parent of `<scenario>/<run-id>/` (default `reports/` of the package). */
  reportsDir: string;
  secret: string;
  /** False deletes the heap snapshots once analysed (`--no-keep-snapshots`); default true. */
  keepSnapshots?: boolean;
  /** Also write Clinic's heap profiler page of each sampling profile (`--clinic`). */
  clinic?: boolean;
}

/** Callbacks and cancellation. */
export interface RunHooks {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** `dir` fields in the report are relative to this (default: the working directory). */
  cwd?: string;
  /** An extra report page that could not be written (the report itself is complete). */
  onWarning?: (line: string) => void;
}

/** Result of {@link runScenario}. */
export interface ScenarioResult {
  report: RunReport;
  runDir: string;
  reportPath: string;
}

/** Runs every target of `plan` in order and writes the report. */
export async function runScenario(plan: ScenarioPlan, hooks: RunHooks = {}): Promise<ScenarioResult> {
  const startedAt = new Date();
  const { runId, runDir } = await createRunDir(plan.reportsDir, plan.scenario, startedAt);
  const cwd = hooks.cwd ?? process.cwd();
  const runs: VariantRun[] = [];
  for (const target of plan.targets) {
    const variantDir = path.join(runDir, target.variant);
    if (hooks.signal?.aborted) {
      runs.push({
        variant: target.variant,
        verdict: 'interrupted',
        pattern: 'unknown',
        bytesPerRequest: 0,
        requests: 0,
        durationMs: 0,
        findings: [],
        dir: path.relative(cwd, variantDir),
        reason: 'not started: the run was interrupted before this variant',
        samples: [],
        snapshots: [],
      });
      continue;
    }
    runs.push(
      await runVariant({
        target,
        load: plan.load,
        ...(plan.probe ? { probe: plan.probe } : {}),
        secret: plan.secret,
        variantDir,
        cwd,
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      }),
    );
  }
  const report: RunReport = {
    schemaVersion: SCHEMA_VERSION,
    tool: 'leakbench',
    scenario: plan.scenario,
    runId,
    startedAt: startedAt.toISOString(),
    options: {
      warmupSec: plan.load.warmupSec,
      durationSec: plan.load.durationSec,
      connections: plan.load.connections,
      rate: plan.load.rate,
      keys: formatKeyMode(plan.load.keys),
      invalidRatio: plan.load.invalidRatio,
      postRatio: plan.load.postRatio,
      maxDurationSec: Math.max(plan.load.durationSec, plan.load.maxDurationSec ?? DEFAULT_MAX_LOAD_MS / 1000),
      idleSec: plan.load.idleSec ?? DEFAULT_IDLE_MS / 1000,
      boundEntries: plan.load.boundEntries ?? KEYED_BOUND_ENTRIES,
      ...(plan.probe?.selfCheck ? { selfCheck: true } : {}),
      workload: plan.load.workload
        ? {
            kind: plan.load.workload.kind,
            from: plan.load.workload.from,
            requests: plan.load.workload.spec.requests.length,
            ...(plan.load.workload.perEndpoint ? { perEndpoint: true } : {}),
          }
        : { kind: 'key-mix', requests: 1 },
    },
    runs,
  };
  if (plan.keepSnapshots === false) await discardSnapshots(runs, cwd);
  const reportPath = await writeRunReport(report, runDir, {
    ...(plan.clinic ? { clinic: true } : {}),
    ...(hooks.onWarning ? { onWarning: hooks.onWarning } : {}),
  });
  return { report, runDir, reportPath };
}
