/**
 * rate-limit-counters, leaky variant: a fixed-window rate limiter ported from Redis
 * (`INCR ratelimit:<key>:<window>` + `EXPIRE`) to an in-process Map, and the EXPIRE was lost in
 * the port. Every (key, one-second window) pair gets its own counter and no counter is ever
 * deleted, so memory grows with time × active keys: even a fixed pool of keys leaks, one counter
 * per key per second.
 * Rust/Axum original: a `DashMap<(KeyId, u64), Counter>` in a tower layer with no sweeper task.
 */
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

/** Length of a rate-limit window. */
const WINDOW_MS = 1000;

/** The count of one key in one window. */
interface WindowCounter {
  count: number;
  limit: number;
  windowStartMs: number;
  lastRequestAtMs: number;
}

// LEAK: one entry per key per window, and no code path ever deletes one.
const counters = new Map<string, WindowCounter>();

/** The variant's hooks; run as the entry script it serves them, imported it only exports them. */
export const variant: ScenarioVariant = {
  scenario: 'rate-limit-counters',
  variant: 'leaky',
  rateLimit(claims, nowMs) {
    const windowStartMs = nowMs - (nowMs % WINDOW_MS);
    const slot = `ratelimit:${claims.keyId}:${windowStartMs}`;
    let counter = counters.get(slot);
    if (counter === undefined) {
      counter = { count: 0, limit: claims.meta.rateLimitPerSec, windowStartMs, lastRequestAtMs: nowMs };
      counters.set(slot, counter);
    }
    counter.count++;
    counter.lastRequestAtMs = nowMs;
    if (counter.count > counter.limit) {
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((windowStartMs + WINDOW_MS - nowMs) / 1000)) };
    }
    return { allowed: true, remaining: counter.limit - counter.count };
  },
};

/** Counters held in memory (for tests and bench:micro). */
export function counterCount(): number {
  return counters.size;
}

await runIfMain(import.meta.url, variant);
