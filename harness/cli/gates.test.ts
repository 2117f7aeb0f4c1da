import { describe, expect, it } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import type { RunReport, VariantRun, Verdict } from '../types.js';
import { DEFAULT_MAX_RESIDENT_SECRETS, evaluateGates, keyResidencyFailure, parseExpect, parseFailOn, parseFailOnGates, parseMaxResidentSecrets } from './gates.js';

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

describe('--fail-on key-residency', () => {
  const withResidency = (secretResidentKeys: number): VariantRun => ({
    ...run('leaky', 'leak'),
    keyResidency: {
      shape: 'leakbench-key', keysSent: 100, keysCompleted: 90, residentKeys: secretResidentKeys, residentShare: secretResidentKeys / 90,
      secretResidentKeys, secretResidentShare: secretResidentKeys / 90, byPart: { 'whole-key': secretResidentKeys, 'secret-part': 0, 'id-only': 0 },
      bytes: 0, snapshots: [], trend: 'steady', buffers: { state: 'scanned' }, limits: [], summary: '', durationMs: 1,
      holders: [{ holder: 'Map keyCache (module scope of a.js)', path: [], part: 'whole-key', forms: ['exact'], keys: secretResidentKeys, secretKeys: secretResidentKeys, bytes: 0, examples: [] }],
    },
  });

  it('parses leak and key-residency, alone or together, and the threshold', () => {
    expect(parseFailOnGates('key-residency')).toEqual({ failOnLeak: false, failOnKeyResidency: true });
    expect(parseFailOnGates('leak,key-residency')).toEqual({ failOnLeak: true, failOnKeyResidency: true });
    expect(codeOf(() => parseFailOnGates('keys'))).toBe('E_USAGE');
    expect(parseMaxResidentSecrets(undefined)).toBe(DEFAULT_MAX_RESIDENT_SECRETS);
    expect(DEFAULT_MAX_RESIDENT_SECRETS).toBe(0);
    expect(parseMaxResidentSecrets('1000')).toBe(1000);
    expect(codeOf(() => parseMaxResidentSecrets('-1'))).toBe('E_USAGE');
  });

  it('fails on any resident secret by default, passes at or below the threshold, and fails a measured run without a scan', () => {
    const gates = { failOnLeak: false, failOnKeyResidency: true, expect: {} };
    expect(evaluateGates(report(withResidency(1)), gates)).toEqual([
      'leaky: 1 of 90 completed keys still have their secret in memory (more than 0), most in Map keyCache (module scope of a.js) with --fail-on key-residency',
    ]);
    expect(evaluateGates(report(withResidency(0)), gates)).toEqual([]);
    expect(evaluateGates(report(withResidency(5)), { ...gates, maxResidentSecrets: 5 })).toEqual([]);
    expect(evaluateGates(report(run('custom', 'no-leak')), gates)).toEqual(['custom: no key-residency scan (no heap snapshots were searched) with --fail-on key-residency']);
    expect(evaluateGates(report(run('custom', 'interrupted')), gates)).toEqual([]);
    expect(keyResidencyFailure(withResidency(3), 3)).toBeUndefined();
  });
});
