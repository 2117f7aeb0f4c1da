/**
 * Measures one micro-benchmark pair with tinybench and turns the results into plain data. Each
 * timed call does {@link BATCH} operations, so figures are divided back to one operation.
 * A task that errored is data (`state: 'errored'`), as in tinybench's own TaskResult union.
 */
import { Bench } from 'tinybench';
import { BATCH, type MicroPair } from './micro-pairs.js';

/** Per-operation figures of one side of a pair. */
export type MicroTaskResult =
  | {
      state: 'completed';
      variant: 'leaky' | 'fixed';
      name: string;
      opsPerSec: number;
      meanNs: number;
      p99Ns: number;
      /** Relative margin of error of the mean, percent. */
      rmePercent: number;
      /** Timed calls (each {@link BATCH} operations). */
      samples: number;
      /** Operations run (warm-up included). */
      operations: number;
      /**
       * heapUsed + external still reachable after the task, per operation: both ends measured
       * after a forced full GC when the process runs with `--expose-gc` (the script does), else
       * `null`. Near 0 for a fixed twin, the leak's per-call cost for a leaky one.
       */
      retainedBytesPerOp: number | null;
    }
  | { state: 'errored' | 'not-completed'; variant: 'leaky' | 'fixed'; name: string; error: string };

/** One pair's results. */
export interface MicroPairResult {
  id: string;
  operation: string;
  batch: number;
  tasks: MicroTaskResult[];
  /** fixed ops/s ÷ leaky ops/s, when both completed. */
  fixedSpeedup: number | null;
}

/** heapUsed + external after two full GCs, or `null` without `--expose-gc`. */
function retainedNow(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return null;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Runs `pair` (fixed first, so the leaky twin's retained heap cannot slow its twin). */
export async function measurePair(pair: MicroPair, options: { timeMs: number; warmupMs: number }): Promise<MicroPairResult> {
  const tasks: MicroTaskResult[] = [];
  for (const variant of ['fixed', 'leaky'] as const) {
    const side = pair[variant];
    const bench = new Bench({ time: options.timeMs, warmupTime: options.warmupMs, iterations: 16, warmupIterations: 16 });
    let calls = 0;
    const fn = side.fn;
    bench.add(side.name, () => {
      calls++;
      return fn();
    });
    const before = retainedNow();
    await bench.run();
    const after = retainedNow();
    const task = bench.tasks[0]!;
    const result = task.result;
    if (result.state === 'completed') {
      tasks.push({
        state: 'completed',
        variant,
        name: side.name,
        opsPerSec: (1000 / result.latency.mean) * BATCH,
        meanNs: (result.latency.mean * 1e6) / BATCH,
        p99Ns: (result.latency.p99 * 1e6) / BATCH,
        rmePercent: result.latency.rme,
        samples: result.latency.samplesCount,
        operations: calls * BATCH,
        retainedBytesPerOp: before === null || after === null || calls === 0 ? null : (after - before) / (calls * BATCH),
      });
    } else if (result.state === 'errored') {
      tasks.push({ state: 'errored', variant, name: side.name, error: result.error.message });
    } else {
      tasks.push({ state: 'not-completed', variant, name: side.name, error: `task ended in state ${result.state}` });
    }
  }
  const leaky = tasks.find((t) => t.variant === 'leaky');
  const fixed = tasks.find((t) => t.variant === 'fixed');
  const fixedSpeedup = leaky?.state === 'completed' && fixed?.state === 'completed' ? fixed.opsPerSec / leaky.opsPerSec : null;
  return { id: pair.id, operation: pair.operation, batch: BATCH, tasks: [leaky!, fixed!], fixedSpeedup };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The terminal table: one row per task, the fixed/leaky throughput ratio on the fixed row. */
export function formatMicroTable(results: readonly MicroPairResult[]): string {
  const header = ['pair', 'variant', 'task', 'ops/s', 'mean', 'p99', '±rme', 'retained/op', 'fixed/leaky'];
  const rows: string[][] = [header];
  for (const pair of results) {
    for (const task of pair.tasks) {
      if (task.state !== 'completed') {
        rows.push([pair.id, task.variant, task.name, task.state, task.error, '', '', '', '']);
        continue;
      }
      rows.push([
        pair.id,
        task.variant,
        task.name,
        fmt(task.opsPerSec),
        `${fmt(task.meanNs)} ns`,
        `${fmt(task.p99Ns)} ns`,
        `${fmt(task.rmePercent, 1)}%`,
        task.retainedBytesPerOp === null ? 'n/a' : `${fmt(task.retainedBytesPerOp)} B`,
        task.variant === 'fixed' && pair.fixedSpeedup !== null ? `${fmt(pair.fixedSpeedup, 2)}×` : '',
      ]);
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = new Set([3, 4, 5, 6, 7, 8]);
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}
