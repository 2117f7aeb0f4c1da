/**
 * Parsers for flag values. Each throws `E_USAGE` with a one-line message naming the flag, so
 * `--duration -1` or `--connections abc` never reaches the run.
 */
import { LeakbenchError } from '../errors.js';

/** A positive finite number (seconds, ratios above 0). */
export function parsePositiveNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new LeakbenchError('E_USAGE', `${flag} must be a positive number, got '${raw}'`);
  }
  return value;
}

/** A whole number ≥ `min`. */
export function parseInteger(flag: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new LeakbenchError('E_USAGE', `${flag} must be a whole number ≥ ${min}, got '${raw}'`);
  }
  return value;
}

/** A ratio in [0, 1]. */
export function parseRatio(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new LeakbenchError('E_USAGE', `${flag} must be a number from 0 to 1, got '${raw}'`);
  }
  return value;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new LeakbenchError('E_USAGE', `${flag} must be one of ${choices.join(', ')}, got '${raw}'`);
}
