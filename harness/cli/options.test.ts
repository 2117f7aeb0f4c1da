import { describe, expect, it } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { parseChoice, parseInteger, parsePositiveNumber, parseRatio } from './options.js';

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
