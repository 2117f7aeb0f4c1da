/**
 * Clinic.js Heap Profiler's page as an extra view (`--clinic`). With the optional package
 * installed (the default `npm ci`): the page and Clinic's data file are written beside report.html
 * from the run's sampling profile, linked from it, and open offline in headless Chromium with no
 * request, showing the leaky twin's allocating function. Without it (`npm ci --omit=optional`, and
 * always in a copy of the package that lacks it): `--clinic` ends the real CLI with exit 2 and one
 * line naming E_CLINIC_MISSING and the install command.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clinicPackagePath } from '../clinic-package.js';
import { DIST_DIR, PACKAGE_ROOT } from '../paths.js';
import { buildFixtureReport } from './build-fixture-report.js';
import { findChromium, viewPageOffline } from './check-page-in-chromium.js';
import { CLINIC_DATA_FILE, clinicPageFileName } from './clinic-heap-profiler.js';
import { writeReportPages } from './write-report-pages.js';

const installed = clinicPackagePath() !== undefined;
const chromium = findChromium();
const SKIP = installed ? '' : 'the optional package @clinic/heap-profiler is not installed (npm ci --omit=optional)';
if (!installed) process.stderr.write(`\n[clinic-view] SKIPPED the page tests: ${SKIP}\n`);
if (!chromium) process.stderr.write('\n[clinic-view] SKIPPED the browser check: chromium not found (apt-get install -y chromium)\n');

const root = mkdtempSync(path.join(tmpdir(), 'leakbench-clinic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const frame = (functionName: string, url: string, selfSize: number, id: number, children: unknown[] = []) => ({
  callFrame: { functionName, scriptId: '0', url, lineNumber: 10, columnNumber: 2 }, selfSize, id, children,
});
/** A sampling profile shaped like V8's (`head` + `samples`), the leaky twin's store on top. */
const PROFILE = {
  head: frame('(root)', '', 0, 1, [
    frame('onRequest', 'file:///app/node_modules/fastify/lib/hooks.js', 2000, 2, [frame('resolveKeyMeta', 'file:///app/dist/scenarios/unbounded-map/leaky.js', 800_000, 3)]),
    frame('(V8 API)', '', 90_000, 4),
  ]),
  samples: [{ size: 800_000, nodeId: 3, ordinal: 1 }, { size: 2000, nodeId: 2, ordinal: 2 }, { size: 90_000, nodeId: 4, ordinal: 3 }],
};

/** A run directory with a fixture report whose leaky variant recorded PROFILE. */
function runDirWithProfile(name: string): { runDir: string; report: ReturnType<typeof buildFixtureReport> } {
  const report = buildFixtureReport({ runId: name });
  const runDir = path.join(root, 'reports', report.scenario, report.runId);
  mkdirSync(path.join(runDir, 'leaky'), { recursive: true });
  writeFileSync(path.join(runDir, 'leaky', 'allocation-sampling.json'), JSON.stringify(PROFILE));
  (report.runs[0] as unknown as Record<string, unknown>)['allocationProfile'] = { method: 'sampling', path: 'leaky/allocation-sampling.json' };
  writeFileSync(path.join(runDir, 'report.json'), JSON.stringify(report));
  return { runDir, report };
}

describe('the Clinic view', () => {
  it.skipIf(!installed)('writes Clinic\'s data file and page beside report.html and links it', async () => {
    const { runDir, report } = runDirWithProfile('clinic-page');
    const pages = await writeReportPages(report, runDir, { index: false, clinic: true });
    expect(pages.warnings).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(runDir, 'leaky', CLINIC_DATA_FILE), 'utf8'))).toEqual(PROFILE);
    const page = path.join(runDir, clinicPageFileName('leaky'));
    const html = readFileSync(page, 'utf8');
    expect(html.includes('clinicjs.org/assets/css')).toBe(false);
    expect(readFileSync(pages.htmlPath, 'utf8')).toContain(`href="${clinicPageFileName('leaky')}"`);
    // Re-rendered without --clinic, the page already written stays linked; a run that never asked has none.
    const again = await writeReportPages(report, runDir, { index: false });
    expect(readFileSync(again.htmlPath, 'utf8')).toContain(`href="${clinicPageFileName('leaky')}"`);
    const other = runDirWithProfile('no-flag');
    const plain = await writeReportPages(other.report, other.runDir, { index: false });
    expect(readFileSync(plain.htmlPath, 'utf8')).not.toContain(clinicPageFileName('leaky'));
    expect(existsSync(path.join(other.runDir, 'leaky', CLINIC_DATA_FILE))).toBe(false);

    if (!chromium) return;
    // Past Clinic's 2 s font timeout, so a late font request would be seen.
    const seen = await viewPageOffline(page, path.join(root, 'clinic.png'), chromium, { waitFor: 'main', settleMs: 2_500 });
    process.stderr.write(`[clinic-view] screenshot: ${seen.screenshotPath}\n`);
    expect(seen.extraRequests).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.title).toBe('Clinic Heap Profiler');
    // Clinic selects the biggest allocation first and names its function and file.
    expect(seen.text).toContain('resolveKeyMeta');
    expect(seen.text).toContain('leaky.js');
  }, 60_000);

  it('without the optional package, --clinic ends the CLI with exit 2 and E_CLINIC_MISSING, before any run', () => {
    // A copy of the package whose node_modules lacks @clinic (every other package linked in).
    const pkg = path.join(root, 'no-clinic');
    mkdirSync(path.join(pkg, 'node_modules'), { recursive: true });
    cpSync(DIST_DIR, path.join(pkg, 'dist'), { recursive: true });
    cpSync(path.join(PACKAGE_ROOT, 'package.json'), path.join(pkg, 'package.json'));
    symlinkSync(path.join(PACKAGE_ROOT, 'scenarios'), path.join(pkg, 'scenarios'));
    for (const entry of readdirSync(path.join(PACKAGE_ROOT, 'node_modules'))) {
      if (entry === '@clinic' || entry === '.bin') continue;
      symlinkSync(path.join(PACKAGE_ROOT, 'node_modules', entry), path.join(pkg, 'node_modules', entry));
    }
    const { runDir } = runDirWithProfile('no-clinic');
    const out = path.join(root, 'no-clinic-reports');
    const cli = path.join(pkg, 'dist', 'scripts', 'leakbench.js');
    for (const [args, env] of [
      [['run', 'unbounded-map', '--clinic', '--out', out], {}],
      [['run', 'unbounded-map', '--out', out], { LEAKBENCH_CLINIC: '1' }],
      [['report', runDir, '--clinic'], {}],
    ] as const) {
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: pkg, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env, NO_COLOR: '1' } });
      const lines = r.stderr.trim().split('\n');
      expect(r.status, r.stderr).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/npm install --no-save @clinic\/heap-profiler@5\.0\.0.*\[E_CLINIC_MISSING\]$/);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.join(runDir, clinicPageFileName('leaky')))).toBe(false);
  }, 60_000);
});
