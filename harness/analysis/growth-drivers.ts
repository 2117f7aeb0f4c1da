/**
 * What drives a run's growth, from its memory samples alone:
 * - **time**: growth that goes on in the idle phase, with no requests, at a rate comparable to the
 *   growth under load (an interval appending records, a reconnect loop) is driven by time, and a
 *   per-request figure for it would change with the load rate;
 * - **native memory**: the trend of RSS − heapTotal − external (after GC) on requests, memory that
 *   no heap snapshot holds (addons, zlib, TLS, allocator retention), judged with its own floor.
 *
 * Pure: plain samples in, plain data out.
 */
import type { GrowthStatistic, IdleGrowth, MemorySample } from '../types.js';
import { fitSlope, growthTrend, retainedBytes, type GrowthTrend, type TrendMetric } from './growth-trend.js';

/**
 * Idle growth below this many bytes per second is not "driven by time", however significant:
 * 1 KiB/s is 3.5 MiB an hour, the least a server operator would call a leak; the lazy work a
 * quiet Node process does (timers, compiled code) stays far below it.
 */
export const MIN_IDLE_BYTES_PER_SECOND = 1024;

/**
 * Growth is driven by time when the idle rate is at least this share of the rate under load:
 * a per-request leak nearly stops when requests stop; a timer's growth goes on at the same pace.
 */
export const TIME_DRIVEN_SHARE = 0.5;

/**
 * Memory outside the JS heap must grow by at least this much over the window to count: glibc's
 * arenas and V8's own page handling move RSS by several MiB at a time with no leak at all.
 */
export const NATIVE_MIN_GROWTH_BYTES = 8 * 1024 * 1024;

/** RSS − heapTotal − external: memory of the process that the JS heap does not account for. */
export const NATIVE_METRIC: TrendMetric = {
  name: 'rss-heapTotal-external',
  label: 'memory outside the JS heap',
  of: (s) => s.rssBytes - s.heapTotalBytes - s.externalBytes,
};

/** Phases whose samples measure growth per request (the load the verdict is about). */
function isLoadSample(s: MemorySample): boolean {
  return s.phase === undefined || s.phase === 'load' || s.phase === 'extend';
}

/**
 * Growth per second in the idle phase, compared with growth per second under load; `undefined`
 * when the run had no idle phase with at least 3 after-GC samples.
 */
export function idleGrowth(samples: readonly MemorySample[]): IdleGrowth | undefined {
  const idle = samples.filter((s) => s.afterGc && s.phase === 'idle');
  const fit = fitSlope(
    idle.map((s) => s.tMs / 1000),
    idle.map(retainedBytes),
  );
  if (fit === undefined) return undefined;
  const load = samples.filter((s) => s.afterGc && isLoadSample(s));
  const loadFit = fitSlope(
    load.map((s) => s.tMs / 1000),
    load.map(retainedBytes),
  );
  const durationMs = idle[idle.length - 1]!.tMs - idle[0]!.tMs;
  const kb = (x: number): string => `${(x / 1024).toFixed(1)} KiB/s`;
  const ci = `${kb(fit.slope)} (95% CI ${kb(fit.ciLow)} … ${kb(fit.ciHigh)})`;
  const loadRate = loadFit?.slope;
  const grows = fit.ciLow > 0 && fit.slope >= MIN_IDLE_BYTES_PER_SECOND;
  const comparable = loadRate === undefined || loadRate <= 0 || fit.slope >= TIME_DRIVEN_SHARE * loadRate;
  const drivenByTime = grows && comparable;
  const reason = drivenByTime
    ? `with no requests for ${(durationMs / 1000).toFixed(1)} s, retained memory still grew ${ci}` +
      (loadRate !== undefined && loadRate > 0 ? `, as fast as under load (${kb(loadRate)})` : '') +
      ': the growth is driven by time (a timer, an interval, a retry loop), not by requests'
    : grows
      ? `with no requests, retained memory grew ${ci}, well below the ${kb(loadRate ?? 0)} under load: mostly driven by requests`
      : `with no requests for ${(durationMs / 1000).toFixed(1)} s, retained memory did not grow measurably (${ci})`;
  const out: IdleGrowth = {
    bytesPerSecond: Math.round(fit.slope),
    ciLowBytesPerSecond: Math.round(fit.ciLow),
    ciHighBytesPerSecond: Math.round(fit.ciHigh),
    samples: fit.n,
    durationMs: Math.round(durationMs),
    drivenByTime,
    reason,
  };
  if (loadRate !== undefined) out.loadBytesPerSecond = Math.round(loadRate);
  return out;
}

/** The native-memory trend over the load phases' after-GC samples from `sinceMs` on. */
export function nativeTrend(samples: readonly MemorySample[], sinceMs = 0): GrowthTrend {
  return growthTrend(
    samples.filter((s) => s.afterGc && s.tMs >= sinceMs && isLoadSample(s)),
    { metric: NATIVE_METRIC, minGrowthBytes: NATIVE_MIN_GROWTH_BYTES },
  );
}

