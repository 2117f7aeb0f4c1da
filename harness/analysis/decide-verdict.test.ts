import { describe, expect, it } from 'vitest';
import type { Finding, GrowthStatistic } from '../types.js';
import { decideVerdict } from './decide-verdict.js';
import type { AnalysisResult } from './types.js';

function stat(bytesPerRequest: number): GrowthStatistic {
  return {
    method: 'ols-after-gc', metric: 'heapUsed+external', bytesPerRequest,
    ciLowBytesPerRequest: bytesPerRequest - 5, ciHighBytesPerRequest: bytesPerRequest + 5,
    samples: 8, growthBytes: bytesPerRequest * 40_000, rSquared: 0.9, reason: 'trend reason',
  };
}

const finding = { pattern: 'unbounded-map', holder: 'Map cache' } as Finding;

function analysis(verdict: AnalysisResult['verdict'], findings: Finding[] = []): AnalysisResult {
  return {
    schemaVersion: 1, verdict, reason: `snapshots say ${verdict}.`,
    pattern: findings.length > 0 ? 'unbounded-map' : 'none', findings,
    ...(findings.length > 0 ? { bytesPerRequest: 300 } : {}),
    snapshots: [], dismissed: [], timingsMs: {},
  };
}

describe('decideVerdict', () => {
  it('follows a snapshot leak and takes its pattern and rate', () => {
    const d = decideVerdict({ state: 'analyzed', result: analysis('leak', [finding]) }, { verdict: 'leak', statistic: stat(310) });
    expect(d).toMatchObject({ verdict: 'leak', pattern: 'unbounded-map', bytesPerRequest: 300 });
    expect(d.findings).toHaveLength(1);
    expect(d.reason).toMatch(/agrees/);
  });

  it('keeps a small snapshot leak the trend cannot resolve', () => {
    const d = decideVerdict({ state: 'analyzed', result: analysis('leak', [finding]) }, { verdict: 'no-leak', statistic: stat(2) });
    expect(d.verdict).toBe('leak');
  });

  it('is inconclusive when the trend grows but no object accumulates', () => {
    const d = decideVerdict({ state: 'analyzed', result: analysis('no-leak') }, { verdict: 'leak', statistic: stat(500) });
    expect(d).toMatchObject({ verdict: 'inconclusive', pattern: 'unknown' });
  });

  it('says no-leak when both agree', () => {
    const d = decideVerdict({ state: 'analyzed', result: analysis('no-leak') }, { verdict: 'no-leak', statistic: stat(1) });
    expect(d).toMatchObject({ verdict: 'no-leak', pattern: 'none' });
  });

  it('falls back to the trend, pattern unknown, without snapshots', () => {
    const d = decideVerdict({ state: 'none' }, { verdict: 'leak', statistic: stat(400) });
    expect(d).toMatchObject({ verdict: 'leak', pattern: 'unknown', bytesPerRequest: 400 });
    const e = decideVerdict({ state: 'errored', error: { code: 'E_SNAPSHOT_PARSE', message: 'truncated' } }, { verdict: 'no-leak', statistic: stat(0) });
    expect(e).toMatchObject({ verdict: 'no-leak', pattern: 'none' });
    expect(e.reason).toMatch(/truncated/);
  });
});
