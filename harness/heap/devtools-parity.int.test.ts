/**
 * Verification on a real heap: a child Node process builds server-like data (a Map of API-key
 * strings to small objects, arrays of records, closures holding Buffers, a WeakMap, a WeakRef),
 * writes a V8 heap snapshot, and every node's distance, dominator, shallow size and retained size
 * from our engine must be identical to Chrome DevTools' model (heap-snapshot-toolkit).
 */
import { spawn } from 'node:child_process';
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

function takeSnapshot(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`snapshot child exited with ${code}`))));
  });
}

describe('parity with DevTools on a real snapshot', () => {
  it('every node: distance, dominator, shallow and retained size, name and class identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakbench-parity-'));
    chmodSync(dir, 0o700);
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'child.heapsnapshot');
    await takeSnapshot(file);
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
