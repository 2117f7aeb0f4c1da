/**
 * Slow leak: two numbers (a timestamp and a latency) appended per request to a module-level
 * array of doubles: ~16 bytes of element storage per request plus the array's growth slack,
 * ~24 B/request in all. Right answer: `leak`, however slowly it shows.
 */
import { serve } from '../servers/serve.js';

const latencies: number[] = [];

serve(({ requestNumber }) => {
  const started = performance.now();
  latencies.push(Date.now() + 0.5, performance.now() - started + requestNumber * 1e-9);
  return { ok: true, n: latencies.length };
});
