/**
 * For `npm run bench:assertions -- --phases` only (skipped otherwise): measures each of the
 * scenario leak assertions (scenarios/leak-assertions.int.test.ts) with `measureLeak` — what the
 * matcher runs — in this vitest worker, and appends each measurement's verdict and timings, one
 * JSON line per twin, to the file named by LEAKBENCH_PHASES_OUT. The benchmark prints them.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, test } from 'vitest';
import { measureLeak } from '../harness/testing/measure-leak.js';
import { PER_CALL_DRIVERS, setUpTwin, stopVirtualClock } from './kit/testing/per-call-drivers.js';

const out = process.env['LEAKBENCH_PHASES_OUT'];

afterAll(() => stopVirtualClock());

for (const driver of PER_CALL_DRIVERS) {
  for (const twin of ['leaky', 'fixed'] as const) {
    test.skipIf(out === undefined)(`${driver.scenario} ${twin}: phases`, async () => {
      const { call, close } = await setUpTwin(driver, twin);
      try {
        const m = await measureLeak(call, { iterations: driver.iterations, warmup: driver.warmup });
        appendFileSync(out!, `${JSON.stringify({ scenario: driver.scenario, twin, verdict: m.verdict, timingsMs: m.timingsMs })}\n`);
      } finally {
        await close();
      }
    });
  }
}
