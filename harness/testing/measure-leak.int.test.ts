/**
 * The leak assertions on real heaps in this vitest worker (vitest's default pool, `forks`): the
 * noise a test must not call a leak — heavy churn, a lazy singleton, a bounded cache filled during
 * warm-up — and a real leak, whose failure message must name its container and the line that
 * allocated what accumulates. `LEAKBENCH_REPEAT=20` repeats each noise case (fresh state each
 * time): `npm run bench:assertions -- --noise-runs 20` does that and counts the passes.
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { describe, expect, test } from 'vitest';
import '../testing/vitest-matcher.js';
import { assertDoesNotLeak, assertLeaks } from './leak-assertions.js';
import { measureLeak } from './measure-leak.js';
import { makeBoundedCache, makeHeavyChurn, makeLazySingleton, rememberSession } from './test-fixtures/noise-functions.js';

const repeat = Math.max(1, Number(process.env['LEAKBENCH_REPEAT'] ?? 1) || 1);
const runs = Array.from({ length: repeat }, (_, i) => i + 1);

describe('noise is not a leak', () => {
  test.each(runs)('heavy churn: not.toLeak (run %i)', async () => {
    await expect(makeHeavyChurn()).not.toLeak();
  });
  test.each(runs)('lazy singleton built on the first call: not.toLeak (run %i)', async () => {
    await expect(makeLazySingleton()).not.toLeak();
  });
  test.each(runs)('bounded cache filled during warm-up: not.toLeak (run %i)', async () => {
    await expect(makeBoundedCache(500)).not.toLeak({ warmup: 1000 });
  });
});

describe('a leak', () => {
  test('not.toLeak fails with the container, the path, what accumulates and the allocating line', async () => {
    let message = '';
    try {
      await expect(rememberSession).not.toLeak();
    } catch (err) {
      message = (err as Error).message;
    }
    const source = readFileSync(new URL('./test-fixtures/noise-functions.ts', import.meta.url), 'utf8').split('\n');
    const pushLine = source.findIndex((l) => l.includes('sessions.push(')) + 1;
    expect(message).toMatch(/^expected rememberSession not to leak, but each call keeps [\d.]+ B/);
    expect(message).toContain('Array sessions (module scope of noise-functions.ts) grows at every round');
    expect(message).toMatch(/held by: +\(?module scope of noise-functions\.ts\)? → sessions: Array/);
    expect(message).toMatch(/accumulates: +Object ×2,000/);
    expect(message).toContain(`allocated at (sampled): harness/testing/test-fixtures/noise-functions.ts:${pushLine}:`);
  });

  test('toLeak passes on it; measureLeak reports the bytes per call', async () => {
    await expect(rememberSession).toLeak();
    const m = await measureLeak(rememberSession, { iterations: 500 });
    expect(m.verdict).toBe('leak');
    // One { id, user } record (~40 B), its string (~30 B) and an array slot (8 B).
    expect(m.bytesPerIteration).toBeGreaterThan(40);
    expect(m.bytesPerIteration).toBeLessThan(200);
    expect(m.iterationsAtSnapshot).toEqual([0, 500, 1000]);
  });

  test('the node:test helpers throw AssertionError with the same message', async () => {
    await expect(assertDoesNotLeak(rememberSession)).rejects.toMatchObject({ name: 'AssertionError', message: expect.stringContaining('Array sessions') });
    await expect(assertLeaks(makeHeavyChurn())).rejects.toThrow(/expected heavyChurn to leak, but nothing it allocates accumulates/);
  });

  test('a function that resets V8\'s heap ids (its own inspector session) is inconclusive, with the reason', async () => {
    const m = await measureLeak(
      function ownSession() {
        const session = new Session();
        session.connect();
        session.disconnect();
      },
      { iterations: 50 },
    );
    expect(m.verdict).toBe('inconclusive');
    expect(m.reason).toMatch(/heap-object ids were reset/);
    await expect(expect(function ownSession() {
      const session = new Session();
      session.connect();
      session.disconnect();
    }).not.toLeak({ iterations: 50 })).rejects.toThrow(/cannot tell whether ownSession leaks/);
  });

  test('work the function leaves behind (a timer per call) is waited for before each snapshot', async () => {
    const pending = new Set<object>();
    const m = await measureLeak(
      function deferred(i: number) {
        const record = { i, body: 'x'.repeat(64) };
        pending.add(record);
        setTimeout(() => pending.delete(record), 20);
      },
      { iterations: 300 },
    );
    expect(m.verdict).toBe('no-leak');
    expect(m.unsettled).toBeUndefined();
  });
});
