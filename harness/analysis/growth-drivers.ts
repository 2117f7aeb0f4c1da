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
 * The pace of a stretch of after-GC samples: the median of the rates between consecutive samples
 * (bytes per second). One step up or down anywhere in the stretch (a buffer or a socket released)
 * is one rate among many and moves it little; an OLS slope, or a Theil–Sen slope for a step in the
 * middle, follows it. `undefined` with fewer than 3 samples.
 */
export function medianStepRate(part: readonly MemorySample[]): number | undefined {
  if (part.length < 3) return undefined;
  const rates: number[] = [];
  for (let i = 1; i < part.length; i++) {
    const dt = (part[i]!.tMs - part[i - 1]!.tMs) / 1000;
    if (dt > 0) rates.push((retainedBytes(part[i]!) - retainedBytes(part[i - 1]!)) / dt);
  }
  if (rates.length < 2) return undefined;
  rates.sort((a, b) => a - b);
  const mid = rates.length >> 1;
  return rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
}

/**
 * Whether growth with no requests goes on: the later half (by time) of the idle stretch still
 * grows at {@link MIN_IDLE_BYTES_PER_SECOND} or more, and at {@link TIME_DRIVEN_SHARE} or more of
 * the earlier half's pace ({@link medianStepRate}). Work a server finishes after its last request
 * (a write stream's buffers, a drain timer's last batch) grows memory for a moment and stops; a
 * timer or an interval goes on at its pace. Measured: an interval's idle (19 KiB/s) stepped down
 * 40 kB once, at a moment nothing in the run touched the server; an OLS fit of that half read
 * 4.4 KiB/s, "settled". `undefined` when either half has fewer than 3 after-GC samples: the run
 * idles longer whenever its idle grows, so that this can be answered.
 */
export function idlePersists(idle: readonly MemorySample[]): { persists: boolean; laterBytesPerSecond: number } | undefined {
  if (idle.length < 2) return undefined;
  const mid = (idle[0]!.tMs + idle[idle.length - 1]!.tMs) / 2;
  const earlier = medianStepRate(idle.filter((s) => s.tMs <= mid));
  const later = medianStepRate(idle.filter((s) => s.tMs >= mid));
  if (earlier === undefined || later === undefined) return undefined;
  return {
    persists: later >= MIN_IDLE_BYTES_PER_SECOND && later >= TIME_DRIVEN_SHARE * Math.max(0, earlier),
    laterBytesPerSecond: Math.round(later),
  };
}

/**
 * True when the idle phase grew enough to ask whether it goes on ({@link idlePersists}): its pace
 * ({@link medianStepRate}) reaches {@link MIN_IDLE_BYTES_PER_SECOND}, or its OLS fit does with a
 * CI low above 0.
 */
export function idleGrows(g: Pick<IdleGrowth, 'paceBytesPerSecond' | 'bytesPerSecond' | 'ciLowBytesPerSecond'> | undefined): boolean {
  if (g === undefined) return false;
  return (g.paceBytesPerSecond ?? 0) >= MIN_IDLE_BYTES_PER_SECOND || (g.ciLowBytesPerSecond > 0 && g.bytesPerSecond >= MIN_IDLE_BYTES_PER_SECOND);
}

/**
 * What the idle's rate is compared with: the growth per second under load that the verdict is
 * about. `diff`: the holders the snapshot diff found, their bytes per request times the requests
 * per second over the load (exact, no in-flight noise); `none`: no growth per request was shown,
 * so growth with no requests is all there is to compare; absent: the after-GC samples under load
 * regressed on time (black-box runs).
 */
export type IdleComparison = { from: 'diff'; bytesPerRequest: number } | { from: 'none' };

/**
 * Growth per second in the last idle stretch ({@link lastIdleStretch}), compared with growth per
 * second under load; `undefined` when the run had no idle stretch with at least 3 after-GC
 * samples. Driven by time: the idle grows ({@link idleGrows}), goes on through the later half of
 * the stretch ({@link idlePersists}), and at {@link TIME_DRIVEN_SHARE} or more of the rate under
 * load (`compareWith`).
 */
export function idleGrowth(samples: readonly MemorySample[], compareWith?: IdleComparison): IdleGrowth | undefined {
  const idle = lastIdleStretch(samples);
  const fit = fitSlope(
    idle.map((s) => s.tMs / 1000),
    idle.map(retainedBytes),
  );
  if (fit === undefined) return undefined;
  const load = samples.filter((s) => s.afterGc && isLoadSample(s));
  let loadRate: number | undefined;
  let loadWhat = 'under load';
  if (compareWith?.from === 'diff') {
    // Requests per wall-clock second over the load (pauses included, as the idle's seconds are).
    const first = load[0];
    const last = load[load.length - 1];
    const seconds = first && last ? (last.tMs - first.tMs) / 1000 : 0;
    if (seconds > 0) {
      loadRate = (compareWith.bytesPerRequest * (last!.requests - first!.requests)) / seconds;
      loadWhat = 'in the holders the diff found under load';
    }
  } else if (compareWith === undefined) {
    // The load's rate per second with isolated spikes left out, as in the growth trend: an
    // after-GC sample taken under load may catch a burst of requests in flight.
    const loadX = load.map((s) => s.tMs / 1000);
    const loadY = load.map(retainedBytes);
    const keep = rejectOutliers(loadX, loadY);
    loadRate = fitSlope(
      loadX.filter((_, i) => keep[i]),
      loadY.filter((_, i) => keep[i]),
    )?.slope;
  }
  const durationMs = idle[idle.length - 1]!.tMs - idle[0]!.tMs;
  const kb = (x: number): string => `${(x / 1024).toFixed(1)} KiB/s`;
  const ci = `${kb(fit.slope)} (95% CI ${kb(fit.ciLow)} … ${kb(fit.ciHigh)})`;
  // The idle's pace ({@link medianStepRate}): one step up or down in the idle (measured on an
  // interval's idle: 40 kB down once; a fixed twin's key store swapped: 63 kB up once) moves it
  // little, while an OLS fit follows it (the interval's idle read "did not grow measurably",
  // 95% CI -1.4 … 35 KiB/s, with its pace at 12 KiB/s).
  const pace = medianStepRate(idle) ?? fit.slope;
  const grows = idleGrows({ paceBytesPerSecond: pace, bytesPerSecond: fit.slope, ciLowBytesPerSecond: fit.ciLow });
  const goesOn = idlePersists(idle);
  const comparable = compareWith?.from === 'none' || loadRate === undefined || loadRate <= 0 || pace >= TIME_DRIVEN_SHARE * loadRate;
  const drivenByTime = grows && goesOn?.persists === true && comparable;
  const secs = `${(durationMs / 1000).toFixed(1)} s`;
  const later = goesOn ? `; its pace ${kb(pace)}, ${kb(goesOn.laterBytesPerSecond)} in its later half` : `; its pace ${kb(pace)}`;
  const reason = !grows
    ? `with no requests for ${secs}, retained memory did not grow measurably (${ci}; its pace ${kb(pace)})`
    : goesOn === undefined
      ? `with no requests for ${secs}, retained memory grew ${ci}, too short a quiet period to tell whether it goes on`
      : !goesOn.persists
        ? `with no requests for ${secs}, retained memory grew ${ci} and then slowed (${kb(goesOn.laterBytesPerSecond)} in its later half): work that settles after the last request, not a timer`
        : !comparable
          ? `with no requests for ${secs}, retained memory grew ${ci}${later}, well below the ${kb(loadRate ?? 0)} ${loadWhat}: mostly driven by requests`
          : `with no requests for ${secs}, retained memory still grew ${ci}${later}` +
            (compareWith?.from === 'none'
              ? ', while no growth per request was shown'
              : loadRate !== undefined && loadRate > 0
                ? `, as fast as ${loadWhat} (${kb(loadRate)})`
                : '') +
            ': the growth is driven by time (a timer, an interval, a retry loop), not by requests';
  const out: IdleGrowth = {
    bytesPerSecond: Math.round(fit.slope),
    ciLowBytesPerSecond: Math.round(fit.ciLow),
    ciHighBytesPerSecond: Math.round(fit.ciHigh),
    paceBytesPerSecond: Math.round(pace),
    samples: fit.n,
    durationMs: Math.round(durationMs),
    drivenByTime,
    reason,
  };
  if (goesOn !== undefined) {
    out.persists = goesOn.persists;
    out.laterBytesPerSecond = goesOn.laterBytesPerSecond;
  }
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
