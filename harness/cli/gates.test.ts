import { describe, expect, it } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import type { RunReport, VariantRun, Verdict } from '../types.js';
import { evaluateGates, parseExpect, parseFailOn } from './gates.js';

function run(variant: VariantRun['variant'], verdict: Verdict, heapLimit = false): VariantRun {
  return {
    variant, verdict, pattern: 'unknown', bytesPerRequest: 0, requests: 0, durationMs: 0, findings: [], dir: '.', reason: '', samples: [], snapshots: [],
    ...(verdict === 'crashed' ? { crash: { exitCode: 134, signal: null, heapLimit, stderrTail: '' } } : {}),
  };
}

function report(...runs: VariantRun[]): RunReport {
  return {
    schemaVersion: 1, tool: 'leakbench', scenario: 's', runId: 'r', startedAt: '',
    options: { warmupSec: 1, durationSec: 1, connections: 1, rate: 1, keys: 'unique', invalidRatio: 0 }, runs,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isLeakbenchError(err) ? err.code : 'other';
  }
  return undefined;
}

describe('CI gates', () => {
  it('parse --fail-on and --expect', () => {
    expect(parseFailOn(undefined)).toBe(false);
    expect(parseFailOn('leak')).toBe(true);
    expect(codeOf(() => parseFailOn('slow'))).toBe('E_USAGE');
    expect(parseExpect('no-leak')).toEqual({ '*': 'no-leak' });
    expect(parseExpect('leaky=leak, fixed=no-leak')).toEqual({ leaky: 'leak', fixed: 'no-leak' });
    expect(codeOf(() => parseExpect('leaky=maybe'))).toBe('E_USAGE');
    expect(codeOf(() => parseExpect('other=leak'))).toBe('E_USAGE');
    expect(codeOf(() => parseExpect(','))).toBe('E_USAGE');
  });

  it('--fail-on leak fails on a leak and on a heap-limit crash, not on other verdicts', () => {
    const gates = { failOnLeak: true, expect: {} };
    expect(evaluateGates(report(run('leaky', 'leak'), run('fixed', 'no-leak')), gates)).toHaveLength(1);
    expect(evaluateGates(report(run('custom', 'crashed', true)), gates)).toHaveLength(1);
    expect(evaluateGates(report(run('custom', 'crashed', false)), gates)).toEqual([]);
    expect(evaluateGates(report(run('leaky', 'inconclusive'), run('fixed', 'no-leak')), gates)).toEqual([]);
    expect(evaluateGates(report(run('leaky', 'leak')), { failOnLeak: false, expect: {} })).toEqual([]);
  });

  it('--expect compares each variant, with a default for the rest, and notices a missing variant', () => {
    const gates = { failOnLeak: false, expect: parseExpect('leaky=leak,fixed=no-leak') };
    expect(evaluateGates(report(run('leaky', 'leak'), run('fixed', 'no-leak')), gates)).toEqual([]);
    expect(evaluateGates(report(run('leaky', 'leak'), run('fixed', 'leak')), gates)).toEqual(['fixed: expected no-leak, got leak']);
    expect(evaluateGates(report(run('leaky', 'leak')), gates)).toEqual(['fixed: expected a run, there was none']);
    expect(evaluateGates(report(run('custom', 'inconclusive')), { failOnLeak: false, expect: parseExpect('no-leak') })).toEqual([
      'custom: expected no-leak, got inconclusive',
    ]);
  });
});
