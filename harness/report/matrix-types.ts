/**
 * Plain data of `npm run bench:all`: the matrix of every scenario × variant, as written to
 * `reports/bench-all/<run-id>/summary.json` and printed by `--json`. Rendered by
 * harness/report/render-matrix.ts; judged against the scenarios' `expected` verdicts by
 * {@link ./matrix-gate.ts} only after every run is finished.
 */
import type { LeakPattern, Verdict, VariantRun } from '../types.js';

/** Version of the `summary.json` shape. */
export const MATRIX_SCHEMA_VERSION = 1;

/** One variant of one scenario, as measured. */
export interface MatrixCell {
  variant: 'leaky' | 'fixed';
  verdict: Verdict;
  pattern: LeakPattern;
  /** Headline growth per request, as the run report states it. */
  bytesPerRequest: number;
  /** 95% CI of the growth slope, when the growth statistic exists. */
  ciBytesPerRequest?: [number, number];
  requests: number;
  /** Throughput over the measured load (snapshot pauses excluded by the load driver). */
  requestsPerSec?: number;
  latencyP99Ms?: number;
  /**
   * Wall time from starting the server to the verdict: boot, warm-up, load segments and their snapshots, idle, replay
   * and the analysis. What a user waits for one variant.
   */
  timeToVerdictMs: number;
  /**
   * The run's own time to verdict (`VariantRun.timeToVerdictMs`): from the start of load (warm-up
   * included) to the moment the verdict's evidence was complete; boot, analysis, replay and
   * self-check excluded.
   */
  evidenceMs?: number;
  /** How the run came to its verdict (early, planned, extended, budget). */
  decidedBy?: 'planned' | 'early' | 'extended' | 'budget';
  /** Why the verdict is what it is (the run's own sentence). */
  reason: string;
  /** Holder of the largest finding, when the run has findings. */
  topHolder?: string;
  /** Set when the variant could not be measured (server crash at boot, inspector failure…). */
  error?: { code: string; message: string };
}

/**
 * A scenario of the batch, finished or errored (tinybench's `TaskResult` style: a union on `state`).
 * An errored row's `error.code` is a LeakbenchError code, `E_UNEXPECTED` for any other exception,
 * or `interrupted` for a scenario the batch never started because of Ctrl-C.
 */
export type MatrixRow =
  | {
      state: 'completed';
      scenario: string;
      title: string;
      /** The run's id and its directory, relative to the summary's directory. */
      runId: string;
      reportDir: string;
      cells: MatrixCell[];
    }
  | {
      state: 'errored';
      scenario: string;
      title: string;
      error: { code: string; message: string };
    };

/** What the metadata expected of one variant, and whether the measurement agreed. */
export interface MatrixExpectation {
  scenario: string;
  variant: 'leaky' | 'fixed';
  expected: Verdict;
  /** The measured verdict, or `errored` when the scenario failed to run. */
  actual: Verdict | 'errored';
  matches: boolean;
}

/** The whole `summary.json`. */
export interface MatrixSummary {
  schemaVersion: typeof MATRIX_SCHEMA_VERSION;
  tool: 'leakbench';
  kind: 'bench-all';
  runId: string;
  startedAt: string;
  /** Wall time of the whole batch. */
  durationMs: number;
  /** Load overrides given on the command line; absent fields mean each scenario's default. */
  options: { durationSec?: number; warmupSec?: number; only?: string[] };
  /** Node version and CPU count, so figures from two machines are not compared blindly. */
  environment: { node: string; cpus: number; platform: string };
  rows: MatrixRow[];
  /** The after-the-fact comparison with `scenario.json`'s `expected`; see matrix-gate.ts. */
  expectations: MatrixExpectation[];
  /** True when every expectation matches. */
  passed: boolean;
}

/** The memory series of one variant, for the side-by-side charts (kept out of summary.json). */
export type MatrixChartRun = Pick<VariantRun, 'variant' | 'samples' | 'snapshots'>;

/** Chart inputs per scenario name. */
export type MatrixCharts = Record<string, MatrixChartRun[]>;
