/**
 * Leak in a server that opens and closes its own in-process inspector session every 3 s (as an
 * APM agent or a debug endpoint may): each disconnect makes V8 reset the heap object ids of the
 * whole isolate, even while another session stays connected. It also keeps a record per key in a
 * Map. Right answer: the id reset is reported and no diff crosses it; the Map is still a `leak`.
 */
import { Session } from 'node:inspector';
import { serve } from '../servers/serve.js';

const seen = new Map<string, { firstSeenMs: number; path: string }>();

setInterval(() => {
  const session = new Session();
  session.connect();
  session.post('Runtime.evaluate', { expression: '1 + 1' }, () => session.disconnect());
}, 3_000).unref();

serve(({ keyId, path }) => {
  if (!seen.has(keyId)) seen.set(keyId, { firstSeenMs: Date.now(), path });
  return { ok: true, known: seen.size };
});
