import { describe, expect, it } from 'vitest';
import { EVAL_SERVERS } from './eval-servers.js';
import { scoreAnswers } from './run-eval.js';

describe('evaluation scoring', () => {
  const threeLeaks = { verdict: 'leak' as const, mechanisms: ['keyed-collection' as const, 'append-only-array' as const] };

  it('needs exactly the expected mechanisms, in any order', () => {
    const right = scoreAnswers(threeLeaks, 'leak', 'leak', [{ mechanism: 'append-only-array' }, { mechanism: 'keyed-collection' }]);
    expect(right).toEqual({ diffOk: true, runOk: true, mechanismsOk: true, ownerOk: true });
    // An extra finding (a phantom module scope) is wrong, and so is a missing one.
    expect(
      scoreAnswers(threeLeaks, 'leak', 'leak', [{ mechanism: 'append-only-array' }, { mechanism: 'keyed-collection' }, { mechanism: 'unknown' }])
        .mechanismsOk,
    ).toBe(false);
    expect(scoreAnswers(threeLeaks, 'leak', 'leak', [{ mechanism: 'keyed-collection' }]).mechanismsOk).toBe(false);
  });

  it('scores the run verdict apart from the diff verdict', () => {
    const control = { verdict: 'no-leak' as const, mechanisms: [] };
    expect(scoreAnswers(control, 'no-leak', 'inconclusive', [])).toMatchObject({ diffOk: true, runOk: false });
  });

  it('checks the owner only where the case names one', () => {
    const dep = { verdict: 'leak' as const, mechanisms: ['keyed-collection' as const], owner: { kind: 'dependency' as const, label: 'node_modules/a@1.0.0' } };
    expect(scoreAnswers(dep, 'leak', 'leak', [{ mechanism: 'keyed-collection' }]).ownerOk).toBe(false);
    expect(
      scoreAnswers(dep, 'leak', 'leak', [{ mechanism: 'keyed-collection', owner: { kind: 'dependency', label: 'node_modules/a@1.0.0' } }]).ownerOk,
    ).toBe(true);
  });

  it('keeps a holdout part and covers every failure class of issue 15', () => {
    const holdout = EVAL_SERVERS.filter((s) => s.set === 'holdout');
    expect(holdout.length).toBeGreaterThanOrEqual(5);
    const classes = EVAL_SERVERS.map((s) => s.failureClass).join('\n');
    for (const needed of [
      'bounded cache larger than the window', 'TTL cache', 'error path', 'pending-call table', '1,000+ containers',
      'records shared by two containers', 'slow leak', 'lazy initialisation', 'owned by a dependency', 'no registered shape',
    ]) {
      expect(classes).toContain(needed);
    }
    expect(EVAL_SERVERS.some((s) => s.expected.mechanisms.includes('unknown'))).toBe(true);
    expect(new Set(EVAL_SERVERS.map((s) => s.name)).size).toBe(EVAL_SERVERS.length);
  });
});
