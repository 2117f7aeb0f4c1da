import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mintKey } from '../../../scenarios/kit/api-key.js';
import { buildFixtureReport } from '../../report/build-fixture-report.js';
import { runCli } from '../main.js';
import { captureIo as capture } from '../test-fixtures/capture-io.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeRun(root: string, runId: string, leak: number, plantedKey?: string): string {
  const report = buildFixtureReport({ runId, leakBytesPerRequest: leak, ...(plantedKey ? { plantedKey } : {}) });
  const dir = path.join(root, report.scenario, runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  return dir;
}

describe('leakbench report / compare', () => {
  it('report re-renders report.html and the index from report.json, redacting keys', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'leakbench-cli-'));
    dirs.push(root);
    const key = mintKey('cli-secret');
    const dir = writeRun(root, 'run-1', 600, key);
    const c = capture();
    expect(await runCli(['report', dir], c.io)).toBe(0);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain(key);
    expect(readFileSync(path.join(root, 'index.html'), 'utf8')).toContain('unbounded-map/run-1/report.html');
    expect(c.out()).toContain('report.html');
  });

  it('report on a report.json kept outside a reports directory writes no index into its parents', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'leakbench-cli-'));
    dirs.push(root);
    const dir = path.join(root, 'copied', 'elsewhere');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(buildFixtureReport()));
    const c = capture();
    expect(await runCli(['report', path.join(dir, 'report.json')], c.io)).toBe(0);
    expect(existsSync(path.join(dir, 'report.html'))).toBe(true);
    expect(existsSync(path.join(root, 'index.html'))).toBe(false);
    expect(existsSync(path.join(root, 'copied', 'index.html'))).toBe(false);
  });

  it('compare writes one page with both runs and lists it in the index', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'leakbench-cli-'));
    dirs.push(root);
    const a = writeRun(root, 'before', 600);
    const b = writeRun(root, 'after', 0);
    const c = capture();
    expect(await runCli(['compare', a, b], c.io)).toBe(0);
    const page = path.join(root, 'compare', 'before--vs--after', 'compare.html');
    expect(existsSync(page)).toBe(true);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('A · leaky');
    expect(html).toContain('B · fixed');
    expect(readFileSync(path.join(root, 'index.html'), 'utf8')).toContain('compare/before--vs--after/compare.html');
  });

  it('missing dir → E_FILE_NOT_FOUND, invalid report → E_REPORT_INVALID, both exit 2 in one line', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'leakbench-cli-'));
    dirs.push(root);
    const c1 = capture();
    expect(await runCli(['report', path.join(root, 'missing')], c1.io)).toBe(2);
    expect(c1.err().trim().split('\n')).toHaveLength(1);
    expect(c1.err()).toMatch(/\[E_FILE_NOT_FOUND\]$/m);
    const bad = path.join(root, 'x', 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'report.json'), JSON.stringify({ schemaVersion: 1, tool: 'leakbench', runs: 'no' }));
    const c2 = capture();
    expect(await runCli(['compare', bad, bad], c2.io)).toBe(2);
    expect(c2.err()).toMatch(/does not match report\.schema\.json: .*\[E_REPORT_INVALID\]$/m);
    expect(existsSync(path.join(bad, 'report.html'))).toBe(false);
  });
});
