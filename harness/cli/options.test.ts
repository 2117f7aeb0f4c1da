import { describe, expect, it } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { loadPlanFromFlags, parseChoice, parseInteger, parsePositiveNumber, parseRatio } from './options.js';
import type { LoadPlan } from '../orchestrator/run-variant.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isLeakbenchError(err) ? err.code : 'other';
  }
  return undefined;
}

describe('flag parsers', () => {
  it('accept good values', () => {
    expect(parsePositiveNumber('--duration', '2.5')).toBe(2.5);
    expect(parseInteger('--connections', '10')).toBe(10);
    expect(parseRatio('--invalid-ratio', '0')).toBe(0);
    expect(parseChoice('--variant', 'fixed', ['leaky', 'fixed', 'both'] as const)).toBe('fixed');
  });

  it('reject bad values with E_USAGE', () => {
    expect(codeOf(() => parsePositiveNumber('--duration', '-1'))).toBe('E_USAGE');
    expect(codeOf(() => parsePositiveNumber('--duration', ''))).toBe('E_USAGE');
    expect(codeOf(() => parseInteger('--connections', 'abc'))).toBe('E_USAGE');
    expect(codeOf(() => parseInteger('--connections', '1.5'))).toBe('E_USAGE');
    expect(codeOf(() => parseRatio('--invalid-ratio', '1.5'))).toBe('E_USAGE');
    expect(codeOf(() => parseChoice('--variant', 'both2', ['leaky', 'fixed', 'both'] as const))).toBe('E_USAGE');
  });
});

describe('loadPlanFromFlags: the run protocol flags', () => {
  const defaults = { warmupSec: 5, durationSec: 20, connections: 10, rate: 2000 as const, keys: 'unique', invalidRatio: 0.05, postRatio: 0.2 };
  const keys = (): LoadPlan['keys'] => ({ kind: 'unique' });

  it('--bound-entries sets the keyed-collection bound; absent, the analysis default applies', () => {
    expect(loadPlanFromFlags({ boundEntries: '2000' }, defaults, keys).boundEntries).toBe(2000);
    expect(loadPlanFromFlags({}, defaults, keys).boundEntries).toBeUndefined();
    expect(codeOf(() => loadPlanFromFlags({ boundEntries: '0' }, defaults, keys))).toBe('E_USAGE');
    expect(codeOf(() => loadPlanFromFlags({ boundEntries: 'many' }, defaults, keys))).toBe('E_USAGE');
  });

  it('--max-duration below --duration is a usage error', () => {
    expect(codeOf(() => loadPlanFromFlags({ duration: '8', maxDuration: '4' }, defaults, keys))).toBe('E_USAGE');
  });
});
