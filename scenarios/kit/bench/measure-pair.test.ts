import { describe, expect, test } from 'vitest';
import { formatMicroTable, measurePair } from './measure-pair.js';

describe('measurePair', () => {
  test('measures both sides, per operation, and reports a throwing task as data', async () => {
    let slowSink = 0;
    const result = await measurePair(
      {
        id: 'unit:pair',
        operation: 'sum',
        leaky: { name: 'throws', fn: () => { throw new Error('boom'); } },
        fixed: { name: 'loop', fn: () => { for (let i = 0; i < 1000; i++) slowSink += i; } },
      },
      { timeMs: 30, warmupMs: 5 },
    );
    const fixed = result.tasks.find((t) => t.variant === 'fixed')!;
    const leaky = result.tasks.find((t) => t.variant === 'leaky')!;
    expect(fixed.state).toBe('completed');
    if (fixed.state === 'completed') {
      expect(fixed.opsPerSec).toBeGreaterThan(0);
      // Per operation, not per batch: a 1,000-step loop takes well under a millisecond. (Not
      // compared with the mean: on a busy machine one descheduled batch lifts the mean above p99.)
      expect(fixed.p99Ns).toBeGreaterThan(0);
      expect(fixed.p99Ns).toBeLessThan(1e6);
      expect(fixed.operations).toBeGreaterThan(0);
    }
    expect(leaky.state).toBe('errored');
    expect(result.fixedSpeedup).toBeNull();
    const table = formatMicroTable([result]);
    expect(table).toContain('unit:pair');
    expect(table).toContain('errored');
    expect(slowSink).toBeGreaterThan(0);
  });
});
