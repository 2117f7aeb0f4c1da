import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mintKey } from '../../scenarios/kit/api-key.js';
import { buildFixtureReport } from './build-fixture-report.js';
import { heapChartSpec, chartRows } from './heap-charts.js';
import { containsKeyLike, keyFingerprint } from './redact-secrets.js';
import { renderCompareHtml } from './render-compare-html.js';
import type { SamplingHeapProfile } from './render-allocation-flame.js';
import { renderReportHtml } from './render-report-html.js';
import { writeReportPages } from './write-report-pages.js';

const KEY = mintKey('unit-secret');

describe('renderReportHtml', () => {
  it('renders a self-contained page with both variants charted and the finding traced', async () => {
    const html = await renderReportHtml(buildFixtureReport({ plantedKey: KEY }));
    // Charts: two inline SVGs (by time, by requests), each with line paths drawn from data.
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(3); // two heap charts + the finding's growth bars
    const lineMarks = html.match(/class="mark-line role-mark[^"]*"/g) ?? [];
    expect(lineMarks.length).toBeGreaterThanOrEqual(2);
    expect(html).toMatch(/<path[^>]*line mark[^>]*d="M[\d.]+,[\d.]+[LC]/);
    expect(html).toContain('>leaky<');
    expect(html).toContain('>fixed<');
    // The trace, with the growing container marked.
    expect(html).toContain('holderrow');
    expect(html).toContain('Map keyCache');
    expect(html).toContain('The fix');
    expect(html).toContain('snapshot pauses');
    // Self-contained: no script, no external resource.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\((?!#)/i);
  });

  it('never shows a key, only its fingerprint', async () => {
    const html = await renderReportHtml(buildFixtureReport({ plantedKey: KEY }));
    expect(html).not.toContain(KEY);
    expect(html).not.toContain(KEY.slice(3, 19));
    // The key-residency section names its holder and shows fingerprints only (no checksum either).
    expect(html).toContain('Key material still in memory');
    expect(html).toContain('data-section="key-residency"');
    expect(html).not.toContain(KEY.slice(-12));
    expect(containsKeyLike(html)).toBe(false);
    expect(html).toContain(keyFingerprint(KEY));
  });

  it('escapes text from the report', async () => {
    const report = buildFixtureReport();
    report.runs[0]!.findings[0]!.holder = '<img src=x onerror=alert(1)>';
    const html = await renderReportHtml(report);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
  });

  it('marks snapshot moments and after-GC samples in the chart data', () => {
    const report = buildFixtureReport();
    const rows = chartRows([{ label: 'leaky', color: '#f00', run: report.runs[0]! }], 'requests');
    expect(rows.filter((r) => r.kind === 'snapshot').map((r) => r.x)).toContain(report.runs[0]!.snapshots[2]!.requests);
    expect(rows.some((r) => r.kind === 'gc')).toBe(true);
    expect(JSON.stringify(heapChartSpec([], 'time'))).toContain('"column"');
    expect(new Set(rows.map((r) => r.metric))).toEqual(new Set(['heapUsed', 'external', 'RSS']));
  });

  it('a black-box run (no heap figures) is charted as RSS alone, and its findings say why there are none', async () => {
    const report = buildFixtureReport();
    const run = report.runs[0]!;
    const rssOnly = {
      ...run, findings: [], snapshots: [],
      samples: run.samples.map((s) => ({ ...s, heapUsedBytes: 0, externalBytes: 0 })),
      statistic: { ...run.statistic!, method: 'ols-rss' as const },
    };
    const rows = chartRows([{ label: 'custom', color: '#00f', run: rssOnly }], 'time');
    expect(new Set(rows.map((r) => r.metric))).toEqual(new Set(['RSS']));
    expect(JSON.stringify(heapChartSpec([{ label: 'custom', color: '#00f', run: rssOnly }], 'time'))).toContain('"sort":["RSS"]');
    report.runs = [rssOnly];
    const html = await renderReportHtml(report);
    expect(html).toContain('Black-box mode (no inspector): no heap snapshots were taken');
    expect(html).not.toContain('No accumulation point was found');
  });

  it('renders crashed and interrupted runs without samples, snapshots or load', async () => {
    const report = buildFixtureReport();
    const leaky = report.runs[0]!;
    report.runs[0] = {
      ...leaky,
      verdict: 'crashed',
      pattern: 'unknown',
      findings: [],
      samples: leaky.samples.slice(0, 1),
      snapshots: [],
      crash: { exitCode: null, signal: 'SIGABRT', heapLimit: true, stderrTail: `FATAL ERROR: Reached heap limit ${KEY}` },
    };
    const { load: _load, statistic: _statistic, ...fixed } = report.runs[1]!;
    report.runs[1] = { ...fixed, verdict: 'interrupted', samples: [], snapshots: [], findings: [], error: { code: 'E_SERVER_CRASHED', message: 'stopped' } };
    const html = await renderReportHtml(report);
    expect(html).toContain('badge crashed');
    expect(html).toContain('badge interrupted');
    expect(html).toContain('ran out of heap');
    expect(html).toContain('no load summary recorded');
    expect(html).not.toContain(KEY);
  });

  it('shows where a finding was allocated and draws a recorded sampling profile as a flame graph', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'leakbench-flame-'));
    try {
      const report = buildFixtureReport();
      const runDir = path.join(root, report.scenario, report.runId);
      mkdirSync(path.join(runDir, 'leaky'), { recursive: true });
      const frame = (functionName: string, url: string, selfSize: number, children: SamplingHeapProfile['head'][] = []) => ({
        callFrame: { functionName, url, lineNumber: 20, columnNumber: 2 }, selfSize, children,
      });
      const profile: SamplingHeapProfile = {
        head: frame('(root)', '', 0, [
          frame('handleRequest', 'file:///app/node_modules/fastify/lib/handle-request.js', 1000, [
            frame('resolveKeyMeta', 'file:///app/dist/scenarios/unbounded-map/leaky.js', 900_000),
          ]),
          frame('(garbage collector)', '', 5000),
        ]),
      };
      writeFileSync(path.join(runDir, 'leaky', 'allocations.heapprofile'), JSON.stringify(profile));
      (report.runs[0] as unknown as Record<string, unknown>)['allocationProfile'] = { method: 'sampling', path: '/elsewhere/leaky/allocations.heapprofile' };
      const { htmlPath } = await writeReportPages(report, runDir, { index: false });
      const html = readFileSync(htmlPath, 'utf8');
      expect(html).toContain('<h2>Allocations</h2>');
      expect(html).toContain('data-chart="flame"');
      expect(html).toContain('resolveKeyMeta');
      expect(html).toContain('your code');
      // The finding's own allocation sites.
      expect(html).toContain('Allocated at (exact allocation traces');
      expect(html).toContain('scenarios/unbounded-map/leaky.ts:21:3');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('renders a comparison with runs A and B overlaid', async () => {
    const a = buildFixtureReport({ runId: 'before' });
    const b = buildFixtureReport({ runId: 'after', leakBytesPerRequest: 0 });
    const html = await renderCompareHtml(a, b);
    expect(html).toContain('A · leaky');
    expect(html).toContain('B · leaky');
    expect(html).toContain('What changed');
    expect((html.match(/class="mark-line role-mark/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});
