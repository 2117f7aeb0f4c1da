/**
 * rate-limit-counters, fixed variant: the same fixed-window counters, with the EXPIRE put back as
 * a periodic sweep. Once per window a timer deletes every counter whose window has ended, so the
 * map holds at most the current and the previous window's keys. Decisions are identical to the
 * leaky twin: an ended window is never consulted again.
 * Rust/Axum equivalent: a `tokio::time::interval` task calling `DashMap::retain`.
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

const counters = new Map<string, WindowCounter>();

// FIX: expire ended windows once per window (deleting during Map iteration is safe in JS).
const sweepTimer = setInterval(() => {
  const nowMs = Date.now();
  const currentWindowStartMs = nowMs - (nowMs % WINDOW_MS);
  for (const [slot, counter] of counters) {
    if (counter.windowStartMs < currentWindowStartMs) counters.delete(slot);
  }
}, WINDOW_MS);
sweepTimer.unref();

/** The variant's hooks; run as the entry script it serves them, imported it only exports them. */
export const variant: ScenarioVariant = {
  scenario: 'rate-limit-counters',
  variant: 'fixed',
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
  onClose() {
    clearInterval(sweepTimer);
  },
};

/** Counters held in memory (for tests and bench:micro). */
export function counterCount(): number {
  return counters.size;
}

await runIfMain(import.meta.url, variant);
