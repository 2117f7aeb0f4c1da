/**
 * One verdict from the kinds of evidence about the same run:
 * - the snapshot diff (harness/analysis `analyzeSnapshots`): exact, object by object, names the
 *   holder and the pattern, and sees Buffers through their backing stores;
 * - the growth trend (`growthTrend`): a regression of after-GC `heapUsed + external` on requests,
 *   blind to *what* grows but also to nothing V8 reports;
 * - the run's phases (growth-drivers.ts): growth per second with no traffic (driven by time), and
 *   the trend of memory outside the JS heap (RSS − heapTotal − external).
 *
 * The snapshot diff leads, because it counts every retained object instead of inferring from
 * noisy totals: a 25-byte-per-request leak is below the trend's resolution on a short run but
 * plain in the diff. A diff leak that the run could not yet tell from a bounded structure still
 * filling (`needsMore`, once the run stopped loading) is `inconclusive`, with the bound it has
 * ruled out. When the diff names no holder while the trend shows meaningful growth still rising
 * in the later half of the window, the answer is `inconclusive` with that true reason (growth
 * spread over many holders, or a structure that grows and sheds in turns — a TTL cache at a
 * rising request rate does this), never a silent `no-leak` nor a made-up "native memory": memory
 * outside the JS heap has its own trend and floor. Without snapshots (black-box runs, or an
 * analysis that failed) the trend decides and the pattern is `unknown`.
 *
 * Pure: plain data in, plain data out.
 */
import type { Finding, GrowthStatistic, IdleGrowth, LeakPattern, MemorySample } from '../types.js';
import { idleGrowth, nativeTrend } from './growth-drivers.js';
import type { GrowthTrend, GrowthVerdict } from './growth-trend.js';
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
  /** `time` when the idle phase shows the growth goes on without requests. */
  drivenBy?: 'time';
  idleGrowth?: IdleGrowth;
  nativeStatistic?: GrowthStatistic;
}

/** What the snapshot analysis produced: a result, or the error that stopped it. */
export type SnapshotEvidence =
  | { state: 'analyzed'; result: AnalysisResult }
  | { state: 'errored'; error: { code: string; message: string } }
  | { state: 'none' };

/**
 * The run's samples, for the evidence beyond the diff and the trend. Passing it also says the run
 * followed the run protocol (loaded until `nextStep` said decide).
 */
export interface RunContext {
  /** Every memory sample of the run, tagged with its phase. */
  samples: readonly MemorySample[];
  /** Load time (ms since load start) of the baseline: the native trend starts there. */
  baselineMs?: number;
  /** When the run's snapshots were taken (ms since load start): RSS steps up at each (growth-drivers.ts). */
  snapshotTimesMs?: readonly number[];
}

/** Combines the snapshot evidence, the growth trend and the run's phases into the run's verdict. */
export function decideVerdict(
  snapshots: SnapshotEvidence,
  trend: { verdict: GrowthVerdict; statistic: GrowthStatistic },
  run?: RunContext,
): DecidedVerdict {
  const decided = decideHeap(snapshots, trend, run !== undefined);
  if (run === undefined) return decided;
  // The idle is compared with the growth the verdict is about: the diff's holders per second
  // when the diff found a leak; nothing when no growth per request was shown (the idle's growth
  // is then all there is); the after-GC load samples for a verdict from the trend alone.
  const diffRate = snapshots.state === 'analyzed' && snapshots.result.verdict === 'leak' ? snapshots.result.bytesPerRequest : undefined;
  const idle = idleGrowth(
    run.samples,
    decided.verdict !== 'leak' ? { from: 'none' } : diffRate !== undefined ? { from: 'diff', bytesPerRequest: diffRate } : undefined,
  );
  const native: GrowthTrend = nativeTrend(run.samples, run.baselineMs ?? 0, run.snapshotTimesMs ?? []);
  const out: DecidedVerdict = { ...decided, nativeStatistic: native.statistic };
  if (idle !== undefined) {
    out.idleGrowth = idle;
    if (idle.drivenByTime) {
      out.drivenBy = 'time';
      if (out.verdict === 'leak') {
        out.reason += ` Driven by time: ${idle.reason}.`;
      } else {
        out.verdict = 'leak';
        out.pattern = 'unknown';
        out.reason = `${cap(idle.reason)}. ${out.reason}`;
      }
    }
  }
  // Memory outside the JS heap: its own trend, its own floor (growth-drivers.ts).
  if (native.verdict === 'leak') {
    const text = `memory outside the JS heap (RSS − heapTotal − external after GC) grows ${signed(native.statistic.bytesPerRequest)} B/request (95% CI ${signed(native.statistic.ciLowBytesPerRequest)} … ${signed(native.statistic.ciHighBytesPerRequest)}): native memory that no heap snapshot holds (addons, zlib, TLS, allocator retention)`;
    if (out.verdict === 'leak') out.reason += ` Also, ${text}.`;
    else {
      out.verdict = 'leak';
      out.pattern = 'unknown';
      out.bytesPerRequest = native.statistic.bytesPerRequest;
      out.reason = `${cap(text)}. ${out.reason}`;
    }
  }
  return out;
}

/**
 * The heap evidence's verdict. `loadedToDecide`: the run kept loading until nextStep said decide,
 * so an analysis that still needs more load ran out of budget (without the run protocol, e.g. a
 * fixed three-snapshot sequence, the diff's leak stands with its caveat in the reason).
 */
function decideHeap(
  snapshots: SnapshotEvidence,
  trend: { verdict: GrowthVerdict; statistic: GrowthStatistic },
  loadedToDecide: boolean,
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
      reason: `${why}verdict from the growth trend: ${stat.reason}.`,
      findings: [],
    };
  }

  const result = snapshots.result;
  if (result.verdict === 'leak' && result.needsMore !== undefined && loadedToDecide) {
    // The run stopped loading (its budget spent) before it could tell a leak from a bounded
    // structure still filling: say what was ruled out, not a guess.
    const requests = result.snapshots[result.snapshots.length - 1]?.requests;
    const count = requests === undefined ? '' : ` ${requests.toLocaleString('en-US')} requests`;
    const open =
      result.needsMore.why === 'filled'
        ? `Grew at every step${count && ` until${count}`}: ${result.needsMore.detail}; the load budget ran out before a step could show whether it stops there`
        : `Still growing${count && ` after${count}`}: ${result.needsMore.detail}. If it is bounded, the bound is above what this run reached`;
    return {
      verdict: 'inconclusive',
      pattern: result.pattern,
      bytesPerRequest: result.bytesPerRequest ?? stat.bytesPerRequest,
      reason: `${open}. Run longer (--max-duration) to decide. Growth trend: ${trendText}.`,
      findings: result.findings,
    };
  }
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
    // Not `leak`: a 6 s TTL cache at a rising request rate shows exactly this (measured: +84
    // B/request, still growing in the later half) and holds nothing for good. Not "native memory"
    // either: this metric is the JS heap and its external memory.
    const grew = result.dismissed.filter((d) => d.why === 'plateau' || d.why === 'churn').map((d) => d.holder).slice(0, 3);
    return {
      verdict: 'inconclusive',
      pattern: 'unknown',
      bytesPerRequest: stat.bytesPerRequest,
      reason:
        `The heap grew per request (${trendText}, still growing in the later half of the window), ` +
        'but no container grew at every step between the snapshots: the growth is spread over many small holders, ' +
        'or a structure grows and sheds in turns' +
        (grew.length > 0 ? ` (holders that grew in some steps: ${grew.join(', ')})` : '') +
        '. Run longer to decide.',
      findings: result.findings,
    };
  }
  if (result.verdict === 'no-leak' && trend.verdict === 'inconclusive' && stat.ciLowBytesPerRequest > 0 && loadedToDecide) {
    return {
      verdict: 'inconclusive',
      pattern: 'unknown',
      bytesPerRequest: stat.bytesPerRequest,
      reason:
        `No container grew at every step, but the growth trend is significant (${trendText}) and not yet decided: ${stat.reason}.`,
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

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function signed(n: number): string {
  const rounded = Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
  return `${rounded >= 0 ? '+' : ''}${rounded}`;
}
