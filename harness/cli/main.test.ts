import { describe, expect, it } from 'vitest';
import { runCli } from './main.js';
import { captureIo as capture } from './test-fixtures/capture-io.js';

describe('runCli', () => {
  it('prints help and exits 0', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/Usage: leakbench/);
    expect(c.out()).toMatch(/list/);
  });

  it('turns an unknown command into a one-line E_USAGE error with exit 2', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.io)).toBe(2);
    const lines = c.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^leakbench: unknown command 'frobnicate'.*\[E_USAGE\]$/);
  });

  it('lists scenarios', async () => {
    const c = capture();
    expect(await runCli(['list', '--json'], c.io)).toBe(0);
    const rows = JSON.parse(c.out()) as Array<{ name: string; summary: string }>;
    expect(Array.isArray(rows)).toBe(true);
    for (const row of rows) {
      expect(row.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(row.summary.length).toBeGreaterThan(0);
    }
  });
});
