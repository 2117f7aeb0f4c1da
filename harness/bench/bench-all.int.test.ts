/**
 * `leakbench bench-all --only <one scenario>` end to end with short loads: real servers, real
 * load, real snapshots; the summary files are written, the row links to the scenario's own run
 * report, every figure of the matrix is filled in from the measurement, and the exit code is
 * exactly what the comparison with `expected` says (the verdicts themselves are not asserted:
 * a few seconds of load may honestly come out inconclusive).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { captureIo } from '../cli/test-fixtures/capture-io.js';
import type { MatrixSummary } from '../report/matrix-types.js';

const reportsDir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-bench-all-'));
afterAll(() => rmSync(reportsDir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('bench-all', () => {
  // Each variant's run may extend past --duration up to the run protocol's budget (120 s) while the
  // evidence cannot decide, as it does on a loaded machine: the test must outlast two such runs.
  it('--only one scenario: summary.{json,md,html}, filled matrix, link to the run report, exit code from the gate', { timeout: 360_000 }, async () => {
    const { code, out, err } = await cli(['bench-all', '--only', 'unbounded-map', '--duration', '4', '--warmup', '1', '--out', reportsDir, '--json']);
    const summary = JSON.parse(out) as MatrixSummary;
    expect(code).toBe(summary.passed ? 0 : 3);
    expect(summary.options).toEqual({ durationSec: 4, warmupSec: 1, only: ['unbounded-map'] });
    expect(summary.rows).toHaveLength(1);
    const row = summary.rows[0]!;
    expect(row.state, JSON.stringify(row)).toBe('completed');
    if (row.state !== 'completed') return;
    expect(row.cells.map((c) => c.variant)).toEqual(['leaky', 'fixed']);
    for (const cell of row.cells) {
      expect(['leak', 'no-leak', 'inconclusive']).toContain(cell.verdict);
      expect(cell.requests).toBeGreaterThan(100);
      expect(cell.requestsPerSec).toBeGreaterThan(0);
      expect(cell.latencyP99Ms).toBeGreaterThan(0);
      // Boot + 1 s warm-up + 4 s load + three snapshots: more than the load alone.
      expect(cell.timeToVerdictMs).toBeGreaterThan(5000);
    }
    expect(summary.expectations).toEqual([
      { scenario: 'unbounded-map', variant: 'leaky', expected: 'leak', actual: row.cells[0]!.verdict, matches: row.cells[0]!.verdict === 'leak' },
      { scenario: 'unbounded-map', variant: 'fixed', expected: 'no-leak', actual: row.cells[1]!.verdict, matches: row.cells[1]!.verdict === 'no-leak' },
    ]);

    const summaryDir = path.join(reportsDir, 'bench-all', summary.runId);
    for (const f of ['summary.json', 'summary.md', 'summary.html']) expect(existsSync(path.join(summaryDir, f))).toBe(true);
    expect(existsSync(path.join(summaryDir, row.reportDir, 'report.html'))).toBe(true);
    expect(existsSync(path.join(summaryDir, row.reportDir, 'report.json'))).toBe(true);
    const html = readFileSync(path.join(summaryDir, 'summary.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain(`${row.reportDir}/report.html`);
    expect(readFileSync(path.join(summaryDir, 'summary.md'), 'utf8')).toMatch(/\| unbounded-map\]?/);
    // Progress went to stderr, not into the JSON.
    expect(err).toMatch(/bench:all \[1\/1\] unbounded-map/);
  });

  it('an unknown name in --only is a usage error before anything runs', async () => {
    const { code, err } = await cli(['bench-all', '--only', 'unbounded-map,nope', '--out', reportsDir]);
    expect(code).toBe(2);
    expect(err).toMatch(/unknown scenario 'nope'.*\[E_UNKNOWN_SCENARIO\]/);
  });
});
