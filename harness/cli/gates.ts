/**
 * CI gates of `leakbench run`: `--fail-on leak` and `--expect <verdicts>`. A gate that fails makes
 * the command exit 3 (see harness/cli/main.ts), after the report has been written and printed.
 *
 * A server that died on the V8 heap limit under the load counts as a leak for `--fail-on leak`:
 * its memory grew until it reached the V8 heap limit, which is the strongest evidence a run can give.
 */
import { LeakbenchError } from '../errors.js';
import type { RunReport, Variant, Verdict, VariantRun } from '../types.js';

const VERDICTS: readonly Verdict[] = ['leak', 'no-leak', 'inconclusive', 'crashed', 'interrupted'];
const VARIANTS: readonly Variant[] = ['leaky', 'fixed', 'custom'];

/** What the run must show: per variant (or for every variant) the verdict expected. */
export interface Gates {
  failOnLeak: boolean;
  /**
   * `--fail-on key-residency`: fail when more than `maxResidentSecrets` completed keys still have
   * their secret (whole key or secret part) in memory, or when a measured run has no scan.
   */
  failOnKeyResidency?: boolean;
  /** `--max-resident-secrets` (default {@link DEFAULT_MAX_RESIDENT_SECRETS}: any secret part fails). */
  maxResidentSecrets?: number;
  /** `*` applies to every variant without an entry of its own. */
  expect: Partial<Record<Variant | '*', Verdict>>;
}

/** Keys whose secret may stay resident before `--fail-on key-residency` fails: none. */
export const DEFAULT_MAX_RESIDENT_SECRETS = 0;

const FAIL_ON = ['leak', 'key-residency'] as const;

/** Parses `--fail-on`: `leak`, `key-residency`, or both comma-separated. */
export function parseFailOnGates(raw: string | undefined): { failOnLeak: boolean; failOnKeyResidency: boolean } {
  const out = { failOnLeak: false, failOnKeyResidency: false };
  if (raw === undefined) return out;
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new LeakbenchError('E_USAGE', `--fail-on must be ${FAIL_ON.map((f) => `'${f}'`).join(' or ')}, got '${raw}'`);
  for (const part of parts) {
    if (part === 'leak') out.failOnLeak = true;
    else if (part === 'key-residency') out.failOnKeyResidency = true;
    else throw new LeakbenchError('E_USAGE', `--fail-on must be ${FAIL_ON.map((f) => `'${f}'`).join(' or ')} (comma-separated for both), got '${raw}'`);
  }
  return out;
}

/** True when `--fail-on` includes `leak`. */
export function parseFailOn(raw: string | undefined): boolean {
  return parseFailOnGates(raw).failOnLeak;
}

/** Parses `--max-resident-secrets <n>` (an integer ≥ 0). */
export function parseMaxResidentSecrets(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_RESIDENT_SECRETS;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new LeakbenchError('E_USAGE', `--max-resident-secrets must be an integer ≥ 0, got '${raw}'`);
  return n;
}

/** The failure line of `--fail-on key-residency` for a run, or undefined when it passes. */
export function keyResidencyFailure(run: VariantRun, maxResidentSecrets: number): string | undefined {
  const k = run.keyResidency;
  if (k === undefined) {
    // Nothing was looked at: never pass a gate on memory not searched (crashed and interrupted runs fail other ways).
    if (run.verdict === 'crashed' || run.verdict === 'interrupted') return undefined;
    return `${run.variant}: no key-residency scan (no heap snapshots were searched) with --fail-on key-residency`;
  }
  if (k.secretResidentKeys <= maxResidentSecrets) return undefined;
  const top = k.holders[0];
  return `${run.variant}: ${k.secretResidentKeys} of ${k.keysCompleted} completed keys still have their secret in memory (more than ${maxResidentSecrets})${top ? `, most in ${top.holder}` : ''} with --fail-on key-residency`;
}

/** Parses `--expect leak` (every variant) or `--expect leaky=leak,fixed=no-leak`. */
export function parseExpect(raw: string | undefined): Gates['expect'] {
  if (raw === undefined) return {};
  const out: Gates['expect'] = {};
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [left, right] = part.includes('=') ? (part.split('=', 2) as [string, string]) : (['*', part] as const);
    if (left !== '*' && !(VARIANTS as readonly string[]).includes(left)) {
      throw new LeakbenchError('E_USAGE', `--expect: unknown variant '${left}' (use ${VARIANTS.join(', ')})`);
    }
    if (!(VERDICTS as readonly string[]).includes(right)) {
      throw new LeakbenchError('E_USAGE', `--expect: unknown verdict '${right}' (use ${VERDICTS.join(', ')})`);
    }
    out[left as Variant | '*'] = right as Verdict;
  }
  if (Object.keys(out).length === 0) throw new LeakbenchError('E_USAGE', `--expect needs a verdict, got '${raw}'`);
  return out;
}

/** True when a run counts as a leak for the gate: verdict `leak`, or died on the heap limit. */
export function isLeakForGate(run: VariantRun): boolean {
  return run.verdict === 'leak' || (run.verdict === 'crashed' && run.crash?.heapLimit === true);
}

/** One line per failed gate; empty when every gate passed. */
export function evaluateGates(report: RunReport, gates: Gates): string[] {
  const failures: string[] = [];
  for (const run of report.runs) {
    if (gates.failOnLeak && isLeakForGate(run)) {
      failures.push(`${run.variant}: ${run.verdict === 'leak' ? 'leak' : 'crashed on the heap limit (a leak)'} with --fail-on leak`);
    }
    if (gates.failOnKeyResidency) {
      const failure = keyResidencyFailure(run, gates.maxResidentSecrets ?? DEFAULT_MAX_RESIDENT_SECRETS);
      if (failure !== undefined) failures.push(failure);
    }
    const expected = gates.expect[run.variant] ?? gates.expect['*'];
    if (expected !== undefined && run.verdict !== expected) {
      failures.push(`${run.variant}: expected ${expected}, got ${run.verdict}`);
    }
  }
  for (const variant of Object.keys(gates.expect)) {
    if (variant !== '*' && !report.runs.some((r) => r.variant === variant)) failures.push(`${variant}: expected a run, there was none`);
  }
  return failures;
}
