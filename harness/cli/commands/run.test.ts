/**
 * `leakbench run` argument handling: every bad value is a one-line E_USAGE (exit 2) before any
 * process starts; an unknown scenario lists the names; `--help` documents every flag.
 */
import { describe, expect, test } from 'vitest';
import { liveChildGroups } from '../../server/child-registry.js';
import { runCli } from '../main.js';
import { captureIo as capture } from '../test-fixtures/capture-io.js';

describe('leakbench run: usage', () => {
  const bad: Array<[string[], RegExp]> = [
    [['--duration', '-1'], /--duration must be a positive number, got '-1'/],
    [['--duration', 'abc'], /--duration/],
    [['--warmup', '-2'], /--warmup must be a number ≥ 0/],
    [['--connections', 'abc'], /--connections must be a whole number/],
    [['--connections', '0'], /--connections/],
    [['--rate', 'fast'], /--rate must be a whole number .* or 'max'/],
    [['--rate', '1.5'], /--rate/],
    [['--keys', 'pool:0'], /--keys must be 'unique' or 'pool:N'/],
    [['--keys', 'shared'], /--keys/],
    [['--invalid-ratio', '1.5'], /--invalid-ratio must be a number from 0 to 1/],
    [['--post-ratio', '-0.1'], /--post-ratio/],
    [['--variant', 'all'], /--variant must be one of leaky, fixed, both/],
    [['--gc-interval', '0'], /--gc-interval/],
  ];
  for (const [flags, message] of bad) {
    test(`${flags.join(' ')} → E_USAGE, exit 2, one line, nothing started`, async () => {
      const c = capture();
      const code = await runCli(['run', 'unbounded-map', ...flags], c.io);
      expect(code).toBe(2);
      expect(c.err()).toMatch(message);
      expect(c.err()).toMatch(/\[E_USAGE\]\n$/);
      expect(c.err().trim().split('\n')).toHaveLength(1);
      expect(c.out()).toBe('');
      expect(liveChildGroups()).toEqual([]);
    });
  }

  test('an unknown scenario → E_UNKNOWN_SCENARIO listing the names, exit 2', async () => {
    const c = capture();
    const code = await runCli(['run', 'no-such-scenario'], c.io);
    expect(code).toBe(2);
    expect(c.err()).toMatch(/unknown scenario 'no-such-scenario'; choose one of: .*unbounded-map/);
    expect(c.err()).toMatch(/\[E_UNKNOWN_SCENARIO\]\n$/);
  });

  test('a missing scenario argument → E_USAGE', async () => {
    const c = capture();
    expect(await runCli(['run'], c.io)).toBe(2);
    expect(c.err()).toMatch(/\[E_USAGE\]/);
  });

  test('--help documents every flag and the defaults', async () => {
    const c = capture();
    expect(await runCli(['run', '--help'], c.io)).toBe(0);
    for (const flag of ['--variant', '--duration', '--warmup', '--connections', '--rate', '--keys', '--invalid-ratio', '--post-ratio', '--gc-interval', '--out', '--json']) {
      expect(c.out()).toContain(flag);
    }
    expect(c.out()).toMatch(/leaky, fixed or both \(default: "both"\)/);
  });
});
