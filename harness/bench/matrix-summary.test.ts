/**
 * The bench:all matrix from results built in code: rows from run reports, the after-the-fact
 * comparison with `expected`, the exit code, and the Markdown/HTML pages (links, marks, errored
 * rows, one chart per completed scenario, no key material).
 */
import { describe, expect, it } from 'vitest';
import { buildFixtureReport } from '../report/build-fixture-report.js';
import { renderMatrixHtml, renderMatrixMarkdown } from '../report/render-matrix.js';
import type { RunReport } from '../types.js';
import { compareWithExpected, matrixExitCode } from './matrix-gate.js';
import { MATRIX_SCHEMA_VERSION, type MatrixCharts, type MatrixRow, type MatrixSummary } from '../report/matrix-types.js';
import { rowFromReport } from './run-matrix.js';

const PLANTED_KEY = 'lk_AbCdEfGhIjKlMnOpQrStUv_0123456789ab';

function summaryOf(rows: MatrixRow[], expected: Parameters<typeof compareWithExpected>[1]): MatrixSummary {
  const expectations = compareWithExpected(rows, expected);
  return {
    schemaVersion: MATRIX_SCHEMA_VERSION,
    tool: 'leakbench',
    kind: 'bench-all',
    runId: '20261129T110000Z-abcdef',
    startedAt: '2026-11-29T11:00:00.000Z',
    durationMs: 123_456,
    options: { durationSec: 8 },
    environment: { node: 'v20.20.2', cpus: 2, platform: 'linux-x64' },
    rows,
    expectations,
    passed: expectations.every((e) => e.matches),
  };
}

function chartsOf(...reports: RunReport[]): MatrixCharts {
  const charts: MatrixCharts = {};
  for (const r of reports) charts[r.scenario] = r.runs.map(({ variant, samples, snapshots }) => ({ variant, samples, snapshots }));
  return charts;
}

const leakyFixed = buildFixtureReport({ scenario: 'unbounded-map', runId: 'run-a' });
const times = new Map([
  ['leaky', 41_000],
  ['fixed', 39_500],
]);

describe('matrix rows', () => {
  it('takes verdict, pattern, bytes/request, req/s, p99 and time to verdict from the run', () => {
    const row = rowFromReport({ name: 'unbounded-map', title: 'Unbounded' }, leakyFixed, '../../unbounded-map/run-a', times);
    expect(row.state).toBe('completed');
    if (row.state !== 'completed') return;
    const [leaky, fixed] = row.cells;
    expect(leaky).toMatchObject({ variant: 'leaky', verdict: leakyFixed.runs[0]!.verdict, pattern: leakyFixed.runs[0]!.pattern, timeToVerdictMs: 41_000 });
    expect(leaky!.bytesPerRequest).toBe(leakyFixed.runs[0]!.bytesPerRequest);
    expect(leaky!.requestsPerSec).toBe(leakyFixed.runs[0]!.load!.requestsPerSec);
    expect(leaky!.latencyP99Ms).toBe(9.8);
    expect(fixed).toMatchObject({ variant: 'fixed', verdict: 'no-leak', timeToVerdictMs: 39_500, latencyP99Ms: 6.4 });
    expect(row.reportDir).toBe('../../unbounded-map/run-a');
  });
});

describe('comparison with expected verdicts and exit code', () => {
  const ok = rowFromReport({ name: 'unbounded-map', title: 'U' }, leakyFixed, 'x', times);

  it('exits 0 when every verdict is the expected one', () => {
    const e = compareWithExpected([ok], { 'unbounded-map': { leaky: 'leak', fixed: 'no-leak' } });
    expect(e).toHaveLength(2);
    expect(e.every((x) => x.matches)).toBe(true);
    expect(matrixExitCode(e)).toBe(0);
  });

  it('exits 3 when one verdict differs', () => {
    const e = compareWithExpected([ok], { 'unbounded-map': { leaky: 'leak', fixed: 'leak' } });
    expect(e.filter((x) => !x.matches)).toEqual([{ scenario: 'unbounded-map', variant: 'fixed', expected: 'leak', actual: 'no-leak', matches: false }]);
    expect(matrixExitCode(e)).toBe(3);
  });

  it('counts an errored scenario as a mismatch for both variants, and the batch still has the other rows', () => {
    const errored: MatrixRow = { state: 'errored', scenario: 'regex-churn', title: 'R', error: { code: 'E_SERVER_START_TIMEOUT', message: 'never ready' } };
    const e = compareWithExpected([ok, errored], {
      'unbounded-map': { leaky: 'leak', fixed: 'no-leak' },
      'regex-churn': { leaky: 'no-leak', fixed: 'no-leak' },
    });
    expect(e.filter((x) => !x.matches).map((x) => `${x.scenario}/${x.variant}:${x.actual}`)).toEqual(['regex-churn/leaky:errored', 'regex-churn/fixed:errored']);
    expect(matrixExitCode(e)).toBe(3);
  });

  it('a verdict never depends on the expectation: the same rows compared with other expectations keep their verdicts', () => {
    const a = compareWithExpected([ok], { 'unbounded-map': { leaky: 'leak', fixed: 'no-leak' } });
    const b = compareWithExpected([ok], { 'unbounded-map': { leaky: 'no-leak', fixed: 'leak' } });
    expect(a.map((x) => x.actual)).toEqual(b.map((x) => x.actual));
    expect(matrixExitCode(b)).toBe(3);
  });
});

describe('summary pages', () => {
  const withKey = buildFixtureReport({ scenario: 'uncleaned-audit-cache', runId: 'run-b', plantedKey: PLANTED_KEY });
  const rows: MatrixRow[] = [
    rowFromReport({ name: 'unbounded-map', title: 'Unbounded key-metadata cache' }, leakyFixed, '../../unbounded-map/run-a', times),
    rowFromReport({ name: 'uncleaned-audit-cache', title: 'Audit cache' }, withKey, '../../uncleaned-audit-cache/run-b', times),
    { state: 'errored', scenario: 'regex-churn', title: 'Churn', error: { code: 'E_SERVER_CRASHED', message: 'server exited with exit code 1 during boot' } },
  ];
  // Matrix summaries are redacted when written (runMatrix); render what would be written.
  const summary = summaryOf(rows, {
    'unbounded-map': { leaky: 'leak', fixed: 'no-leak' },
    'uncleaned-audit-cache': { leaky: 'leak', fixed: 'leak' },
    'regex-churn': { leaky: 'no-leak', fixed: 'no-leak' },
  });

  it('markdown: one line per scenario × variant with links, marks and the errors section', () => {
    const md = renderMatrixMarkdown(summary);
    const tableLines = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| scenario'));
    expect(tableLines).toHaveLength(6);
    expect(md).toContain('[unbounded-map](../../unbounded-map/run-a/report.html) | leaky | leak ✓ | leak |');
    expect(md).toContain('| fixed | no-leak ✗ | leak |');
    expect(md).toContain('| regex-churn | leaky | errored ✗ | no-leak |');
    expect(md).toContain('- regex-churn: server exited with exit code 1 during boot [E_SERVER_CRASHED]');
    expect(md).toContain('9.8 ms');
    expect(md).toContain('41.0 s');
    expect(md).toMatch(/Some verdicts differ/);
  });

  it('html: matrix table, mismatch banner, one SVG chart per completed scenario, links to the run reports', async () => {
    const html = await renderMatrixHtml(summary, chartsOf(leakyFixed, withKey));
    expect(html).toContain('href="../../unbounded-map/run-a/report.html"');
    expect(html).toContain('class="banner fail"');
    expect(html).toMatch(/uncleaned-audit-cache\/fixed gave no-leak, expected leak/);
    expect((html.match(/<svg/g) ?? []).length).toBe(2);
    expect(html).toContain('data-scenario="unbounded-map"');
    expect(html).toContain('E_SERVER_CRASHED');
    expect(html).not.toMatch(/<script/i);
    // Both variants are drawn on each scenario's chart.
    const card = html.slice(html.indexOf('data-scenario="unbounded-map"'));
    expect(card.slice(0, card.indexOf('</svg>'))).toMatch(/leaky[\s\S]*fixed|fixed[\s\S]*leaky/);
  });

  it('no key material reaches either page, even from an unredacted summary', async () => {
    const leaky = rows[1]!.state === 'completed' ? rows[1]!.cells[0]! : undefined;
    leaky!.topHolder = `Array auditLog holding "${PLANTED_KEY}"`;
    leaky!.reason = `grows; first entry ${PLANTED_KEY}`;
    expect(JSON.stringify(summary)).toContain(PLANTED_KEY);
    const html = await renderMatrixHtml(summary, chartsOf(leakyFixed, withKey));
    const md = renderMatrixMarkdown(summary);
    expect(html).not.toContain(PLANTED_KEY);
    expect(md).not.toContain(PLANTED_KEY);
  });

  it('html: a passing matrix says so', async () => {
    const pass = summaryOf([rows[0]!], { 'unbounded-map': { leaky: 'leak', fixed: 'no-leak' } });
    const html = await renderMatrixHtml(pass, chartsOf(leakyFixed));
    expect(pass.passed).toBe(true);
    expect(html).toContain('class="banner pass"');
    expect(renderMatrixMarkdown(pass)).toMatch(/Every verdict is what the scenarios expect/);
  });
});

describe('time to verdict medians', () => {
  it('takes the median per variant, evidence and wall, the slower middle of an even count', async () => {
    const { timeToVerdictMedians } = await import('./run-matrix.js');
    const cell = (variant: 'leaky' | 'fixed', wall: number, evidence?: number) => ({
      variant, verdict: 'leak' as const, pattern: 'unknown' as const, bytesPerRequest: 1, requests: 1, timeToVerdictMs: wall, reason: '',
      ...(evidence !== undefined ? { evidenceMs: evidence } : {}),
    });
    const row = (cells: ReturnType<typeof cell>[]): MatrixRow => ({ state: 'completed', scenario: 's', title: 's', runId: 'r', reportDir: '.', cells });
    const rows: MatrixRow[] = [
      row([cell('leaky', 20_000, 12_000), cell('fixed', 30_000, 25_000)]),
      row([cell('leaky', 22_000, 14_000), cell('fixed', 28_000, 21_000)]),
      row([cell('leaky', 40_000, 30_000), cell('fixed', 26_000)]),
      { state: 'errored', scenario: 'x', title: 'x', error: { code: 'E', message: 'm' } },
    ];
    expect(timeToVerdictMedians(rows)).toEqual([
      { variant: 'leaky', runs: 3, wallMs: 22_000, evidenceMs: 14_000 },
      { variant: 'fixed', runs: 3, wallMs: 28_000, evidenceMs: 25_000 },
    ]);
  });
});
