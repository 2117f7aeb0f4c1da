/**
 * Assertions for any test runner (node:test, mocha, tap…): each measures with {@link measureLeak}
 * and throws node's `AssertionError` with the finding in words when the expectation fails. An
 * `inconclusive` measurement fails both: a leak test that cannot tell must not pass silently.
 */
import { AssertionError } from 'node:assert';
import { formatLeakMessage, type LeakExpectation } from './format-leak-message.js';
import { measureLeak, type LeakMeasurement, type LeakTestFunction, type MeasureLeakOptions } from './measure-leak.js';

/** Name of the function under test for messages. */
export function functionLabel(fn: unknown): string {
  return typeof fn === 'function' && fn.name !== '' ? fn.name : 'the function';
}

/** The pass/fail of an expectation on a measurement, and its message. */
export function judgeLeak(m: LeakMeasurement, expected: LeakExpectation, name: string): { pass: boolean; message: string } {
  const pass = m.verdict !== 'inconclusive' && (expected === 'leak' ? m.verdict === 'leak' : m.verdict === 'no-leak');
  return { pass, message: formatLeakMessage(m, expected, name) };
}

async function expectLeak(fn: LeakTestFunction, options: MeasureLeakOptions, expected: LeakExpectation, stackStart: Function): Promise<LeakMeasurement> {
  const m = await measureLeak(fn, options);
  const { pass, message } = judgeLeak(m, expected, functionLabel(fn));
  if (!pass) {
    throw new AssertionError({ message, actual: m.verdict, expected, operator: expected === 'leak' ? 'leaks' : 'doesNotLeak', stackStartFn: stackStart });
  }
  return m;
}

/**
 * Fails (AssertionError) unless calling `fn` repeatedly keeps nothing; resolves to the measurement.
 *
 * ```js
 * test('the handler does not leak', () => assertDoesNotLeak(() => handler(fakeRequest())));
 * ```
 */
export function assertDoesNotLeak(fn: LeakTestFunction, options: MeasureLeakOptions = {}): Promise<LeakMeasurement> {
  return expectLeak(fn, options, 'no-leak', assertDoesNotLeak);
}

/** Fails (AssertionError) unless calling `fn` repeatedly keeps memory at every round (the teaching direction). */
export function assertLeaks(fn: LeakTestFunction, options: MeasureLeakOptions = {}): Promise<LeakMeasurement> {
  return expectLeak(fn, options, 'leak', assertLeaks);
}
