/**
 * The leak finder on real snapshots: two evaluation servers run as child processes under real
 * load (autocannon), three snapshots each through one inspector session. Short loads keep this
 * to a few seconds per server; the full evaluation set runs with `npm run eval`.
 * Needs the compiled servers (`npm run build`, which `npm test` runs first).
 */
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serverJsPath } from '../../evaluation/eval-servers.js';
import { snapshotSequence } from '../../evaluation/driver/snapshot-sequence.js';
import { analyzeSnapshots } from './analyze-snapshots.js';

async function analyzeServer(name: string, warmupRequests: number, stepRequests: number[]) {
  const serverJs = serverJsPath(name);
  if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: run npm run build first`);
  const seq = await snapshotSequence({ serverJs, warmupRequests, stepRequests, connections: 4 });
  onTestFinished(() => rmSync(seq.dir, { recursive: true, force: true }));
  return analyzeSnapshots(seq.files, { requestsAtSnapshot: seq.requestsAtSnapshot });
}

describe('analyzeSnapshots on live servers', () => {
  it('finds listener closures capturing Buffers, with their external bytes', async () => {
    const result = await analyzeServer('shutdown-hooks', 1_000, [3_000, 3_000]);
    expect(result.verdict).toBe('leak');
    expect(result.pattern).toBe('closure-captured-buffers');
    expect(result.findings).toHaveLength(1);
    const finding = result.findings[0]!;
    expect(finding.holder).toContain("listeners of event 'shutdown' on lifecycle");
    expect(finding.path.at(-1)!.isHolder).toBe(true);
    // 2 KiB Buffer per request, counted in full (external backing store included).
    expect(finding.bytesPerRequest).toBeGreaterThan(2048);
    expect(finding.bytesPerRequest).toBeLessThan(2048 + 600);
  });

  it('a lazily built one-off index is not a leak', async () => {
    const result = await analyzeServer('lazy-index', 1_000, [4_000, 4_000]);
    expect(result.verdict).toBe('no-leak');
    expect(result.findings).toEqual([]);
  });
});
