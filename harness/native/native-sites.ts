/**
 * From live bytes per allocation site at the baseline, middle and final instants (heaptrack for
 * native servers, tracemalloc for Python) to findings and a verdict. Pure: plain data in, plain
 * data out.
 *
 * A site *grows* when its live bytes rose by at least {@link SITE_FLOOR_BYTES_PER_REQUEST} per
 * request in every step (baseline→middle and middle→final): a static map's insert site does, a
 * bounded ring's grows once and stops (listed apart as *bounded*), start-up buffers and
 * per-request temporaries do not move. These tools see where memory was allocated, not what keeps
 * it alive: a finding's holder is unknown.
 */
import type { Finding, GrowthStatistic, Verdict } from '../types.js';
import type { NativeFrame, SiteWindows } from './heaptrack-trace.js';

/** Least growth per request, in every step, for a site to count as growing (and as bounded in its first step). */
export const SITE_FLOOR_BYTES_PER_REQUEST = 8;
/** Fewer allocations per request than this between the instants: the tool did not see the server's allocator. */
export const MIN_SEEN_ALLOCATIONS_PER_REQUEST = 0.5;
/** Below this share of allocation stacks with a file and line, the build has no usable debug info. */
export const MIN_SHARE_WITH_FILE = 0.5;

/** Which tool read the sites. */
export type SiteTool = 'heaptrack' | 'tracemalloc';

/** One site's growth over the run. */
export interface SiteGrowth {
  frame: NativeFrame;
  callers: string[];
  outsideOwnCode: boolean;
  liveBytes: number[];
  liveCount: number[];
  /** Growth of live bytes per step, and the requests of each step. */
  bytesPerStep: number[];
  requestsPerStep: number[];
  /** (final − baseline) live bytes / requests in between. */
  bytesPerRequest: number;
  /** New live allocations per request (final − baseline live count / requests). */
  allocationsPerRequest: number;
}

/** What the site reading adds to a run (report.json `native`). */
export interface NativeSitesEvidence {
  tool: SiteTool;
  /** Sites that grew at every step, largest first. */
  growing: SiteGrowth[];
  /** Sites that grew in the first step and then stopped (bounded containers, warm-up). */
  bounded: SiteGrowth[];
  /** Requests at the baseline, middle and final instants. */
  requestsAtInstants: number[];
  /** Allocations the tool saw per request between the first and the last instant (heaptrack). */
  allocationsSeenPerRequest?: number;
  /** What the tool could not see, in words; empty when it saw everything it needs. */
  unseen: string[];
  /** Extra cost of the tool, when measured or known (e.g. `tracemalloc, 1 frame: ~2× CPU per request`). */
  overhead?: string;
}

/** Splits sites into growing at every step and bounded (grew, then stopped); own code first, then by bytes per request. */
export function classifySites(sites: readonly SiteWindows[], requestsAtInstants: readonly number[]): { growing: SiteGrowth[]; bounded: SiteGrowth[] } {
  const growing: SiteGrowth[] = [];
  const bounded: SiteGrowth[] = [];
  const steps = requestsAtInstants.length - 1;
  if (steps < 1) return { growing, bounded };
  const total = requestsAtInstants[steps]! - requestsAtInstants[0]!;
  for (const site of sites) {
    const bytesPerStep: number[] = [];
    const requestsPerStep: number[] = [];
    for (let k = 1; k <= steps; k++) {
      bytesPerStep.push(site.liveBytes[k]! - site.liveBytes[k - 1]!);
      requestsPerStep.push(requestsAtInstants[k]! - requestsAtInstants[k - 1]!);
    }
    const rate = (k: number): number => (requestsPerStep[k]! > 0 ? bytesPerStep[k]! / requestsPerStep[k]! : 0);
    const everyStep = bytesPerStep.every((_, k) => rate(k) >= SITE_FLOOR_BYTES_PER_REQUEST);
    const firstOnly = !everyStep && rate(0) >= SITE_FLOOR_BYTES_PER_REQUEST;
    if (!everyStep && !firstOnly) continue;
    const growth: SiteGrowth = {
      frame: site.frame,
      callers: site.callers,
      outsideOwnCode: site.outsideOwnCode,
      liveBytes: site.liveBytes,
      liveCount: site.liveCount,
      bytesPerStep,
      requestsPerStep,
      bytesPerRequest: total > 0 ? (site.liveBytes[steps]! - site.liveBytes[0]!) / total : 0,
      allocationsPerRequest: total > 0 ? (site.liveCount[steps]! - site.liveCount[0]!) / total : 0,
    };
    (everyStep ? growing : bounded).push(growth);
  }
  const bySize = (a: SiteGrowth, b: SiteGrowth): number => Number(a.outsideOwnCode) - Number(b.outsideOwnCode) || b.bytesPerRequest - a.bytesPerRequest || b.liveBytes.at(-1)! - a.liveBytes.at(-1)!;
  return { growing: growing.sort(bySize), bounded: bounded.sort(bySize) };
}

/** Blind spots of a heaptrack reading, in words. */
export function heaptrackBlindSpots(reading: { allocationsBetween: number; framesTotal: number; framesWithFile: number; framesNamed: number }, requests: number): string[] {
  const unseen: string[] = [];
  const perRequest = requests > 0 ? reading.allocationsBetween / requests : 0;
  if (requests > 0 && perRequest < MIN_SEEN_ALLOCATIONS_PER_REQUEST) {
    unseen.push(
      `heaptrack saw ${perRequest.toFixed(2)} allocations per request: the server's allocations do not go through the C library's malloc (a statically linked allocator such as jemalloc or mimalloc, a static binary, or its own arenas), so growth there is invisible to it`,
    );
  }
  if (reading.framesTotal > 0 && reading.framesWithFile / reading.framesTotal < MIN_SHARE_WITH_FILE) {
    const named = reading.framesNamed / reading.framesTotal >= MIN_SHARE_WITH_FILE;
    unseen.push(
      named
        ? 'most allocation stacks have no file:line: the server was built without debug info (Rust: `debug = 1` in the release profile; C/C++: `-g`), so sites are named by function only'
        : 'most allocation stacks have neither function names nor file:line: the binary is stripped and has no debug info, so sites are named by module only',
    );
  }
  return unseen;
}

/** Findings for the growing sites: where the memory was allocated; what holds it is unknown. */
export function siteFindings(evidence: NativeSitesEvidence): Finding[] {
  const toolText = evidence.tool === 'heaptrack' ? 'heaptrack (every malloc/free with its stack)' : 'tracemalloc (Python allocations with their traceback)';
  return evidence.growing.map((g) => {
    const where = g.frame.file ? `${g.frame.file}:${g.frame.line}` : g.frame.module || '(unknown)';
    const fn = g.frame.functionName || '(unknown function)';
    return {
      pattern: 'unknown',
      // Allocation stacks show no heap shape (map, array, listeners…): the mechanism is unknown.
      mechanism: 'unknown',
      confidence: g.outsideOwnCode || !g.frame.file ? 'low' : 'medium',
      holder: 'unknown (allocation sites show where memory was allocated, not what keeps it alive)',
      path: [],
      growth: { counts: g.liveCount, retainedBytes: g.liveBytes },
      bytesPerRequest: g.bytesPerRequest,
      accumulates: [{ name: `${fn} at ${where}`, count: g.liveCount.at(-1)! - g.liveCount[0]!, bytes: g.liveBytes.at(-1)! - g.liveBytes[0]! }],
      explanation: `Memory allocated at ${where} (${fn}) stays alive and grows by ${g.bytesPerRequest.toFixed(1)} B and ${g.allocationsPerRequest.toFixed(2)} allocations per request at every step, measured by ${toolText}.${g.callers.length ? ` Called from ${g.callers.join(' ← ')}.` : ''}`,
      fix: 'Find the container this allocation is stored into (a static or long-lived map, list, listener registry or cache) and bound it: an eviction policy or capacity, removal when the request or connection ends, or keep only small owned values.',
      allocatedAt: [
        {
          functionName: fn,
          file: g.frame.file || g.frame.module,
          line: g.frame.line,
          column: 0,
          bytes: g.liveBytes.at(-1)! - g.liveBytes[0]!,
          count: g.liveCount.at(-1)! - g.liveCount[0]!,
          share: 1,
          ...(g.callers.length ? { callers: g.callers } : {}),
        },
      ],
      bytesPerStep: g.bytesPerStep,
      requestsPerStep: g.requestsPerStep,
      evidence: evidence.tool,
    };
  });
}

/** The verdict of a run with site evidence and the RSS trend of the same run. */
export function combineSitesWithTrend(evidence: NativeSitesEvidence, trend: { verdict: Verdict; statistic: GrowthStatistic }): { verdict: Verdict; bytesPerRequest: number; reason: string } {
  const seen = evidence.unseen.length ? ` Could not see: ${evidence.unseen.join('; ')}.` : '';
  const blind = evidence.tool === 'heaptrack' && evidence.unseen.some((u) => u.startsWith('heaptrack saw'));
  if (evidence.growing.length > 0) {
    const bytesPerRequest = evidence.growing.reduce((s, g) => s + g.bytesPerRequest, 0);
    const top = evidence.growing[0]!;
    const where = top.frame.file ? `${top.frame.file}:${top.frame.line}` : top.frame.module;
    return {
      verdict: 'leak',
      bytesPerRequest,
      reason: `${evidence.growing.length} allocation site(s) grew at every step (${evidence.tool}), ${bytesPerRequest.toFixed(1)} B/request in all, most at ${where}; RSS trend: ${trend.verdict}.${seen}`,
    };
  }
  if (trend.verdict === 'leak') {
    return {
      verdict: blind ? 'leak' : 'inconclusive',
      bytesPerRequest: trend.statistic.bytesPerRequest,
      reason: blind
        ? `RSS grew (${trend.statistic.reason}); no allocation site can be named.${seen}`
        : `RSS grew (${trend.statistic.reason}) but no allocation site seen by ${evidence.tool} grew at every step: the growth is outside the allocations it traces (mmap, a custom allocator's arenas, fragmentation) or too small per site.${seen}`,
    };
  }
  return {
    verdict: trend.verdict,
    bytesPerRequest: 0,
    reason: `no allocation site grew at every step (${evidence.tool}; ${evidence.bounded.length} bounded site(s) grew once and stopped); RSS trend: ${trend.verdict}.${seen}`,
  };
}
