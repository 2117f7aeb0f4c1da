/**
 * `leakbench inspect` end to end on a snapshot file built in code: the readable summary, the
 * JSON shape, and the one-line errors for a missing file, a corrupt file and a bad `--top`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotBuilder } from '../../heap/index.js';
import { runCli } from '../main.js';
import { captureIo as capture } from '../test-fixtures/capture-io.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-inspect-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** global.sessions (a Map) holds 50 API-key strings → Session objects; global.small holds one Object. */
function writeSnapshot(): string {
  const b = new SnapshotBuilder();
  const root = b.root();
  const gc = b.node('synthetic', '(GC roots)', 0);
  const global = b.node('object', 'global', 40);
  b.edge(root, gc, 'element', 1).edge(root, global, 'shortcut', 'global').edge(gc, global, 'element', 0);
  const map = b.node('object', 'Map', 32, { id: 777 });
  const table = b.node('array', '(object elements)', 800);
  b.edge(global, map, 'property', 'sessions').edge(map, table, 'internal', 'table');
  for (let i = 0; i < 50; i++) {
    const key = b.node('string', `lbk_secret_${i}_0123456789abcdef`, 48);
    const value = b.node('object', 'Session', 64);
    b.edge(table, key, 'internal', 2 * i).edge(table, value, 'internal', 2 * i + 1);
  }
  b.edge(global, b.node('object', 'Object', 24), 'property', 'small');
  const file = path.join(dir, 'a.heapsnapshot');
  writeFileSync(file, b.toJson(), { mode: 0o600 });
  return file;
}

const file = writeSnapshot();

describe('leakbench inspect', () => {
  it('prints totals, top classes and dominators with paths from the roots, without key material', async () => {
    const c = capture();
    expect(await runCli(['inspect', file, '--top', '3', '--verbose'], c.io)).toBe(0);
    const out = c.out();
    expect(out).toMatch(/nodes 106 {2}edges 106/);
    expect(out).toMatch(/Top 3 classes by retained size/);
    expect(out).toMatch(/Map @777 {2}retained 6\.3 KiB {2}self 832 B/);
    expect(out).toMatch(/global @\d+ {2}\.sessions → Map @777/);
    expect(out).toMatch(/Phases[\s\S]*dominators[\s\S]*peak RSS/);
    expect(out).not.toContain('lbk_secret');
  });

  it('--json gives the same data as structured fields', async () => {
    const c = capture();
    expect(await runCli(['inspect', file, '--json', '--top', '2'], c.io)).toBe(0);
    const json = JSON.parse(c.out()) as {
      nodeCount: number; classes: Array<{ className: string; count: number }>;
      dominators: Array<{ nodeId: number; className: string; retainedSizeBytes: number; path: Array<{ edgeName: string | null; className: string }> }>;
      timingsMs: Record<string, number>;
    };
    expect(json.nodeCount).toBe(106);
    expect(json.classes).toHaveLength(2);
    expect(json.dominators[0]).toMatchObject({ className: 'global' });
    expect(json.dominators[1]).toMatchObject({ nodeId: 777, className: 'Map', retainedSizeBytes: 32 + 800 + 50 * (48 + 64) });
    expect(json.dominators[1]!.path.map((s) => [s.edgeName, s.className])).toEqual([['global', 'global'], ['sessions', 'Map']]);
    expect(json.timingsMs).toHaveProperty('dominators');
  });

  it('one-line errors with stable codes, exit 2', async () => {
    let c = capture();
    expect(await runCli(['inspect', path.join(dir, 'missing.heapsnapshot')], c.io)).toBe(2);
    expect(c.err()).toMatch(/\[E_FILE_NOT_FOUND\]\n$/);
    const bad = path.join(dir, 'bad.heapsnapshot');
    writeFileSync(bad, '{"snapshot":{"meta":');
    c = capture();
    expect(await runCli(['inspect', bad], c.io)).toBe(2);
    expect(c.err()).toMatch(/at byte \d+.*\[E_SNAPSHOT_PARSE\]\n$/);
    c = capture();
    expect(await runCli(['inspect', file, '--top', '0'], c.io)).toBe(2);
    expect(c.err()).toMatch(/--top.*\[E_USAGE\]/);
    expect(c.err().split('\n')).toHaveLength(2);
  });
});
