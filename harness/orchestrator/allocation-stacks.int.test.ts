/**
 * `run --allocation-stacks` on the real seed scenarios: each leaky variant's top finding must point
 * at the line of its TypeScript source that leaks, through the source map of the compiled server,
 * and each fixed variant must report no finding. The leaking line is found here, in the test, by
 * searching the scenario's source for the statement that stores into the growing container; the
 * run never sees it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { keySecret } from '../../scenarios/kit/api-key.js';
import { getScenario } from '../catalog.js';
import { PACKAGE_ROOT as REPO_ROOT } from '../paths.js';
import { liveChildGroups } from '../server/child-registry.js';
import type { VariantRun } from '../types.js';
import { runScenario } from './run-scenario.js';

/** The statement that leaks, per seed scenario (test knowledge only). */
const LEAKING_CODE: Record<string, RegExp> = {
  'unbounded-map': /\bkeyCache\.set\(/,
  'closure-captured-buffers': /\bkeyRotation\.on\(/,
  'uncleaned-audit-cache': /\bauditLog\.push\(/,
};

async function leakingLine(sourceFile: string, code: RegExp): Promise<number> {
  const lines = (await readFile(sourceFile, 'utf8')).split('\n');
  const hits = lines.flatMap((text, i) => (code.test(text) ? [i + 1] : []));
  // Exactly one such line, or the test itself is ambiguous.
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

interface RunShape {
  allocation: 'tracking' | 'sampling';
  trackingRoute?: 'node-flag' | 'inspector';
  warmupSec: number;
  durationSec: number;
}

/** Runs one variant of scenario `name` with allocation recording on. */
async function runOne(name: string, variant: 'leaky' | 'fixed', shape: RunShape): Promise<VariantRun> {
  const scenario = getScenario(name);
  expect(existsSync(scenario.entries[variant]), `${scenario.entries[variant]} (npm run build)`).toBe(true);
  const reportsDir = await mkdtemp(path.join(os.tmpdir(), 'leakbench-alloc-'));
  onTestFinished(() => rm(reportsDir, { recursive: true, force: true }));
  const { report } = await runScenario(
    {
      scenario: name,
      targets: [{ variant, entry: scenario.entries[variant] }],
      // Bounded: the run protocol may stop early, never extend past the planned window here.
      load: { ...scenario.load, keys: { kind: 'unique' }, warmupSec: shape.warmupSec, durationSec: shape.durationSec, maxDurationSec: shape.durationSec, boundEntries: 1_000 },
      probe: { allocation: shape.allocation, ...(shape.trackingRoute ? { trackingRoute: shape.trackingRoute } : {}) },
      reportsDir,
      secret: keySecret(),
    },
    { cwd: REPO_ROOT },
  );
  expect(liveChildGroups()).toEqual([]);
  return report.runs[0]!;
}

// Leaky: tracked since launch (the default route), a short warm-up, enough load for the smallest
// seed leak (~430 B/request) to clear the leak finder's 128 KiB floor at every step on a busy
// machine. Fixed: the inspector route (what `attach` uses) after a full-speed warm-up as long as
// the scenarios' default, so bounded caches (unbounded-map's LRU) are full before the baseline,
// as in a real run.
const LEAKY: RunShape = { allocation: 'tracking', warmupSec: 1, durationSec: 6 };
const FIXED: RunShape = { allocation: 'tracking', trackingRoute: 'inspector', warmupSec: 5, durationSec: 4 };

describe('allocated at, with --allocation-stacks, on the seed scenarios', () => {
  for (const name of Object.keys(LEAKING_CODE)) {
    test(`${name}: the leaky variant's top site is its leaking line; the fixed variant has no finding`, async () => {
      const scenario = getScenario(name);
      const line = await leakingLine(scenario.sources.leaky, LEAKING_CODE[name]!);
      const leaky = await runOne(name, 'leaky', LEAKY);
      const fixed = await runOne(name, 'fixed', FIXED);

      expect(leaky.verdict, leaky.reason).toBe('leak');
      expect(leaky.allocationProfile).toEqual({ method: 'tracking', trackingRoute: 'node-flag' });
      const finding = leaky.findings[0]!;
      expect(finding.allocationMethod).toBe('tracking');
      const top = finding.allocatedAt![0]!;
      expect(`${top.file}:${top.line}`, JSON.stringify(finding.allocatedAt, null, 1)).toBe(`scenarios/${name}/leaky.ts:${line}`);
      expect(top.sourceMapped).toBe(true);
      expect(top.share).toBeGreaterThan(0.3);
      // The function V8 recorded encloses the line.
      expect(top.functionLine!).toBeLessThanOrEqual(line);

      expect(fixed.allocationProfile).toEqual({ method: 'tracking', trackingRoute: 'inspector' });
      expect(fixed.findings, fixed.reason).toEqual([]);
      expect(fixed.verdict).not.toBe('leak');
    });
  }

  test('without --allocation-stacks the sampling heap profile names the sites, and says so', async () => {
    const leaky = await runOne('unbounded-map', 'leaky', { allocation: 'sampling', warmupSec: 1, durationSec: 4 });
    expect(leaky.allocationProfile?.method).toBe('sampling');
    expect(leaky.allocationProfile?.path).toMatch(/allocation-sampling\.json$/);
    const finding = leaky.findings[0]!;
    expect(finding.allocationMethod).toBe('sampling');
    // Statistical: the scenario's own file is among the sites, mapped back to TypeScript.
    expect(finding.allocatedAt!.some((s) => s.file === 'scenarios/unbounded-map/leaky.ts' && s.sourceMapped)).toBe(true);
  });
});
