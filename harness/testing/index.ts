/**
 * `leakbench/test`: leak assertions for unit tests, in this process, with no server and no load
 * generator. `measureLeak(fn)` measures; `assertDoesNotLeak` / `assertLeaks` throw node's
 * `AssertionError` (node:test, mocha, any runner); `leakbench/vitest` adds `expect(fn).toLeak()`.
 */
export {
  measureLeak, resolveLeakOptions, DEFAULT_TEST_THRESHOLDS,
  type LeakMeasurement, type LeakTestFunction, type LeakTestThresholds, type MeasureLeakOptions,
} from './measure-leak.js';
export { assertDoesNotLeak, assertLeaks } from './leak-assertions.js';
export { formatLeakMessage, type LeakExpectation } from './format-leak-message.js';
export type { Finding, PathStep, AllocationSite } from '../types.js';
