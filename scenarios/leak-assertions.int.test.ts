/**
 * The leak assertions on this project's own scenarios: each scenario's per-request code, called in
 * this process (scenarios/kit/testing/per-call-drivers.ts), leaks for the leaky twin of every
 * scenario whose `expected` says so and keeps nothing for every fixed twin. The figures of each
 * assertion's duration come from `npm run bench:assertions`, not from here.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import '../harness/testing/vitest-matcher.js';
import { PER_CALL_DRIVERS, setUpTwin, stopVirtualClock, type Twin } from './kit/testing/per-call-drivers.js';

afterAll(() => stopVirtualClock());

function expected(scenario: string, twin: Twin): 'leak' | 'no-leak' {
  const json = JSON.parse(readFileSync(new URL(`./${scenario}/scenario.json`, import.meta.url), 'utf8')) as { expected: Record<Twin, 'leak' | 'no-leak'> };
  return json.expected[twin];
}

for (const driver of PER_CALL_DRIVERS) {
  describe(driver.scenario, () => {
    for (const twin of ['leaky', 'fixed'] as const) {
      const want = expected(driver.scenario, twin);
      test(`${twin}: ${want === 'leak' ? 'toLeak' : 'not.toLeak'}`, async () => {
        const { call, close } = await setUpTwin(driver, twin);
        try {
          const options = { iterations: driver.iterations, warmup: driver.warmup };
          if (want === 'leak') await expect(call).toLeak(options);
          else await expect(call).not.toLeak(options);
        } finally {
          await close();
        }
      });
    }
  });
}
