/**
 * `leakbench/vitest`: importing this module adds `toLeak` to vitest's `expect`.
 *
 * ```ts
 * import 'leakbench/vitest';
 * test('resolveKey keeps nothing per call', async () => {
 *   await expect(() => resolveKey(randomId())).not.toLeak();
 * });
 * ```
 *
 * `.not.toLeak()` fails with the finding in words (holder, path, what accumulates, bytes per call,
 * allocated at); `.toLeak()` fails when nothing grew. An `inconclusive` measurement fails both.
 */
import { expect, type MatcherState } from 'vitest';
import { formatLeakMessage } from './format-leak-message.js';
import { functionLabel } from './leak-assertions.js';
import { measureLeak, type LeakTestFunction, type MeasureLeakOptions } from './measure-leak.js';

/** The matcher, for `expect.extend` by hand (importing this module already does it). */
export const leakMatchers = {
  async toLeak(this: MatcherState, received: unknown, options: MeasureLeakOptions = {}) {
    if (typeof received !== 'function') throw new TypeError(`toLeak: expected a function to call, got ${typeof received}`);
    const m = await measureLeak(received as LeakTestFunction, options);
    const name = functionLabel(received);
    const expected = this.isNot ? 'no-leak' : 'leak';
    const message = formatLeakMessage(m, expected, name);
    // Inconclusive fails in both directions: throw instead of answering pass/fail.
    if (m.verdict === 'inconclusive') throw new Error(message);
    return { pass: m.verdict === 'leak', message: () => message, actual: m.verdict, expected };
  },
};

expect.extend(leakMatchers);

declare module 'vitest' {
  interface Matchers<T = any> {
    /**
     * Calls the received function `warmup + rounds × iterations` times, snapshots the heap after each
     * round, and passes when a container grows at every round. Use `.not.toLeak()` to assert
     * that nothing accumulates. Returns a promise: `await` it.
     */
    toLeak(options?: MeasureLeakOptions): Promise<void>;
  }
}
