/**
 * The growth-trend verdict: does retained memory grow with the number of requests served?
 *
 * Input: memory samples taken right after a forced full GC (what survives a GC is what the server
 * retains), from the baseline snapshot to the end of the load. Metric: `heapUsed + external`
 * (a Buffer leak grows in `external`, outside the JS heap). Method: ordinary least squares of the
 * metric on the cumulative request count, with a two-sided 95% confidence interval of the slope from
 * Student's t with n−2 degrees of freedom, after leaving out isolated spikes (see
 * {@link rejectOutliers}).
 *
 * Thresholds, from first principles:
 * - *Significant*: the slope's CI excludes 0 (ciLow > 0).
 * - *Meaningful*: the fitted growth over the window exceeds {@link GrowthTrendOptions.minGrowthBytes}
 *   (default 1 MiB). After warm-up, a healthy V8 heap still drifts by a few hundred KiB (optimized
 *   code, feedback vectors, inline caches, allocator slack) and a significant-but-tiny slope is that
 *   drift, not a leak.
 * - *Still growing*: a leak keeps growing; a bounded cache (LRU, ring buffer) fills and then
 *   plateaus. So the later half of the window is fitted on its own; growth that stops there
 *   (late CI upper bound negligible and well below the overall slope) is bounded, not a leak.
 * - *No leak* needs positive evidence, not just the absence of significance: the CI's upper bound
 *   must rule out meaningful growth, both in total over the window (1 MiB) and per request
 *   ({@link GrowthTrendOptions.negligibleBytesPerRequest}, 32 B). The per-request bound is the
 *   smallest thing a server could keep per request: one API key string alone (`lk_` + 22 + 1 + 12
 *   characters) is a 56-byte V8 string, plus the slot that holds it. A CI entirely below that rules
 *   out "retains something for every request"; the total bound alone would let a short run with
 *   few requests call a real leak negligible. Otherwise the answer is `inconclusive` (too short a
 *   run, too much noise), never a guess.
 *
 * Pure: plain numbers in, plain data out.
 */
import type { GrowthStatistic, MemorySample } from '../types.js';

/** Tunables of {@link growthTrend}; the defaults are what `leakbench run` uses. */
export interface GrowthTrendOptions {
  /** Growth over the window below which growth is not practically meaningful (default 1 MiB). */
  minGrowthBytes?: number;
  /** Per-request slope (CI upper bound) below which growth counts as negligible (default 32 B). */
  negligibleBytesPerRequest?: number;
  /** A late slope below this share of the overall slope counts as a plateau (default 0.25). */
  plateauRatio?: number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
  /** What is regressed (default {@link RETAINED_METRIC}: `heapUsed + external`). */
  metric?: TrendMetric;
}

/** A memory figure of a sample that a trend can regress on requests. */
export interface TrendMetric {
  /** As reports show it, e.g. `heapUsed+external`. */
  name: string;
  /** What it measures, in words for sentences, e.g. `retained memory`. */
  label: string;
  of: (sample: MemorySample) => number;
}

/** The verdict part of a growth trend. */
export type GrowthVerdict = 'leak' | 'no-leak' | 'inconclusive';

/** Result of {@link growthTrend}: verdict, the full-window statistic, and the late-window fit. */
export interface GrowthTrend {
  verdict: GrowthVerdict;
  statistic: GrowthStatistic;
  /** Fit over the later half of the window (absent with fewer than 6 samples). */
  late?: SlopeFit;
}

/** An OLS fit of y on x with a confidence interval of the slope. */
export interface SlopeFit {
  n: number;
  slope: number;
  intercept: number;
  ciLow: number;
  ciHigh: number;
  /** Standard deviation of the residuals (y units). */
  residualSd: number;
  rSquared: number;
  /** max(x) − min(x). */
  spanX: number;
}

const DEFAULTS = {
  minGrowthBytes: 1024 * 1024,
  negligibleBytesPerRequest: 32,
  plateauRatio: 0.25,
  confidence: 0.95,
};

/** The metric the verdict regresses, in bytes. */
export function retainedBytes(sample: MemorySample): number {
  return sample.heapUsedBytes + sample.externalBytes;
}

/** The default metric: what the JS heap and its external memory (Buffers) retain. */
export const RETAINED_METRIC: TrendMetric = { name: 'heapUsed+external', label: 'retained memory', of: retainedBytes };

/**
 * Fits y = a + b·x by ordinary least squares; the slope's interval is b ± t·SE(b) with
 * SE(b) = s / √Sxx and s² = SSE / (n − 2). Needs n ≥ 3 and some spread in x.
 */
export function fitSlope(xs: readonly number[], ys: readonly number[], confidence = 0.95): SlopeFit | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return undefined;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += xs[i]!;
    meanY += ys[i]!;
  }
  meanX /= n;
  meanY /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const sse = Math.max(0, syy - slope * sxy);
  const residualVar = sse / (n - 2);
  const se = Math.sqrt(residualVar / sxx);
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 2);
  let minX = Infinity;
  let maxX = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xs[i]!);
    maxX = Math.max(maxX, xs[i]!);
  }
  return {
    n,
    slope,
    intercept,
    ciLow: slope - t * se,
    ciHigh: slope + t * se,
    residualSd: Math.sqrt(residualVar),
    rSquared: syy > 0 ? 1 - sse / syy : 1,
    spanX: maxX - minX,
  };
}

/**
 * Marks which points to keep for the regression: a robust line first (Theil–Sen: the median of
 * pairwise slopes, intercept the median of y − b·x), then points whose residual exceeds 3.5 robust
 * standard deviations (1.4826 × the median absolute deviation, the Hampel identifier) are left
 * out, the largest first and at most a fifth of them. Why: an after-GC sample taken under load
 * also holds whatever requests are in flight at that instant, and autocannon paces each connection
 * in bursts per second, so now and then a sample lands on a burst and reads ~0.5 MB high; a few
 * such spikes widen an OLS interval enough to hide "no growth". A leak is a trend, not a spike,
 * so rejecting isolated spikes cannot hide one. Residuals below 16 KiB are never outliers.
 */
export function rejectOutliers(xs: readonly number[], ys: readonly number[]): boolean[] {
  const n = Math.min(xs.length, ys.length);
  const keep = new Array<boolean>(n).fill(true);
  if (n < 6) return keep;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  if (slopes.length === 0) return keep;
  const b = median(slopes);
  const a = median(Array.from({ length: n }, (_, i) => ys[i]! - b * xs[i]!));
  const residuals = Array.from({ length: n }, (_, i) => ys[i]! - (a + b * xs[i]!));
  const center = median(residuals);
  const sigma = Math.max(1.4826 * median(residuals.map((r) => Math.abs(r - center))), 16 * 1024);
  const candidates = residuals
    .map((r, i) => ({ i, dev: Math.abs(r - center) }))
    .filter((c) => c.dev > 3.5 * sigma)
    .sort((p, q) => q.dev - p.dev)
    .slice(0, Math.floor(n / 5));
  for (const c of candidates) keep[c.i] = false;
  return keep;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Decides `leak` / `no-leak` / `inconclusive` from after-GC samples (others are ignored), in the
 * order they were taken. See the file comment for the reasoning behind each threshold.
 */
export function growthTrend(samples: readonly MemorySample[], options: GrowthTrendOptions = {}): GrowthTrend {
  const { metric: _metric, ...tunables } = options;
  const o = { ...DEFAULTS, ...tunables };
  const metric = options.metric ?? RETAINED_METRIC;
  const afterGc = samples.filter((s) => s.afterGc);
  const keep = rejectOutliers(
    afterGc.map((s) => s.requests),
    afterGc.map(metric.of),
  );
  const points = afterGc.filter((_, i) => keep[i]);
  const outliers = afterGc.length - points.length;
  const xs = points.map((s) => s.requests);
  const ys = points.map(metric.of);
  const full = points.length >= 4 ? fitSlope(xs, ys, o.confidence) : undefined;
  const pct = Math.round(o.confidence * 100);

  if (!full) {
    return {
      verdict: 'inconclusive',
      statistic: {
        method: 'ols-after-gc',
        metric: metric.name,
        bytesPerRequest: 0,
        ciLowBytesPerRequest: 0,
        ciHighBytesPerRequest: 0,
        samples: points.length,
        growthBytes: 0,
        rSquared: 0,
        reason: `only ${points.length} after-GC samples spread over the requests; at least 4 are needed for a trend`,
      },
    };
  }

  // The later half of the window, by request count (at least 3 points): is it still growing?
  const half = Math.floor(points.length / 2);
  const late = points.length >= 6 ? fitSlope(xs.slice(half), ys.slice(half), o.confidence) : undefined;

  const growth = full.slope * full.spanX;
  const stat = (reason: string): GrowthStatistic => ({
    method: 'ols-after-gc',
    metric: metric.name,
    bytesPerRequest: round(full.slope, 3),
    ciLowBytesPerRequest: round(full.ciLow, 3),
    ciHighBytesPerRequest: round(full.ciHigh, 3),
    samples: full.n,
    growthBytes: Math.round(growth),
    rSquared: round(full.rSquared, 4),
    ...(outliers > 0 ? { outlierSamples: outliers } : {}),
    reason: outliers > 0 ? `${reason} (${outliers} outlying after-GC sample${outliers > 1 ? 's' : ''} left out)` : reason,
  });
  const out = (verdict: GrowthVerdict, reason: string): GrowthTrend =>
    late ? { verdict, statistic: stat(reason), late } : { verdict, statistic: stat(reason) };

  const ci = `${fmt(full.slope)} B/request (${pct}% CI ${fmt(full.ciLow)}…${fmt(full.ciHigh)})`;
  const over = `over ${full.spanX} requests`;
  const negligible = (f: SlopeFit): boolean =>
    f.ciHigh <= o.negligibleBytesPerRequest && f.ciHigh * f.spanX <= o.minGrowthBytes;

  const significant = full.ciLow > 0;
  const meaningful = growth >= o.minGrowthBytes;
  if (significant && meaningful) {
    if (late && negligible(late) && late.ciHigh < o.plateauRatio * full.slope) {
      return out(
        'no-leak',
        `${metric.label} grew ${mib(growth)} ${over} (${ci}) but levelled off: the later half grows at most ` +
          `${fmt(late.ciHigh)} B/request, so the growth is bounded (a cache filling up), not a leak`,
      );
    }
    if (!late || late.ciLow > 0) {
      return out(
        'leak',
        `${metric.label} (${metric.name} after GC) grows ${ci}: ${mib(growth)} ${over}` +
          (late ? `, still growing in the later half (${fmt(late.slope)} B/request)` : ''),
      );
    }
    return out(
      'inconclusive',
      `${metric.label} grew ${mib(growth)} ${over} (${ci}) but the later half neither confirms nor rules out ` +
        `further growth (${fmt(late.ciLow)}…${fmt(late.ciHigh)} B/request); run longer`,
    );
  }
  if (negligible(full)) {
    const bound = `at most ${mib(Math.max(0, full.ciHigh) * full.spanX)} ${over}`;
    return out(
      'no-leak',
      significant
        ? `growth ${ci} is measurable but negligible: ${bound}, below ${o.negligibleBytesPerRequest} B/request and ${mib(o.minGrowthBytes)}`
        : `no meaningful growth: ${ci} bounds growth to ${bound}`,
    );
  }
  if (late && full.slope > 0 && negligible(late) && late.ciHigh < o.plateauRatio * Math.max(full.ciHigh, 0)) {
    return out('no-leak', `growth ${ci} stopped: the later half grows at most ${fmt(late.ciHigh)} B/request`);
  }
  return out(
    'inconclusive',
    significant
      ? `growth is significant (${ci}) but only ${mib(growth)} ${over}, below the ${mib(o.minGrowthBytes)} that counts as meaningful; run longer`
      : `the data can neither show nor rule out growth: ${ci} ${over}; run longer or at a higher rate`,
  );
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1);
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

// ---------------------------------------------------------------------------------------------
// Student's t quantile for the confidence interval.
// CDF through the regularized incomplete beta function, evaluated with the continued fraction of
// Numerical Recipes (3rd ed., §6.4, modified Lentz's method); ln Γ by the Lanczos approximation
// (g = 7, 9 coefficients, Numerical Recipes §6.1). The quantile is found by bisection on the CDF:
// exact to ~1e-12 and called twice per run.
// ---------------------------------------------------------------------------------------------

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection formula: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), 0 ≤ x ≤ 1. */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile (0 < p < 1) of Student's t with `df` degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`studentTQuantile(${p}, ${df})`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
