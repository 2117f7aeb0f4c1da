/**
 * The one place a scenario's `expected` verdicts are read: after every run of the batch has
 * finished, the measured verdicts are compared with what `scenario.json` says each variant should
 * give. Nothing here feeds back into a verdict; it only decides the batch's exit code.
 */
import type { Verdict } from '../types.js';
import type { MatrixExpectation, MatrixRow } from '../report/matrix-types.js';

/** What the catalog expects of a scenario (its `expected` field), by scenario name. */
export type ExpectedVerdicts = Record<string, { leaky: Verdict; fixed: Verdict }>;

/**
 * Compares every row with its expected verdicts. An errored scenario counts as a mismatch for
 * both variants: a matrix with a hole in it has not shown what was expected. A scenario with no
 * expectation recorded is skipped (nothing to compare).
 */
export function compareWithExpected(rows: readonly MatrixRow[], expected: ExpectedVerdicts): MatrixExpectation[] {
  const out: MatrixExpectation[] = [];
  for (const row of rows) {
    const exp = expected[row.scenario];
    if (!exp) continue;
    for (const variant of ['leaky', 'fixed'] as const) {
      let actual: Verdict | 'errored';
      if (row.state === 'errored') actual = 'errored';
      else {
        const cell = row.cells.find((c) => c.variant === variant);
        // A variant that was not run (never happens in bench:all) cannot have matched.
        actual = cell ? cell.verdict : 'errored';
      }
      out.push({ scenario: row.scenario, variant, expected: exp[variant], actual, matches: actual === exp[variant] });
    }
  }
  return out;
}

/** Exit code of the batch: 0 when every expectation holds, 3 (a gate failed) otherwise. */
export function matrixExitCode(expectations: readonly MatrixExpectation[]): 0 | 3 {
  return expectations.every((e) => e.matches) ? 0 : 3;
}
