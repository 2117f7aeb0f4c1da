/**
 * The workshop's fast inner loop: a participant's `workshop/<exercise>.ts`, its per-call code
 * called in this process under `expect(call).not.toLeak()` — seconds instead of the ~40 s of a
 * `leakbench check`, which remains the verdict that counts (it also checks the answers).
 *
 *   LEAKBENCH_EXERCISE=unbounded-map npx vitest run scenarios/workshop-exercise.int.test.ts
 *
 * Skipped when `LEAKBENCH_EXERCISE` is not set.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import '../harness/testing/vitest-matcher.js';
import { WORKSHOP_DIR } from '../harness/workshop/exercise-files.js';
import type { ScenarioVariant } from './kit/variant.js';
import { PER_CALL_DRIVERS, startVirtualClock, stopVirtualClock } from './kit/testing/per-call-drivers.js';

const exercise = process.env['LEAKBENCH_EXERCISE'];

afterAll(() => stopVirtualClock());

describe.skipIf(exercise === undefined || exercise === '')(`workshop/${exercise ?? ''}.ts`, () => {
  test('keeps nothing per call (not.toLeak)', async () => {
    const driver = PER_CALL_DRIVERS.find((d) => d.scenario === exercise);
    if (driver === undefined) throw new Error(`LEAKBENCH_EXERCISE: no exercise '${exercise}'; choose one of: ${PER_CALL_DRIVERS.map((d) => d.scenario).join(', ')}`);
    const file = path.join(WORKSHOP_DIR, `${driver.scenario}.ts`);
    if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npx leakbench workshop --init\` first`);
    // The twins start their timers at import: the virtual clock must be running before.
    startVirtualClock();
    const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { variant: ScenarioVariant };
    const { call, close } = await driver.perCall(mod.variant);
    try {
      await expect(call).not.toLeak({ iterations: driver.iterations, warmup: driver.warmup });
    } finally {
      await close();
    }
  });
});
