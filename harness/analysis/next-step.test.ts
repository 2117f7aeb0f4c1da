import { describe, expect, it } from 'vitest';
import type { GrowthStatistic } from '../types.js';
import type { GrowthTrend } from './growth-trend.js';
import { MIN_SNAPSHOTS, nextStep } from './next-step.js';
import type { AnalysisResult } from './types.js';

const statistic: GrowthStatistic = {
  method: 'ols-after-gc', metric: 'heapUsed+external', bytesPerRequest: 0, ciLowBytesPerRequest: -1,
  ciHighBytesPerRequest: 1, samples: 10, growthBytes: 0, rSquared: 0, reason: 'trend reason',
};
const trend = (verdict: GrowthTrend['verdict']): GrowthTrend => ({ verdict, statistic });
const analysis = (verdict: AnalysisResult['verdict'], needsMore?: AnalysisResult['needsMore']): AnalysisResult => ({
  schemaVersion: 1, verdict, reason: '', pattern: 'none', findings: [], snapshots: [], dismissed: [], timingsMs: {},
  ...(needsMore ? { needsMore } : {}),
});
const base = { snapshots: 3, loadMs: 20_000, maxLoadMs: 120_000 };

describe('nextStep', () => {
  it('needs three snapshots (two steps) before anything', () => {
    expect(MIN_SNAPSHOTS).toBe(3);
    expect(nextStep({ ...base, snapshots: 2, analysis: analysis('leak'), trend: trend('leak') }).action).toBe('extend');
    expect(nextStep({ ...base, analysis: analysis('leak'), trend: trend('leak') }).action).toBe('decide');
  });

  it('extends while the analysis says more load could change it, and decides when the budget is spent', () => {
    const more = analysis('leak', { why: 'still-growing', holder: 'Map m', detail: 'Map m holds 40,000' });
    expect(nextStep({ ...base, analysis: more, trend: trend('leak') })).toMatchObject({ action: 'extend', distinctKeys: true });
    const slowing = analysis('leak', { why: 'slowing', holder: 'Map m', detail: 'slower' });
    expect(nextStep({ ...base, analysis: slowing, trend: trend('leak') })).toEqual({ action: 'extend', why: 'slower' });
    const spent = nextStep({ ...base, loadMs: 120_000, analysis: more, trend: trend('leak') });
    expect(spent.action).toBe('decide');
    expect(spent.why).toMatch(/budget \(120 s\) is spent while Map m holds 40,000/);
  });

  it('stops as soon as the diff is sure of a leak, even while the trend is undecided', () => {
    expect(nextStep({ ...base, analysis: analysis('leak'), trend: trend('inconclusive') }).action).toBe('decide');
  });

  it('extends a clean diff while the trend is undecided (a slow leak looks like this early)', () => {
    expect(nextStep({ ...base, analysis: analysis('no-leak'), trend: trend('inconclusive') }).action).toBe('extend');
    expect(nextStep({ ...base, analysis: analysis('no-leak'), trend: trend('no-leak') }).action).toBe('decide');
    expect(nextStep({ ...base, trend: trend('inconclusive') }).action).toBe('extend');
    expect(nextStep({ ...base, analysis: analysis('no-leak'), trend: trend('leak') }).action).toBe('extend');
  });
});
