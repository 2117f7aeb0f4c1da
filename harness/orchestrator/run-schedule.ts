/**
 * The run protocol's timing, pure: how long the next load segment lasts, and how a decision is
 * described once `nextStep` says `decide`.
 *
 * After the baseline snapshot the load runs in segments, each ending in an after-GC sample and a
 * snapshot, and the run asks `nextStep` (harness/analysis/next-step.ts) once three snapshots exist.
 * The first two segments are short ({@link DEFAULT_SEGMENT_MS}): a clear leak is certain after
 * them, and the run stops early. When the evidence cannot decide yet, each further segment lasts
 * twice the one before (a bounded structure gets the time to fill, and the count of snapshots, and
 * so of diffs, grows with the log of the load time, not linearly), cut so that one segment ends
 * exactly at the planned window and none runs past the budget (`--max-duration`).
 */

/** Length of the first segments after the baseline (ms). */
export const DEFAULT_SEGMENT_MS = 3000;
/**
 * Period of the forced-GC samples under load (`--gc-interval`, ms): the growth trend's points.
 * Tried at 500 ms (2026-12-07): the slope's interval narrowed so far that a few B/request of
 * real drift became "significant but below 1 MiB" and a TTL cache and a self-checked server
 * loaded on to the 120 s budget (143 s and 152 s to `no-leak`, against 17 s and 46 s).
 */
export const DEFAULT_GC_SAMPLE_MS = 1250;
/** Load budget of a run after warm-up (`--max-duration`, ms). */
export const DEFAULT_MAX_LOAD_MS = 120_000;
/** Quiet period beside the deciding analysis (`--idle`, ms): no requests, after-GC samples. */
export const DEFAULT_IDLE_MS = 3000;
/** A decision within this much of the planned window's end counts as `planned`, not early or extended. */
export const PLANNED_TOLERANCE_MS = 500;

/** The timing of one run. */
export interface Schedule {
  /** First segments' length. */
  segmentMs: number;
  /** The planned window (`--duration`). */
  plannedMs: number;
  /** The budget (`--max-duration`), at least the planned window. */
  maxLoadMs: number;
}

/**
 * Length of segment number `index` (0-based), given the load done so far since the baseline and
 * the previous segment's length; 0 when the budget is spent.
 */
export function nextSegmentMs(index: number, doneMs: number, previousMs: number | undefined, s: Schedule): number {
  const left = s.maxLoadMs - doneMs;
  if (left <= 0) return 0;
  let ms = index < 2 || previousMs === undefined ? s.segmentMs : 2 * previousMs;
  // Land one segment end on the planned window's end.
  if (doneMs < s.plannedMs && doneMs + ms > s.plannedMs) ms = s.plannedMs - doneMs;
  ms = Math.min(ms, left);
  // A sliver left before the budget is folded into this segment.
  if (left - ms < s.segmentMs / 2) ms = left;
  return ms;
}

/** How a decision came, from the load time when it was made. */
export function decidedHow(loadMs: number, s: Schedule, budgetSpent: boolean): 'early' | 'planned' | 'extended' | 'budget' {
  if (budgetSpent) return 'budget';
  if (loadMs < s.plannedMs - PLANNED_TOLERANCE_MS) return 'early';
  if (loadMs <= s.plannedMs + PLANNED_TOLERANCE_MS) return 'planned';
  return 'extended';
}
