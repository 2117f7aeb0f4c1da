/**
 * The run protocol's question after each snapshot: is the evidence enough to decide, or should
 * the run load the server for another segment? Pure: the orchestrator asks, this answers.
 *
 * Rules, in order:
 * 1. Fewer than {@link MIN_SNAPSHOTS} snapshots in the sequence (since the last baseline): extend;
 *    one step cannot show sustained growth.
 * 2. The load budget (`--max-duration`) is spent: decide with what there is (decideVerdict turns
 *    an undecided leak into `inconclusive` with the bound it has ruled out).
 * 3. The snapshot analysis says more load could change its answer (`needsMore`: a last step
 *    slower than the earlier ones, a keyed collection still below the bound caches commonly
 *    have, growth over only the last step): extend.
 * 4. The diff found holders that grew at every step with nothing left to rule out: decide (the
 *    diff leads; this is how a run stops early).
 * 5. The growth trend cannot decide yet (`inconclusive`: too noisy, or significant but not yet
 *    meaningful, which is how a slow leak looks early), or it grows while no container grew at
 *    every step: extend.
 * 6. Otherwise decide.
 */
import type { GrowthTrend } from './growth-trend.js';
import type { AnalysisResult } from './types.js';

/** What the orchestrator knows when it asks. */
export interface NextStepInput {
  /** The diff of every snapshot taken since the (last) baseline; absent without snapshots. */
  analysis?: AnalysisResult;
  /** The growth trend over the after-GC load samples since the baseline. */
  trend: GrowthTrend;
  /** Snapshots in the analysed sequence (baseline included); for black-box runs, steps + 1. */
  snapshots: number;
  /** Load time spent so far (warm-up excluded), and the budget (`--max-duration`). */
  loadMs: number;
  maxLoadMs: number;
}

/**
 * The answer: decide now, or run one more segment of load (then snapshot and ask again).
 * `distinctKeys` marks an extension whose only purpose is to send more distinct keys (a keyed
 * collection below the bound caches commonly have): it may run at the server's full rate, since
 * the question is how many entries it reaches, not how fast memory grows per second.
 */
export type NextStep = { action: 'decide'; why: string } | { action: 'extend'; why: string; distinctKeys?: boolean };

/** Minimum snapshots before any verdict (baseline + two steps): one step cannot show sustained growth. */
export const MIN_SNAPSHOTS = 3;

export function nextStep(input: NextStepInput): NextStep {
  if (input.snapshots < MIN_SNAPSHOTS) return { action: 'extend', why: `${input.snapshots} of ${MIN_SNAPSHOTS} snapshots taken` };
  const more = input.analysis?.needsMore;
  const trendUndecided = input.trend.verdict === 'inconclusive';
  if (input.loadMs >= input.maxLoadMs) {
    const open = more?.detail ?? (trendUndecided ? `the growth trend is still undecided (${input.trend.statistic.reason})` : undefined);
    return {
      action: 'decide',
      why: `the load budget (${Math.round(input.maxLoadMs / 1000)} s) is spent${open === undefined ? '' : ` while ${open}`}`,
    };
  }
  if (more !== undefined) {
    return more.why === 'still-growing' ? { action: 'extend', why: more.detail, distinctKeys: true } : { action: 'extend', why: more.detail };
  }
  // The diff leads: holders that grew at every step, with nothing left to rule out, are a leak
  // whatever the (noisier) trend says yet; this is how a run stops early.
  if (input.analysis?.verdict === 'leak') return { action: 'decide', why: 'the same holders grew at every step' };
  if (input.analysis?.verdict === 'no-leak' && input.trend.verdict === 'leak') {
    return { action: 'extend', why: 'the heap grows per request but no container has grown at every step yet' };
  }
  if (trendUndecided) return { action: 'extend', why: `the growth trend cannot decide yet: ${input.trend.statistic.reason}` };
  return { action: 'decide', why: 'nothing grows that more load could change' };
}
