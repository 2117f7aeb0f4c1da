/**
 * Per-endpoint attribution (`--per-endpoint`): after the warm-up (the whole workload, so every
 * route's one-time set-up is behind the baseline), each endpoint gets its own window of two load
 * segments between three snapshots, one endpoint after the other:
 *
 *   baseline → [e1] → snap → [e1] → snap → [e2] → snap → [e2] → snap → …
 *
 * Each window is analysed by the same leak finder as a whole run (a holder must grow at both steps,
 * by at least the same floors), on that endpoint's requests alone, so a finding in a window is
 * growth caused by that endpoint. The run's snapshot evidence is the union of the windows; key
 * residency comes from the last window (its final snapshot is the run's).
 */
import type { EndpointGrowth, Finding } from '../types.js';
import type { SnapshotEvidence } from '../analysis/decide-verdict.js';
import type { AnalysisResult } from '../analysis/types.js';
import type { RequestSource } from '../load/request-source.js';

/** One endpoint's load: its name and the source that sends only its requests. */
export interface EndpointSegment {
  endpoint: string;
  source: RequestSource;
}

/** Load segments per endpoint window (two: growth must repeat, as in a whole run). */
export const SEGMENTS_PER_ENDPOINT = 2;

/** Seconds of load per segment: the measured duration split over the windows, at least 1 s. */
export function endpointSegmentMs(durationSec: number, endpoints: number): number {
  return Math.max(1000, (durationSec * 1000) / (endpoints * SEGMENTS_PER_ENDPOINT));
}

/** Snapshot indexes (into the run's list, baseline = 0) of endpoint `i`'s window. */
export function endpointWindow(i: number): number[] {
  return [0, 1, 2].map((k) => i * SEGMENTS_PER_ENDPOINT + k);
}

/** The table row of one endpoint from its window's evidence. */
export function endpointRow(endpoint: string, requests: number, evidence: SnapshotEvidence): EndpointGrowth {
  if (evidence.state !== 'analyzed') {
    return { endpoint, requests, verdict: 'errored', bytesPerRequest: 0, holders: [], ...(evidence.state === 'errored' ? { reason: evidence.error.message } : {}) };
  }
  const r = evidence.result;
  return {
    endpoint,
    requests,
    verdict: r.verdict,
    bytesPerRequest: round1(r.bytesPerRequest ?? 0),
    holders: r.findings.map((f) => ({ holder: f.holder, pattern: f.pattern, bytesPerRequest: round1(f.bytesPerRequest ?? 0) })),
  };
}

/**
 * The run's snapshot evidence from the windows: the findings of every window that found a leak
 * (largest first, each holder once), led by the window with the most bytes per request.
 */
export function mergeEndpointEvidence(windows: Array<{ endpoint: string; evidence: SnapshotEvidence }>): SnapshotEvidence {
  const analyzed = windows.flatMap((w) => (w.evidence.state === 'analyzed' ? [{ endpoint: w.endpoint, result: w.evidence.result }] : []));
  if (analyzed.length === 0) return windows[0]?.evidence ?? { state: 'none' };
  const leaking = analyzed.filter((w) => w.result.verdict === 'leak').sort((a, b) => (b.result.bytesPerRequest ?? 0) - (a.result.bytesPerRequest ?? 0));
  if (leaking.length === 0) {
    const lead = analyzed.find((w) => w.result.verdict === 'inconclusive') ?? analyzed[analyzed.length - 1]!;
    return { state: 'analyzed', result: { ...lead.result, reason: `per endpoint (${analyzed.length} windows): ${lead.result.reason}` } };
  }
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const w of leaking) {
    for (const f of w.result.findings) {
      if (seen.has(f.holder)) continue;
      seen.add(f.holder);
      findings.push(f);
    }
  }
  const lead = leaking[0]!;
  const names = leaking.map((w) => w.endpoint).join(', ');
  const result: AnalysisResult = {
    ...lead.result,
    findings,
    reason: `Per endpoint, memory accumulated while ${names} ${leaking.length === 1 ? 'was' : 'were'} under load. ${lead.endpoint}: ${lead.result.reason}`,
  };
  return { state: 'analyzed', result };
}

/**
 * Analyses each endpoint's window with `analyze` (given the window's snapshot indexes) and returns
 * the table rows and the run's merged evidence. A window without a response is an errored row.
 */
export async function analyzeEndpointWindows(
  endpoints: readonly EndpointSegment[],
  windowRequests: readonly number[],
  analyze: (snapshotIndexes: number[], lastWindow: boolean) => Promise<SnapshotEvidence>,
  onWindow: (endpoint: string) => void = () => {},
): Promise<{ evidence: SnapshotEvidence; endpoints: EndpointGrowth[] }> {
  const windows: Array<{ endpoint: string; evidence: SnapshotEvidence }> = [];
  for (const [i, { endpoint }] of endpoints.entries()) {
    onWindow(endpoint);
    const evidence: SnapshotEvidence = windowRequests[i]
      ? await analyze(endpointWindow(i), i === endpoints.length - 1)
      : { state: 'errored', error: { code: 'E_LOAD', message: 'no response to this endpoint in its window' } };
    windows.push({ endpoint, evidence });
  }
  let evidence = mergeEndpointEvidence(windows);
  // Run-wide results the last window carries (key residency searches the run's final snapshot).
  const last = windows[windows.length - 1]?.evidence;
  if (evidence.state === 'analyzed' && last?.state === 'analyzed' && last.result.keyResidency && evidence.result !== last.result) {
    evidence = { state: 'analyzed', result: { ...evidence.result, keyResidency: last.result.keyResidency } };
  }
  return { evidence, endpoints: windows.map((w, i) => endpointRow(w.endpoint, windowRequests[i] ?? 0, w.evidence)) };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
