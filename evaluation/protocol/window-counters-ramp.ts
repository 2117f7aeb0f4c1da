/**
 * Control (bounded by time, size following the traffic): rate-limit counters of the current and
 * the previous one-second window, swept every second, where each request touches more counters
 * as the server's uptime grows (one per request at start, one more every 4 s, at most 8: a client
 * that fans out to more upstream scopes as a deployment warms up). The map's size rises at every
 * snapshot for the first ~30 s while none of its entries outlives two seconds — how a swept
 * counter map looks on a machine whose request rate climbs during the run (bench:all saw
 * rate-limit-counters' fixed twin called a leak that way: counts 504 → 1700 → 3216).
 * Right answer: never `leak`.
 */
import { serve } from '../servers/serve.js';

const WINDOW_MS = 1_000;
const started = Date.now();
const counters = new Map<string, { count: number; windowStartMs: number }>();

setInterval(() => {
  const now = Date.now();
  const current = now - (now % WINDOW_MS);
  for (const [slot, c] of counters) if (c.windowStartMs < current) counters.delete(slot);
}, WINDOW_MS).unref();

serve(({ keyId }) => {
  const now = Date.now();
  const windowStartMs = now - (now % WINDOW_MS);
  const fanOut = Math.min(8, 1 + Math.floor((now - started) / 4_000));
  let allowed = true;
  for (let i = 0; i < fanOut; i++) {
    const slot = `ratelimit:${keyId}:scope-${i}:${windowStartMs}`;
    let c = counters.get(slot);
    if (c === undefined) counters.set(slot, (c = { count: 0, windowStartMs }));
    c.count++;
    if (c.count > 100) allowed = false;
  }
  return { ok: allowed };
});
