/**
 * Reports of a real run: `leakbench run unbounded-map` (compiled CLI, real servers, real load, real
 * snapshots) into a temp reports directory, then `report` and `compare` on it. Checks that
 * report.json validates against report.schema.json, and that no API key the server held — harvested
 * from the run's own heap snapshots, which do contain them — nor any key-like string appears in
 * report.json, report.html, the index, the comparison page or anything printed to the terminal.
 * Finally the real report.html, its interactive flame graph and (with the optional package, run with
 * `--clinic`) Clinic's page are opened in headless Chromium when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicPackagePath } from '../clinic-package.js';
import { DIST_DIR, PACKAGE_ROOT } from '../paths.js';
import type { RunReport } from '../types.js';
import { checkFlameViewerInChromium, checkPageInChromium, findChromium, viewPageOffline } from './check-page-in-chromium.js';
import { clinicPageFileName } from './clinic-heap-profiler.js';
import { flameViewerFileName } from './render-flame-viewer.js';
import { containsKeyLike } from './redact-secrets.js';
import { reportSchemaErrors } from './read-run-report.js';

const CLI = path.join(DIST_DIR, 'scripts', 'leakbench.js');
const clinicInstalled = clinicPackagePath() !== undefined;
if (!clinicInstalled) process.stderr.write('\n[report-real-run] SKIPPED the Clinic page check: @clinic/heap-profiler is not installed (npm ci --omit=optional)\n');
const KEY_GLOBAL = /lk_([0-9A-Za-z]{16,32})_([0-9a-f]{12})/g;

const root = mkdtempSync(path.join(tmpdir(), 'leakbench-realrun-'));
let runDir = '';
const terminal: string[] = [];

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 330_000, env: { ...process.env, FORCE_COLOR: '1' } });
  terminal.push(r.stdout, r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`compiled CLI missing at ${CLI}: run \`npx tsc -p tsconfig.json\` (npm test builds first)`);
  // With the optional Clinic package (the default install) the run also writes Clinic's page.
  const r = cli(['run', 'unbounded-map', '--duration', '3', '--warmup', '1', '--bound-entries', '2000', '--out', root, ...(clinicInstalled ? ['--clinic'] : [])]);
  if (r.status !== 0) throw new Error(`leakbench run failed (${r.status}): ${r.stderr.slice(-800)}`);
  const scenarioDir = path.join(root, 'unbounded-map');
  const [runId] = readdirSync(scenarioDir);
  runDir = path.join(scenarioDir, runId!);
  // Each variant may extend past --duration up to the run protocol's budget (120 s) on a loaded machine.
}, 360_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('reports of a real unbounded-map run', () => {
  it('report.json validates against report.schema.json and report.html has both variants charted', () => {
    // Written privately (the run dir also holds the snapshots); the HTML is redacted like the JSON.
    expect(statSync(path.join(runDir, 'report.json')).mode & 0o777).toBe(0o600);
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.runs.map((r) => r.variant)).toEqual(['leaky', 'fixed']);
    // Key material still in memory: the leaky twin keeps the keys it saw in its Map, the fixed one at most its bounded LRU.
    const [leaky, fixed] = report.runs;
    expect(leaky!.keyResidency!.secretResidentKeys).toBeGreaterThan(100);
    expect(leaky!.keyResidency!.holders[0]!.holder).toContain('keyCache');
    expect(fixed!.keyResidency!.keysCompleted).toBeGreaterThan(100);
    expect(fixed!.keyResidency!.secretResidentKeys).toBeLessThanOrEqual(1_000);
    expect(readFileSync(path.join(runDir, 'report.html'), 'utf8')).toContain('Key material still in memory');
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect((html.match(/class="mark-line role-mark/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(path.join(root, 'index.html'), 'utf8')).toContain(`${path.basename(runDir)}/report.html`);
  });

  it('report and compare re-render from report.json', () => {
    const r1 = cli(['report', runDir]);
    expect(r1.status, r1.stderr).toBe(0);
    const r2 = cli(['compare', runDir, runDir]);
    expect(r2.status, r2.stderr).toBe(0);
    expect(existsSync(path.join(root, 'compare'))).toBe(true);
  });

  it('no key the server held appears in any report file or terminal output', () => {
    // The keys sent, as the leaky server kept them: read them out of its own heap snapshots.
    const snapshots = filesUnder(runDir).filter((f) => f.endsWith('.heapsnapshot'));
    expect(snapshots.length).toBeGreaterThan(0);
    const keys = new Set<string>();
    const ids = new Set<string>();
    const checksums = new Set<string>();
    for (const f of snapshots) {
      for (const m of readFileSync(f, 'utf8').matchAll(KEY_GLOBAL)) {
        keys.add(m[0]);
        ids.add(m[1]!);
        checksums.add(m[2]!);
      }
    }
    // Without keys in the snapshots this test could not fail: require many.
    expect(keys.size).toBeGreaterThan(100);

    const outputs = filesUnder(root)
      .filter((f) => !f.endsWith('.heapsnapshot'))
      .map((f) => ({ name: path.relative(root, f), text: readFileSync(f, 'utf8') }));
    expect(outputs.map((o) => o.name)).toEqual(
      expect.arrayContaining(['index.html', expect.stringMatching(/report\.json$/), expect.stringMatching(/report\.html$/), expect.stringMatching(/compare\.html$/)]),
    );
    outputs.push({ name: 'terminal output', text: terminal.join('\n') });
    expect(terminal.join('\n')).toContain('Key material still in memory');
    for (const { name, text } of outputs) {
      expect(containsKeyLike(text), `${name} holds a key-like string`).toBe(false);
      for (const token of text.match(/[0-9A-Za-z]{16,32}/g) ?? []) {
        expect(ids.has(token), `${name} holds the id of a sent key`).toBe(false);
      }
      // The secret part alone (the checksum), e.g. in the key-residency section, neither.
      for (let i = 0; i + 12 <= text.length; i++) {
        const c = text.charCodeAt(i);
        if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) {
          const window = text.slice(i, i + 12);
          if (checksums.has(window)) expect.fail(`${name} holds the checksum of a sent key`);
        }
      }
    }
  });

  it.skipIf(!findChromium())('the real report.html renders in headless Chromium', async () => {
    const seen = await checkPageInChromium(path.join(runDir, 'report.html'), path.join(root, 'real-report.png'), findChromium()!);
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.extraRequests).toEqual([]);
    expect(seen.lineMarksByChart['by-time']).toBeGreaterThanOrEqual(6);
  });

  it.skipIf(!findChromium())('the interactive flame graph of the leaky twin opens offline and names its allocating function', async () => {
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(html).toContain(`href="${flameViewerFileName('leaky')}"`);
    const seen = await checkFlameViewerInChromium(path.join(runDir, flameViewerFileName('leaky')), path.join(root, 'real-flame.png'), findChromium()!);
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.extraRequests).toEqual([]);
    // The leaky twin stores each key's metadata from resolveKeyMeta (scenarios/unbounded-map/leaky.ts).
    expect(seen.text).toContain('resolveKeyMeta');
  });

  it.skipIf(!findChromium() || !clinicInstalled)('with --clinic, Clinic\'s page of the leaky twin opens offline and names its allocating function', async () => {
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(html).toContain(`href="${clinicPageFileName('leaky')}"`);
    const seen = await viewPageOffline(path.join(runDir, clinicPageFileName('leaky')), path.join(root, 'real-clinic.png'), findChromium()!, { waitFor: 'main', settleMs: 2_500 });
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.extraRequests).toEqual([]);
    // Clinic opens on the biggest allocation: one of the functions leakbench's own analysis names
    // as allocating the leaky finding (resolveKeyMeta in leaky.ts, or deriveKeyMeta it calls).
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
    const allocating = report.runs
      .filter((r) => r.variant === 'leaky')
      .flatMap((r) => r.findings)
      .flatMap((f) => (f['allocatedAt'] as { functionName: string }[] | undefined) ?? [])
      .map((s) => s.functionName);
    expect(allocating.length).toBeGreaterThan(0);
    expect(allocating.some((name) => seen.text.includes(name)), `Clinic shows one of ${allocating.join(', ')}`).toBe(true);
  });
});
