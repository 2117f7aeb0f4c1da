/**
 * A measurement in the words a person reads a finding in: what holds the memory (holder and the
 * path from the nearest thing the test's code wrote), what accumulates, how much per call, and
 * which line allocated it. Used as the failure message of the assertions.
 */
import { formatBytes, formatCount } from '../report/format-units.js';
import type { AllocationSite, Finding, PathStep } from '../types.js';
import type { LeakMeasurement } from './measure-leak.js';

/** What the assertion expected. */
export type LeakExpectation = 'no-leak' | 'leak';

/** The measurement's own files: never shown as an allocation site or a caller. */
const OWN_FILES = /(?:^|[\\/])harness[\\/]testing[\\/](?:measure-leak|in-process-inspector|settle|leak-assertions|vitest-matcher)\.[cm]?[jt]s$/;

/** `1000` → `1,000 calls`. */
function calls(n: number): string {
  return `${formatCount(n)} call${n === 1 ? '' : 's'}`;
}

/** Bytes per call, readable at any size: `72 B`, `1.2 kB`. */
export function formatBytesPerCall(bytes: number): string {
  return bytes >= 1000 ? formatBytes(bytes) : `${bytes.toFixed(bytes >= 100 || Number.isInteger(bytes) ? 0 : 1)} B`;
}

/**
 * The path in people's words: the finding's anchor path (from the nearest variable, `globalThis`
 * property or class static the user's code names, harness/analysis/human-path.ts `anchorPath`), e.g.
 * `module scope of cache.ts → keyCache: Map`; without one, DevTools' path from its last scope.
 */
export function humanTrail(f: Pick<Finding, 'path' | 'anchorPath'>): string {
  // The folded first step (`Node internals: …`, the loader or the runner that holds the module)
  // says nothing a person acts on in a one-line "held by".
  const anchored = f.anchorPath?.filter((s) => s.edgeType !== 'folded');
  if (anchored !== undefined && anchored.length > 0) return renderSteps(anchored);
  const path = f.path;
  if (path.length === 0) return '(no path from the GC roots)';
  let from = 0;
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]!.node;
    if (node.startsWith('(module scope') || node.startsWith('(closure scope') || node === 'globalThis') {
      from = i;
      break;
    }
  }
  return renderSteps(path.slice(from));
}

function renderSteps(steps: readonly PathStep[]): string {
  return steps
    .map((s, i) => (i === 0 || s.edge === '' ? s.node : `${s.edge}: ${s.node}`))
    .join(' → ');
}

/** The allocation sites outside the measurement's own code. */
export function userSites(f: Finding): AllocationSite[] {
  return (f.allocatedAt ?? []).filter((s) => !OWN_FILES.test(s.file));
}

function siteLine(s: AllocationSite): string {
  return `${s.file}:${s.line}:${s.column} ${s.functionName} (${Math.round(s.share * 100)}%)`;
}

/** One finding as a block of lines. */
export function formatFinding(f: Finding): string[] {
  const perCall = typeof f['bytesPerIteration'] === 'number' ? (f['bytesPerIteration'] as number) : f.bytesPerRequest;
  const out = [`${f.holder} grows at every round${perCall === undefined ? '' : `: +${formatBytesPerCall(perCall)} per call`}`];
  out.push(`  held by:       ${humanTrail(f)}`);
  const kept = f.accumulates.slice(0, 4).map((a) => `${a.name} ×${formatCount(a.count)} (${formatBytes(a.bytes)})`);
  if (kept.length > 0) out.push(`  accumulates:   ${kept.join(', ')}`);
  const sites = userSites(f);
  if (sites.length > 0) {
    const how = f.allocationMethod === 'sampling' ? ' (sampled)' : '';
    out.push(`  allocated at${how}: ${siteLine(sites[0]!)}`);
    for (const s of sites.slice(1, 3)) out.push(`                 ${siteLine(s)}`);
    const callers = (sites[0]!.callers ?? []).filter((c) => !/harness[\\/]testing[\\/]/.test(c));
    if (callers.length > 0) out.push(`    called from: ${callers.join(' ← ')}`);
  }
  out.push(`  why: ${f.explanation}`);
  out.push(`  fix: ${f.fix}`);
  return out;
}

/** What was measured, in one line: rounds, calls, snapshots. */
function measuredLine(m: LeakMeasurement): string {
  const rounds = m.iterationsAtSnapshot.length - 1;
  const perRound = m.iterationsAtSnapshot[1] ?? 0;
  return `${rounds} round${rounds === 1 ? '' : 's'} of ${calls(perRound)}, ${m.iterationsAtSnapshot.length} heap snapshots, ${(m.durationMs / 1000).toFixed(1)} s`;
}

/**
 * The failure message of an assertion that expected `expected` and measured `m`; `name` is the
 * function's name (or a description).
 */
export function formatLeakMessage(m: LeakMeasurement, expected: LeakExpectation, name: string): string {
  const lines: string[] = [];
  if (m.verdict === 'inconclusive') {
    lines.push(`cannot tell whether ${name} leaks (${measuredLine(m)}): ${m.reason}`);
    lines.push('More calls per round (`iterations`) or more rounds (`rounds`) give the growth more room to show.');
  } else if (m.verdict === 'leak') {
    const head = expected === 'no-leak' ? `expected ${name} not to leak, but` : `${name} leaks as expected:`;
    lines.push(`${head} each call keeps ${formatBytesPerCall(m.bytesPerIteration)} (${measuredLine(m)})`);
    for (const f of m.findings.slice(0, 3)) lines.push('', ...formatFinding(f));
    if (m.findings.length > 3) lines.push('', `…and ${m.findings.length - 3} more growing holder${m.findings.length > 4 ? 's' : ''}.`);
  } else {
    const head = expected === 'leak' ? `expected ${name} to leak, but` : `${name} does not leak:`;
    lines.push(`${head} nothing it allocates accumulates (${measuredLine(m)}). ${m.reason}`);
    const grew = m.dismissed.filter((d) => d.why !== 'small').slice(0, 3);
    for (const d of grew) lines.push(`  ${d.holder}: ${d.why} (new objects kept: ${d.newBytes.map(formatBytes).join(' → ')})`);
  }
  if (m.unsettled !== undefined) lines.push('', `Work still pending at the last snapshot (settle timeout reached): ${m.unsettled}.`);
  return lines.join('\n');
}
