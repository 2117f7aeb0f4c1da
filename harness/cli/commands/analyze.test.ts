/**
 * `leakbench analyze` end to end on snapshot files built in code: the readable summary, the JSON
 * shape, and the one-line errors for missing, corrupt or too few files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotBuilder } from '../../heap/index.js';
import { runCli } from '../main.js';
import { parseRequestCounts } from './analyze.js';
import { captureIo as capture } from '../test-fixtures/capture-io.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-analyze-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A module-scope Map `tokens` that gains 40 entries of ~4 KiB per step. */
function writeSnapshot(step: number): string {
  const b = new SnapshotBuilder();
  const gcRoots = b.node('synthetic', '(GC roots)', 0, { id: 3 });
  b.edge(b.root(), gcRoots, 'element', 1);
  const scope = b.node('object', 'system / Context', 64, { id: 11 });
  const fn = b.node('closure', 'handle', 64, { id: 13 });
  const shared = b.node('code', '(shared function info)', 56, { id: 15 });
  const script = b.node('code', 'file:///srv/app.js', 144, { id: 17 });
  b.edge(gcRoots, fn, 'element', 1).edge(fn, scope, 'internal', 'context').edge(fn, shared, 'internal', 'shared');
  b.edge(shared, script, 'internal', 'script_or_debug_info');
  for (let i = 0; i < 300; i++) b.edge(gcRoots, b.node('object', 'Object', 32, { id: 1001 + 2 * i }), 'element', i + 2);
  const map = b.node('object', 'Map', 32, { id: 21 });
  b.edge(scope, map, 'context', 'tokens');
  const table = b.node('array', '', 64 + step * 40 * 16, { id: 31 + 2 * step });
  b.edge(map, table, 'internal', 'table');
  for (let i = 0; i < 40 * step; i++) {
    const key = b.node('string', `lk_ABCDEFGHIJKLMNOP${i}_0123456789ab`, 64, { id: 20001 + 2 * i });
    const value = b.node('object', 'TokenInfo', 4096, { id: 120001 + 2 * i });
    b.edge(table, key, 'internal', 2 * i).edge(table, value, 'internal', 2 * i + 1);
  }
  const file = path.join(dir, `s${step + 1}.heapsnapshot`);
  writeFileSync(file, b.toJson(), { mode: 0o600 });
  return file;
}

const files = [0, 1, 2].map(writeSnapshot);

describe('leakbench analyze', () => {
  it('prints a readable summary: verdict, holder, path, growth, explanation and fix', async () => {
    const c = capture();
    expect(await runCli(['analyze', ...files, '--requests', '1000,1040,1080', '--verbose'], c.io)).toBe(0);
    const out = c.out();
    expect(out).toMatch(/^verdict: leak \(unbounded-map\)/);
    expect(out).toContain('holder:      Map tokens (module scope of app.js)');
    expect(out).toContain('tokens → Map   ◀ grows');
    expect(out).toMatch(/bytes per request/);
    expect(out).toMatch(/TokenInfo: 80 objects/);
    expect(out).toMatch(/fix: /);
    expect(out).toMatch(/timings \(ms\):/);
  });

  it('prints JSON with schemaVersion, verdict and findings (pattern, holder, path, growth)', async () => {
    const c = capture();
    expect(await runCli(['analyze', ...files, '--json', '--requests', '1000,1040,1080'], c.io)).toBe(0);
    const doc = JSON.parse(c.out()) as Record<string, unknown> & { findings: Array<Record<string, unknown>> };
    expect(doc['schemaVersion']).toBe(1);
    expect(doc['verdict']).toBe('leak');
    expect(doc.findings).toHaveLength(1);
    const f = doc.findings[0]!;
    expect(f['pattern']).toBe('unbounded-map');
    expect(f['holder']).toBe('Map tokens (module scope of app.js)');
    expect(Array.isArray(f['path'])).toBe(true);
    expect(f['growth']).toEqual({ counts: [0, 80, 160], retainedBytes: expect.any(Array) });
    expect(f['bytesPerRequest']).toBeGreaterThan(4096 + 64);
    // Key material never leaves the analysis in clear.
    expect(c.out()).not.toMatch(/lk_[0-9A-Za-z]{16,32}_[0-9a-f]{12}/);
  });

  it('works without request counts', async () => {
    const c = capture();
    expect(await runCli(['analyze', ...files], c.io)).toBe(0);
    expect(c.out()).toMatch(/request counts unknown/);
  });

  it('reports a missing file as E_FILE_NOT_FOUND, one line, exit 2', async () => {
    const c = capture();
    expect(await runCli(['analyze', files[0]!, path.join(dir, 'missing.heapsnapshot')], c.io)).toBe(2);
    expect(c.err().trim().split('\n')).toHaveLength(1);
    expect(c.err()).toMatch(/\[E_FILE_NOT_FOUND\]$/m);
  });

  it('reports a corrupt file as E_SNAPSHOT_PARSE, one line, exit 2', async () => {
    const bad = path.join(dir, 'bad.heapsnapshot');
    writeFileSync(bad, '{"snapshot": {"meta": ');
    const c = capture();
    expect(await runCli(['analyze', files[0]!, bad], c.io)).toBe(2);
    expect(c.err()).toMatch(/\[E_SNAPSHOT_PARSE\]$/m);
    expect(c.out()).toBe('');
  });

  it('needs two snapshots and sane --requests', async () => {
    const c = capture();
    expect(await runCli(['analyze', files[0]!], c.io)).toBe(2);
    expect(c.err()).toMatch(/\[E_USAGE\]/);
    expect(() => parseRequestCounts('1,2', 3)).toThrow(/2 counts for 3 snapshots/);
    expect(() => parseRequestCounts('5,4,6', 3)).toThrow(/increase/);
    expect(() => parseRequestCounts('a,b,c', 3)).toThrow(/whole numbers/);
    expect(parseRequestCounts('0, 10,20', 3)).toEqual([0, 10, 20]);
  });
});
