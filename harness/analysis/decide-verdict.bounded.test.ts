/** The run verdict when the diff explains a rising trend by bounded structures filling (issue 15). */
import { describe, expect, it } from 'vitest';
import type { GrowthStatistic } from '../types.js';
import { BOUNDED_TREND_SHARE, decideVerdict } from './decide-verdict.js';
import type { AnalysisResult } from './types.js';

function stat(bytesPerRequest: number): GrowthStatistic {
  return {
    method: 'ols-after-gc', metric: 'heapUsed+external', bytesPerRequest,
    ciLowBytesPerRequest: bytesPerRequest - 5, ciHighBytesPerRequest: bytesPerRequest + 5,
    samples: 8, growthBytes: bytesPerRequest * 40_000, rSquared: 0.9, reason: 'trend reason',
  };
}

function boundedResult(boundedBytesPerRequest: number): AnalysisResult {
  return {
    schemaVersion: 1, verdict: 'no-leak', reason: 'No container grows without bound.', pattern: 'none', findings: [],
    snapshots: [], dismissed: [], timingsMs: {},
    bounded: [{ holder: 'LRUCache sessions', capacity: 200_000, filled: 32_000, plateauBytes: 35e6, bytesPerRequest: boundedBytesPerRequest }],
  };
}

describe('decideVerdict with bounded growth', () => {
  it('a rising trend that is mostly a bounded structure filling is no-leak', () => {
    expect(BOUNDED_TREND_SHARE).toBe(0.5);
    const d = decideVerdict({ state: 'analyzed', result: boundedResult(100) }, { verdict: 'leak', statistic: stat(200) });
    expect(d.verdict).toBe('no-leak');
    expect(d.reason).toMatch(/\+100 B\/request is the bounded structure filling/);
  });

  it('a trend twice the bounded growth and more stays inconclusive', () => {
    const d = decideVerdict({ state: 'analyzed', result: boundedResult(99) }, { verdict: 'leak', statistic: stat(200) });
    expect(d.verdict).toBe('inconclusive');
  });
});
