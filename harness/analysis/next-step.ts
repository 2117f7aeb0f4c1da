/**
 * The run protocol's question after each snapshot: is the evidence enough to decide, or should
 * the run load the server for another segment? Pure: the orchestrator asks, this answers.
 *
 * A run decides when the snapshot analysis is sure (a leak that grew at every step over enough
 * steps, or no holder still growing), or when the load budget is spent; otherwise it extends.
 */
import type { GrowthTrend } from './growth-trend.js';
import type { AnalysisResult } from './types.js';

/** What the orchestrator knows when it asks. */
export interface NextStepInput {
  /** The diff of every snapshot taken since the (last) baseline; absent without snapshots. */
  analysis?: AnalysisResult;
  /** The growth trend over the after-GC samples since the baseline. */
  trend: GrowthTrend;
  /** Snapshots in the analysed sequence (baseline included). */
  snapshots: number;
  /** Load time spent so far (warm-up excluded), and the budget (`--max-duration`). */
  loadMs: number;
  maxLoadMs: number;
}

/** The answer: decide now, or run one more segment of load (then snapshot and ask again). */
export type NextStep = { action: 'decide'; why: string } | { action: 'extend'; why: string };

/** Minimum snapshots before any verdict (baseline + two steps): one step cannot show sustained growth. */
export const MIN_SNAPSHOTS = 3;

export function nextStep(input: NextStepInput): NextStep {
  if (input.snapshots < MIN_SNAPSHOTS) return { action: 'extend', why: `${input.snapshots} of ${MIN_SNAPSHOTS} snapshots taken` };
  const more = input.analysis?.needsMore;
  if (more === undefined) return { action: 'decide', why: 'the evidence decides' };
  if (input.loadMs >= input.maxLoadMs) {
    return { action: 'decide', why: `the load budget (${Math.round(input.maxLoadMs / 1000)} s) is spent while ${more.detail}` };
  }
  return { action: 'extend', why: more.detail };
}
