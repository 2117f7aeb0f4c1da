/**
 * One verdict from two kinds of evidence about the same run:
 * - the snapshot diff (harness/analysis `analyzeSnapshots`): exact, object by object, names the
 *   holder and the pattern, and sees Buffers through their backing stores;
 * - the growth trend (`growthTrend`): a regression of after-GC `heapUsed + external` on requests,
 *   blind to *what* grows but also to nothing V8 reports.
 *
 * The snapshot diff leads, because it counts every retained object instead of inferring from
 * noisy totals: a 25-byte-per-request leak is below the trend's resolution on a short run but
 * plain in the diff. When the diff finds nothing while the trend is significant and meaningful,
 * memory grew somewhere the object graph does not explain, and the honest answer is
 * `inconclusive` with both figures, never a silent `no-leak`. Without snapshots (black-box runs,
 * or an analysis that failed) the trend decides and the pattern is `unknown`.
 *
 * Pure: plain data in, plain data out.
 */
import type { Finding, GrowthStatistic, LeakPattern } from '../types.js';
import type { GrowthVerdict } from './growth-trend.js';
import type { AnalysisResult } from './types.js';

/**
 * Share of the trend's slope that bounded structures must account for (their new bytes per request
 * in the diff) to explain a rising trend: a trend mostly made of a cache filling is not a leak.
 */
export const BOUNDED_TREND_SHARE = 0.5;

/** The verdict part of a run: what `VariantRun` carries. */
export interface DecidedVerdict {
  verdict: GrowthVerdict;
  pattern: LeakPattern;
  bytesPerRequest: number;
  reason: string;
  findings: Finding[];
}

/** What the snapshot analysis produced: a result, or the error that stopped it. */
export type SnapshotEvidence =
  | { state: 'analyzed'; result: AnalysisResult }
  | { state: 'errored'; error: { code: string; message: string } }
  | { state: 'none' };

/** Combines the snapshot evidence and the growth trend into the run's verdict. */
export function decideVerdict(
  snapshots: SnapshotEvidence,
  trend: { verdict: GrowthVerdict; statistic: GrowthStatistic },
): DecidedVerdict {
  const stat = trend.statistic;
  const trendText = `after-GC ${stat.metric} ${signed(stat.bytesPerRequest)} B/request (95% CI ${signed(stat.ciLowBytesPerRequest)} … ${signed(stat.ciHighBytesPerRequest)})`;

  if (snapshots.state !== 'analyzed') {
    const why =
      snapshots.state === 'errored'
        ? `the heap snapshots could not be analyzed (${snapshots.error.message}); `
        : 'no heap snapshots (black-box run); ';
    return {
      verdict: trend.verdict,
      pattern: trend.verdict === 'no-leak' ? 'none' : 'unknown',
      bytesPerRequest: stat.bytesPerRequest,
      reason: `${why}verdict from the growth trend: ${stat.reason}`,
      findings: [],
    };
  }

  const result = snapshots.result;
  if (result.verdict === 'leak') {
    return {
      verdict: 'leak',
      pattern: result.pattern,
      bytesPerRequest: result.bytesPerRequest ?? stat.bytesPerRequest,
      reason: `${result.reason} ${trend.verdict === 'leak' ? 'The growth trend agrees' : 'Growth trend'}: ${trendText}.`,
      findings: result.findings,
    };
  }
  // Growth the diff explains by bounded structures filling (lru-cache below its max, a ring buffer
  // not yet full) is not a leak even when the trend sees it: most of the trend's slope is theirs.
  const boundedRate = (result.bounded ?? []).reduce((sum, b) => sum + (b.bytesPerRequest ?? 0), 0);
  if (result.verdict === 'no-leak' && trend.verdict === 'leak' && boundedRate >= BOUNDED_TREND_SHARE * stat.bytesPerRequest) {
    return {
      verdict: 'no-leak',
      pattern: 'none',
      bytesPerRequest: stat.bytesPerRequest,
      reason: `${result.reason} Growth trend: ${trendText}, of which ${signed(boundedRate)} B/request is the bounded structure filling.`,
      findings: result.findings,
    };
  }
  if (result.verdict === 'no-leak' && trend.verdict === 'leak') {
    return {
      verdict: 'inconclusive',
      pattern: 'unknown',
      bytesPerRequest: stat.bytesPerRequest,
      reason:
        `The heap snapshots show no accumulating objects, yet ${trendText}: memory grew where the ` +
        'object graph does not explain it (native memory, or growth that began after the last snapshot). ' +
        'Run longer to decide.',
      findings: result.findings,
    };
  }
  return {
    verdict: result.verdict,
    pattern: result.verdict === 'no-leak' ? 'none' : result.pattern,
    bytesPerRequest: result.bytesPerRequest ?? stat.bytesPerRequest,
    reason: `${result.reason} Growth trend: ${trendText}.`,
    findings: result.findings,
  };
}

function signed(n: number): string {
  const rounded = Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
  return `${rounded >= 0 ? '+' : ''}${rounded}`;
}
