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
  /** `*` applies to every variant without an entry of its own. */
  expect: Partial<Record<Variant | '*', Verdict>>;
}

/** Parses `--fail-on`: only `leak` is defined. */
export function parseFailOn(raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (raw === 'leak') return true;
  throw new LeakbenchError('E_USAGE', `--fail-on must be 'leak', got '${raw}'`);
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
