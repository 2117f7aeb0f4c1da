/**
 * `leakbench check <scenario>`: is the participant's exercise fixed? Three stages, cheapest first,
 * stopping at the first that fails:
 *
 *   1. compile  — the exercise alone, with the project's compiler options (compile-exercise.ts);
 *   2. responses — the same answers as the original on the shared request set (response-parity.ts);
 *   3. memory   — the same run as `leakbench run` (boot, warm-up, load, three snapshots, after-GC
 *                 growth trend and the heap analysis), on the participant's server.
 *
 * Pass means: it compiles, answers like the original, and the run's verdict is `no-leak`. The
 * verdict comes from the measurement alone, exactly as for any other server; the scenario's name
 * and `expected` verdicts play no part.
 */
import path from 'node:path';
import type { Scenario } from '../catalog.js';
import { scenarioLoadPlan } from '../bench/run-matrix.js';
import { runScenario } from '../orchestrator/run-scenario.js';
import type { Finding, GrowthStatistic, LeakPattern, ProgressEvent, Verdict } from '../types.js';
import { compileExercise } from './compile-exercise.js';
import { exercisePath, type WorkshopLayout } from './exercise-files.js';
import { compareResponses, type ParityResult } from './response-parity.js';

/** Where a check stopped. */
export type CheckStage = 'compile' | 'responses' | 'memory';

/** What the memory stage measured. */
export interface CheckRun {
  verdict: Verdict;
  pattern: LeakPattern;
  bytesPerRequest: number;
  reason: string;
  statistic?: GrowthStatistic;
  findings: Finding[];
  requests: number;
  /** report.html of the run, relative to the working directory. */
  reportHtml: string;
}

/** Result of {@link checkExercise}. */
export interface CheckResult {
  scenario: string;
  /** The exercise file, relative to the working directory. */
  exercise: string;
  passed: boolean;
  /** The last stage that ran. */
  stage: CheckStage;
  compile: { ok: boolean; diagnostics: string; durationMs: number };
  responses?: ParityResult;
  run?: CheckRun;
}

/** Options of {@link checkExercise}. */
export interface CheckOptions {
  scenario: Scenario;
  layout: WorkshopLayout;
  /** Parent of the run reports (`<reportsDir>/<scenario>/<run-id>/`). */
  reportsDir: string;
  secret: string;
  durationSec?: number;
  warmupSec?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** A line per stage, for the terminal. */
  onStage?: (stage: CheckStage, text: string) => void;
  signal?: AbortSignal;
}

/** Runs the check; throws only for bad setup (missing build, unknown files). */
export async function checkExercise(options: CheckOptions): Promise<CheckResult> {
  const { scenario, layout } = options;
  const file = exercisePath(layout, scenario.name);
  const exercise = path.relative(process.cwd(), file);
  const stage = options.onStage ?? (() => {});

  stage('compile', `compiling ${exercise}`);
  const compiled = await compileExercise(layout, file);
  const result: CheckResult = {
    scenario: scenario.name,
    exercise,
    passed: false,
    stage: 'compile',
    compile: { ok: compiled.ok, diagnostics: compiled.diagnostics, durationMs: Math.round(compiled.durationMs) },
  };
  if (!compiled.ok) return result;

  result.stage = 'responses';
  stage('responses', 'comparing answers with the original on the shared request set');
  result.responses = await compareResponses(scenario.entries.leaky, compiled.entry, options.secret, options.signal);
  if (!result.responses.same) return result;

  result.stage = 'memory';
  stage('memory', 'measuring memory under load (boot, warm-up, load, three heap snapshots)');
  const { report, runDir } = await runScenario(
    {
      scenario: scenario.name,
      targets: [{ variant: 'custom', entry: compiled.entry }],
      load: scenarioLoadPlan(scenario, {
        ...(options.durationSec !== undefined ? { durationSec: options.durationSec } : {}),
        ...(options.warmupSec !== undefined ? { warmupSec: options.warmupSec } : {}),
      }),
      reportsDir: options.reportsDir,
      secret: options.secret,
    },
    { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) },
  );
  const run = report.runs[0]!;
  result.run = {
    verdict: run.verdict,
    pattern: run.pattern,
    bytesPerRequest: run.bytesPerRequest,
    reason: run.reason,
    ...(run.statistic ? { statistic: run.statistic } : {}),
    findings: run.findings,
    requests: run.requests,
    reportHtml: path.relative(process.cwd(), path.join(runDir, 'report.html')),
  };
  result.passed = run.verdict === 'no-leak';
  return result;
}
