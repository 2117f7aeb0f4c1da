import { describe, expect, test } from 'vitest';
import type { MemorySample } from '../types.js';
import { fitSlope, growthTrend, rejectOutliers, studentTQuantile } from './growth-trend.js';

const MiB = 1024 * 1024;

/** Deterministic zero-mean noise in [-1, 1] (a fixed sequence, so tests never flake). */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** After-GC samples at `n` evenly spaced request counts, retained bytes from `bytesAt`. */
function samples(n: number, totalRequests: number, bytesAt: (requests: number, i: number) => number, externalAt?: (r: number) => number): MemorySample[] {
  return Array.from({ length: n }, (_, i) => {
    const requests = Math.round((totalRequests * i) / (n - 1));
    const external = externalAt ? externalAt(requests) : 1 * MiB;
    return {
      tMs: i * 2500,
      requests,
      heapUsedBytes: bytesAt(requests, i) - external + 1 * MiB,
      heapTotalBytes: 64 * MiB,
      externalBytes: external,
      arrayBuffersBytes: 0,
      rssBytes: 90 * MiB,
      afterGc: true,
    };
  });
}

describe('studentTQuantile', () => {
  test('matches published two-sided 95% critical values', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.3027, 3);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.5706, 3);
    expect(studentTQuantile(0.975, 7)).toBeCloseTo(2.3646, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0423, 3);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.1693, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-2.3646, 3);
  });
});

describe('fitSlope', () => {
  test('recovers an exact line with a zero-width interval', () => {
    const f = fitSlope([0, 10, 20, 30], [5, 25, 45, 65])!;
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(5, 12);
    expect(f.ciHigh - f.ciLow).toBeCloseTo(0, 9);
    expect(f.rSquared).toBeCloseTo(1, 12);
  });
  test('interval matches a hand computation', () => {
    // x = 1..5, y = 2,4,5,4,5: b = 0.6, s² = 2.4/3 = 0.8, Sxx = 10, SE = √0.08, t(0.975,3) = 3.1824
    const f = fitSlope([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])!;
    expect(f.slope).toBeCloseTo(0.6, 12);
    expect(f.ciHigh).toBeCloseTo(0.6 + 3.1824 * Math.sqrt(0.08), 3);
    expect(f.ciLow).toBeCloseTo(0.6 - 3.1824 * Math.sqrt(0.08), 3);
  });
  test('needs three points with spread in x', () => {
    expect(fitSlope([1, 2], [1, 2])).toBeUndefined();
    expect(fitSlope([3, 3, 3], [1, 2, 3])).toBeUndefined();
  });
});

describe('growthTrend', () => {
  test('a steady leak (300 B/request plus 150 KiB noise) is a leak with the slope inside its CI', () => {
    const t = growthTrend(samples(9, 40_000, (r, i) => 20 * MiB + 300 * r + 150_000 * noise(i)));
    expect(t.verdict).toBe('leak');
    expect(t.statistic.ciLowBytesPerRequest).toBeLessThan(300);
    expect(t.statistic.ciHighBytesPerRequest).toBeGreaterThan(300);
    expect(t.statistic.bytesPerRequest).toBeGreaterThan(250);
    expect(t.statistic.samples).toBe(9);
    expect(t.statistic.growthBytes).toBeGreaterThan(10 * MiB);
    expect(t.statistic.reason).toMatch(/grows/);
  });

  test('a Buffer leak that grows only in external memory is a leak', () => {
    const t = growthTrend(samples(9, 40_000, (r, i) => 20 * MiB + 16_384 * 0.05 * r + 100_000 * noise(i), (r) => 1 * MiB + 16_384 * 0.05 * r));
    expect(t.verdict).toBe('leak');
  });

  test('a flat heap with noise is no-leak, the CI bounding the growth', () => {
    const t = growthTrend(samples(9, 40_000, (_r, i) => 20 * MiB + 150_000 * noise(i)));
    expect(t.verdict).toBe('no-leak');
    expect(t.statistic.ciHighBytesPerRequest).toBeLessThan(32);
    expect(t.statistic.ciLowBytesPerRequest).toBeLessThan(0);
  });

  test('a bounded cache that fills during the run, then plateaus, is not a leak', () => {
    // 500 B/request until a 6 MiB cap (reached at ~12.6k of 40k requests), then flat.
    const t = growthTrend(samples(17, 40_000, (r, i) => 20 * MiB + Math.min(6 * MiB, 500 * r) + 80_000 * noise(i)));
    expect(t.verdict).toBe('no-leak');
    expect(t.statistic.ciLowBytesPerRequest).toBeGreaterThan(0);
    expect(t.statistic.reason).toMatch(/levelled off/);
    expect(t.late!.ciHigh).toBeLessThan(32);
  });

  test('significant growth too small to matter (8 B/request, 0.3 MiB) is no-leak and says so', () => {
    const t = growthTrend(samples(9, 40_000, (r, i) => 20 * MiB + 8 * r + 1_000 * noise(i)));
    expect(t.statistic.ciLowBytesPerRequest).toBeGreaterThan(0);
    expect(t.verdict).toBe('no-leak');
    expect(t.statistic.reason).toMatch(/negligible/);
  });

  test('significant growth above the per-request bound but under 1 MiB in total is inconclusive', () => {
    const t = growthTrend(samples(9, 20_000, (r, i) => 20 * MiB + 40 * r + 1_000 * noise(i)));
    expect(t.statistic.ciLowBytesPerRequest).toBeGreaterThan(32);
    expect(t.statistic.growthBytes).toBeLessThan(MiB);
    expect(t.verdict).toBe('inconclusive');
    expect(t.statistic.reason).toMatch(/run longer/);
  });

  test('noise too large to bound the slope is inconclusive', () => {
    const t = growthTrend(samples(9, 40_000, (_r, i) => 20 * MiB + 4 * MiB * noise(i)));
    expect(t.verdict).toBe('inconclusive');
  });

  test('a short run with few requests cannot claim no-leak even when flat-ish', () => {
    const t = growthTrend(samples(5, 1_000, (_r, i) => 20 * MiB + 150_000 * noise(i)));
    expect(t.verdict).toBe('inconclusive');
  });

  test('too few after-GC samples is inconclusive; samples without a GC are ignored', () => {
    const s = samples(9, 40_000, (r) => 20 * MiB + 300 * r).map((x, i) => ({ ...x, afterGc: i < 3 }));
    const t = growthTrend(s);
    expect(t.verdict).toBe('inconclusive');
    expect(t.statistic.samples).toBe(3);
  });

  test('isolated spikes (a sample landing on a burst of in-flight requests) do not hide no-leak', () => {
    const flat = (_r: number, i: number): number => 20 * MiB + 50_000 * noise(i) + (i === 5 || i === 11 ? 600_000 : 0);
    const t = growthTrend(samples(17, 10_000, flat));
    expect(t.verdict).toBe('no-leak');
    expect(t.statistic.outlierSamples).toBe(2);
    expect(t.statistic.samples).toBe(15);
    expect(t.statistic.reason).toMatch(/2 outlying after-GC samples left out/);
    // The same data by plain OLS would be too noisy to rule growth out.
    const all = samples(17, 10_000, flat);
    const ols = fitSlope(all.map((s) => s.requests), all.map((s) => s.heapUsedBytes + s.externalBytes))!;
    expect(ols.ciHigh).toBeGreaterThan(32);
  });

  test('spikes do not hide a leak either', () => {
    const t = growthTrend(samples(17, 20_000, (r, i) => 20 * MiB + 200 * r + 50_000 * noise(i) + (i === 7 ? 800_000 : 0)));
    expect(t.verdict).toBe('leak');
    expect(t.statistic.ciLowBytesPerRequest).toBeLessThan(200);
    expect(t.statistic.ciHighBytesPerRequest).toBeGreaterThan(200);
  });
});

describe('rejectOutliers', () => {
  test('keeps everything on a clean line, with few points, or below the 16 KiB floor', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(rejectOutliers(xs, xs.map((x) => 100 * x)).every(Boolean)).toBe(true);
    expect(rejectOutliers(xs, xs.map((x, i) => 100 * x + (i === 3 ? 10_000 : 0))).every(Boolean)).toBe(true);
    expect(rejectOutliers([0, 1, 2, 3, 4], [0, 0, 9e9, 0, 0]).every(Boolean)).toBe(true);
  });
  test('drops at most a fifth of the points, the largest deviations first', () => {
    const xs = Array.from({ length: 10 }, (_, i) => i * 1000);
    const ys = xs.map((_, i) => 1e7 + (i === 2 ? 5e6 : i === 6 ? 3e6 : i === 8 ? 1e6 : 0));
    expect(rejectOutliers(xs, ys)).toEqual([true, true, false, true, true, true, false, true, true, true]);
  });
});

