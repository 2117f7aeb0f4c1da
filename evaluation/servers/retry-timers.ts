/**
 * Leak (holder: Node's timer list). Schedules an hourly retry per request with setInterval and
 * never clears it; each callback's scope keeps a 1 KiB Buffer of the request alive.
 */
import { serve } from './serve.js';

let retries = 0;

serve(({ key }) => {
  const snapshot = Buffer.alloc(1024, key);
  setInterval(() => {
    retries += snapshot[0]!;
  }, 3_600_000);
  return { ok: true, retries };
});
