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
import { fitSlope, rejectOutliers, retainedBytes, type GrowthTrend, type TrendMetric } from './growth-trend.js';

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
 * The after-GC samples of the run's last idle stretch. The run idles while it analyses each
 * snapshot; when the analysis says "load on", that idle is cut short and a later one follows, so
 * only the last stretch (the one that ran its full length beside the deciding analysis) is one
 * clean period with no requests. Samples of other phases end a stretch; samples without a forced
 * GC inside it do not.
 */
export function lastIdleStretch(samples: readonly MemorySample[]): MemorySample[] {
  let i = samples.length - 1;
  while (i >= 0 && !(samples[i]!.afterGc && samples[i]!.phase === 'idle')) i--;
  const out: MemorySample[] = [];
  for (; i >= 0 && samples[i]!.phase === 'idle'; i--) if (samples[i]!.afterGc) out.push(samples[i]!);
  return out.reverse();
}

/**
 * Growth per second in the last idle stretch ({@link lastIdleStretch}), compared with growth per
 * second under load; `undefined` when the run had no idle stretch with at least 3 after-GC samples.
 */
export function idleGrowth(samples: readonly MemorySample[]): IdleGrowth | undefined {
  const idle = lastIdleStretch(samples);
  const fit = fitSlope(
    idle.map((s) => s.tMs / 1000),
    idle.map(retainedBytes),
  );
  if (fit === undefined) return undefined;
  // The load's rate per second with isolated spikes left out, as in the growth trend: an
  // after-GC sample taken under load may catch a burst of requests in flight.
  const load = samples.filter((s) => s.afterGc && isLoadSample(s));
  const loadX = load.map((s) => s.tMs / 1000);
  const loadY = load.map(retainedBytes);
  const keep = rejectOutliers(loadX, loadY);
  const loadFit = fitSlope(
    loadX.filter((_, i) => keep[i]),
    loadY.filter((_, i) => keep[i]),
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

/**
 * The native-memory trend over the load phases' after-GC samples from `sinceMs` on, judged within
 * the stretches between the run's snapshots (`snapshotTimesMs`). Why: a heap snapshot is
 * serialized inside the server, and glibc keeps much of that memory in the process afterwards —
 * RSS steps up at every snapshot (measured: ~390 MB of RSS against a 33 MB heap after nine
 * snapshots) and, since snapshots come every few thousand requests, a plain regression on
 * requests reads those steps as growth per request. So each stretch gets its own level and only
 * growth *within* stretches counts (the within estimator: x and y centred on their stretch's
 * means, one pooled slope). Verdict: `leak` when the slope's CI low exceeds 32 B/request and the
 * fitted growth over the requests seen reaches {@link NATIVE_MIN_GROWTH_BYTES}; `no-leak` when
 * its CI high is at most 32 B/request; otherwise `inconclusive`.
 */
export function nativeTrend(samples: readonly MemorySample[], sinceMs = 0, snapshotTimesMs: readonly number[] = []): GrowthTrend {
  const points = samples.filter((s) => s.afterGc && s.tMs >= sinceMs && isLoadSample(s));
  const cuts = [...snapshotTimesMs].sort((a, b) => a - b);
  const groups = new Map<number, MemorySample[]>();
  for (const p of points) {
    let g = 0;
    while (g < cuts.length && cuts[g]! < p.tMs) g++;
    const list = groups.get(g) ?? [];
    list.push(p);
    groups.set(g, list);
  }
  const xs: number[] = [];
  const ys: number[] = [];
  let used = 0;
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    used++;
    const mx = list.reduce((a, p) => a + p.requests, 0) / list.length;
    const my = list.reduce((a, p) => a + NATIVE_METRIC.of(p), 0) / list.length;
    for (const p of list) {
      xs.push(p.requests - mx);
      ys.push(NATIVE_METRIC.of(p) - my);
    }
  }
  const fit = xs.length >= 4 ? fitSlope(xs, ys) : undefined;
  const span = points.length > 0 ? points[points.length - 1]!.requests - points[0]!.requests : 0;
  const stat = (verdictReason: string): GrowthStatistic => ({
    method: 'ols-after-gc',
    metric: NATIVE_METRIC.name,
    bytesPerRequest: fit ? Math.round(fit.slope * 1000) / 1000 : 0,
    ciLowBytesPerRequest: fit ? Math.round(fit.ciLow * 1000) / 1000 : 0,
    ciHighBytesPerRequest: fit ? Math.round(fit.ciHigh * 1000) / 1000 : 0,
    samples: fit?.n ?? points.length,
    growthBytes: fit ? Math.round(fit.slope * span) : 0,
    rSquared: fit ? Math.round(fit.rSquared * 10_000) / 10_000 : 0,
    reason: verdictReason,
  });
  if (fit === undefined) {
    return { verdict: 'inconclusive', statistic: stat(`too few after-GC samples within the stretches between snapshots (${xs.length}) for a trend of ${NATIVE_METRIC.label}`) };
  }
  const within = `${fit.slope.toFixed(1)} B/request (95% CI ${fit.ciLow.toFixed(1)} … ${fit.ciHigh.toFixed(1)}) within ${used} stretch${used === 1 ? '' : 'es'} between snapshots`;
  const growth = fit.slope * span;
  if (fit.ciLow > NATIVE_NEGLIGIBLE_BYTES_PER_REQUEST && growth >= NATIVE_MIN_GROWTH_BYTES) {
    return { verdict: 'leak', statistic: stat(`${NATIVE_METRIC.label} grows ${within}: ${(growth / 1048576).toFixed(1)} MiB over ${span} requests`) };
  }
  if (fit.ciHigh <= NATIVE_NEGLIGIBLE_BYTES_PER_REQUEST) {
    return { verdict: 'no-leak', statistic: stat(`${NATIVE_METRIC.label} does not grow per request: ${within}`) };
  }
  return { verdict: 'inconclusive', statistic: stat(`${NATIVE_METRIC.label}: ${within}, neither shown nor ruled out`) };
}

/** Per-request growth of native memory at or below this (CI bound) is negligible: as for the heap trend. */
export const NATIVE_NEGLIGIBLE_BYTES_PER_REQUEST = 32;
