import type { Mechanism } from './mechanism.js';

/**
 * Mechanisms of a whole run rather than of a snapshot finding: memory that grows outside the
 * object graph (native allocations, growth the heap diff cannot explain) and growth driven by time
 * rather than requests. The run verdict (decide-verdict.ts, growth-trend.ts) decides these; they
 * are listed here so every mechanism has one explanation and one fix.
 */
export const nativeGrowth: Mechanism = {
  id: 'native-growth',
  family: 'unknown',
  signature: 'resident or external memory grows while the heap snapshots show no accumulating objects (run-level)',
  matches: () => false,
  explain: (input) => ({
    explanation: `${input.holder}: memory grows outside the objects a heap snapshot shows (native allocations, a native addon, or external memory not tied to a JS object).`,
    fix: 'Look at native addons and Buffer/ArrayBuffer use; compare RSS and external over time; run with --trace-gc to see what the heap holds.',
  }),
};

export const timeDrivenGrowth: Mechanism = {
  id: 'time-driven-growth',
  family: 'unknown',
  signature: 'memory grows with elapsed time, not with requests served (run-level)',
  matches: () => false,
  explain: (input) => ({
    explanation: `${input.holder}: memory grows with time rather than with traffic — a timer or a background task that keeps what it produces.`,
    fix: 'Find the periodic work (setInterval, polling, background refresh) and make it release or replace what it stores.',
  }),
};
