/**
 * The run page as a person sees it: a generated report.html and compare page opened from disk in
 * headless Chromium. Charts must be drawn (line marks with real paths), with no console error and
 * no network request; a screenshot is saved and its path printed.
 *
 * Where chromium is missing: under CI (CI=true) the test fails saying so; locally it is skipped and
 * the reason printed, never passed silently.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mintKey } from '../../scenarios/kit/api-key.js';
import { buildFixtureReport } from './build-fixture-report.js';
import { checkFlameViewerInChromium, checkPageInChromium, findChromium } from './check-page-in-chromium.js';
import { flameViewerFileName } from './render-flame-viewer.js';
import { containsKeyLike } from './redact-secrets.js';
import { renderCompareHtml } from './render-compare-html.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { writeReportPages } from './write-report-pages.js';

const chromium = findChromium();
const inCi = process.env['CI'] === 'true';
const MISSING = 'chromium not found (/usr/bin/chromium or `chromium` on PATH): install it with `apt-get install -y chromium`';
if (!chromium && !inCi) process.stderr.write(`\n[report-browser] SKIPPED: ${MISSING}\n`);

const root = mkdtempSync(path.join(tmpdir(), 'leakbench-browser-'));
const shots = process.env['LEAKBENCH_SCREENSHOT_DIR'] ?? root;
afterAll(() => {
  if (!process.env['LEAKBENCH_SCREENSHOT_DIR']) rmSync(root, { recursive: true, force: true });
});

describe('report pages in headless Chromium', () => {
  it.runIf(!chromium && inCi)('has chromium to test with', () => {
    expect.fail(MISSING);
  });

  it.skipIf(!chromium)('report.html renders its charts with no console error and no network request', async () => {
    const key = mintKey('browser-secret');
    const report = buildFixtureReport({ plantedKey: key });
    const runDir = path.join(root, 'reports', report.scenario, report.runId);
    mkdirSync(path.join(runDir, 'leaky'), { recursive: true });
    // A sampling heap profile beside the leaky variant, drawn as the allocation flame graph.
    const frame = (functionName: string, url: string, selfSize: number, children: unknown[] = []) => ({
      callFrame: { functionName, url, lineNumber: 10, columnNumber: 2 }, selfSize, children,
    });
    writeFileSync(
      path.join(runDir, 'leaky', 'allocations.heapprofile'),
      JSON.stringify({ head: frame('(root)', '', 0, [frame('onRequest', 'file:///app/node_modules/fastify/lib/hooks.js', 2000, [frame('resolveKeyMeta', 'file:///app/dist/scenarios/unbounded-map/leaky.js', 800_000)]), frame('(V8 API)', '', 90_000)]) }),
    );
    (report.runs[0] as unknown as Record<string, unknown>)['allocationProfile'] = { method: 'sampling', path: 'leaky/allocations.heapprofile' };
    const { htmlPath } = await writeReportPages(report, runDir);
    mkdirSync(shots, { recursive: true });
    const seen = await checkPageInChromium(htmlPath, path.join(shots, 'report.png'), chromium!);
    process.stderr.write(`[report-browser] screenshot: ${seen.screenshotPath}\n`);
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.extraRequests).toEqual([]);
    // Three panels (heapUsed, external, RSS) × two variants, on each of the two charts.
    expect(seen.lineMarksByChart['by-time']).toBeGreaterThanOrEqual(6);
    expect(seen.lineMarksByChart['by-requests']).toBeGreaterThanOrEqual(6);
    expect(seen.markGroups).toBeGreaterThan(20);
    // The flame graph: one rect per frame (root, onRequest, resolveKeyMeta, V8 API).
    expect(seen.marksByChart['flame']).toBeGreaterThanOrEqual(4);
    expect(seen.firstChartWidthPx).toBeGreaterThan(600);
    expect(seen.title).toContain(report.scenario);
    expect(seen.text).toContain('Map keyCache');
    expect(seen.text).not.toContain(key);
    expect(containsKeyLike(seen.text)).toBe(false);
    // The interactive flame graph of the same profile: linked, offline, showing the allocating function.
    expect(seen.text).toContain('Interactive flame graph');
    const flame = await checkFlameViewerInChromium(path.join(runDir, flameViewerFileName('leaky')), path.join(shots, 'flame-leaky.png'), chromium!);
    process.stderr.write(`[report-browser] screenshot: ${flame.screenshotPath}\n`);
    expect(flame.consoleErrors).toEqual([]);
    expect(flame.extraRequests).toEqual([]);
    expect(flame.title).toContain('leaky');
    expect(flame.text).toContain('resolveKeyMeta');
  });

  it.skipIf(!chromium)('the verdict table fits a laptop (1,400 px) and a phone (390 px) without sideways scrolling', async () => {
    const report = buildFixtureReport();
    const long = 'One accumulation point grew at every one of 2 steps; the largest is Map keyCache (module scope of leaky.js) at 389.03 bytes per request (unbounded-map). ';
    (report.runs[0] as { reason: string }).reason = long + 'The growth trend agrees: after-GC heapUsed+external +436 B/request (95% CI +422 … +449). '.repeat(3);
    const runDir = path.join(root, 'widths', report.scenario, report.runId);
    mkdirSync(runDir, { recursive: true });
    const { htmlPath } = await writeReportPages(report, runDir, { index: false });
    mkdirSync(shots, { recursive: true });
    for (const width of [1400, 390]) {
      const seen = await checkPageInChromium(htmlPath, path.join(shots, `report-${width}.png`), chromium!, { viewportWidthPx: width });
      process.stderr.write(`[report-browser] screenshot at ${width} px: ${seen.screenshotPath}\n`);
      expect(seen.documentWidthPx).toBeLessThanOrEqual(width);
      expect(seen.overflowingCards.filter((c) => c.startsWith('verdicts'))).toEqual([]);
      // The long reason is on the page, its first sentence visible without opening anything.
      expect(seen.text).toContain('One accumulation point grew at every one of 2 steps');
      if (width === 1400) expect(seen.overflowingCards).toEqual([]);
    }
  });

  it.skipIf(!chromium)('the comparison page overlays both runs', async () => {
    const before = buildFixtureReport({ runId: 'before' });
    const after = buildFixtureReport({ runId: 'after', leakBytesPerRequest: 0 });
    const file = path.join(root, 'compare.html');
    await writeFileAtomic(file, await renderCompareHtml(before, after));
    const seen = await checkPageInChromium(file, path.join(shots, 'compare.png'), chromium!);
    process.stderr.write(`[report-browser] screenshot: ${seen.screenshotPath}\n`);
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.extraRequests).toEqual([]);
    expect(seen.lineMarksByChart['by-time']).toBeGreaterThanOrEqual(12);
    expect(seen.text).toContain('A · leaky');
    expect(seen.text).toContain('B · leaky');
  });
});
