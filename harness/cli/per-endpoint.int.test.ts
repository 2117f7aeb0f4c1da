/**
 * issue-16: `run --cmd … --openapi <spec> --per-endpoint` on an API of 11 operations behind an API
 * key, one of whose handlers (PUT /users/{userId}/preferences) keeps every update: the table names
 * that operation and no other, with the holder that grew. The 2.0 description of the same API gives
 * the same table: the run reads nothing from a description but the workload built from it, and
 * harness/load/openapi-workload.test.ts proves the 2.0 and 3.1 files give one workload, with this
 * test's environment too (a second real run here proved the same thing through the same slow path).
 */
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';
import type { RunReport } from '../types.js';
import { runCliToEnd } from './test-fixtures/cli-process.js';

const API = path.join(PACKAGE_ROOT, 'harness', 'load', 'test-fixtures', 'openapi-api');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'leakbench-per-endpoint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function table(spec: string, onTestFinished: (fn: () => Promise<void>) => void): Promise<{ run: RunReport['runs'][number]; stdout: string }> {
  const result = await runCliToEnd(
    ['run', '--cmd', `node ${path.join(API, 'server.mjs')}`, '--openapi', path.join(API, spec), '--per-endpoint',
      '--warmup', '2', '--duration', '11', '--connections', '4', '--rate', '1000', '--no-keep-snapshots', '--json', '--out', tmp],
    { env: { SERVICE_KEY: 'svc-key', LEAKBENCH_AUTH_APIKEY: 'svc-key' }, onTestFinished },
  );
  expect(result.code, result.stderr).toBe(0);
  return { run: (JSON.parse(result.stdout) as RunReport).runs[0]!, stdout: result.stdout };
}

describe('--openapi --per-endpoint', () => {
  // 23 snapshots per run (a baseline and two per operation): ~40 s on a quiet machine.
  test.for(['api-3.1.yaml'])('%s: the leaking operation and no other, with its holder', { timeout: 360_000 }, async (spec, { onTestFinished }) => {
    {
      const { run } = await table(spec, onTestFinished);
      // Every operation answered 2xx: the API key from the environment went where the spec says.
      expect(Object.keys(run.load!.statusCounts), spec).toEqual(['2xx']);
      const rows = run.endpoints!;
      expect(rows.map((r) => r.endpoint), spec).toHaveLength(11);
      for (const r of rows) expect(r.requests, `${spec} ${r.endpoint}`).toBeGreaterThan(0);
      const grew = rows.filter((r) => r.holders.length > 0);
      expect(grew.map((r) => r.endpoint), spec).toEqual(['updatePreferences']);
      expect(grew[0]!.holders[0]!.holder, spec).toMatch(/preferenceHistory/);
      expect(grew[0]!.bytesPerRequest, spec).toBeGreaterThan(50);
      expect(run.verdict, spec).toBe('leak');
      expect(run.findings[0]!.holder, spec).toMatch(/preferenceHistory/);
    }
  });
});
