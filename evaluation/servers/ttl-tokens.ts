/**
 * Control, not a leak: a TTL cache. Each request issues a short-lived token kept in a Map for one
 * second; a sweep every 250 ms deletes expired tokens. The Map holds about one second of traffic
 * at any time and turns its entries over.
 */
import { serve } from './serve.js';

const TTL_MS = 1_000;
const tokens = new Map<string, { keyId: string; expiresAtMs: number }>();

setInterval(() => {
  const now = Date.now();
  for (const [token, entry] of tokens) if (entry.expiresAtMs <= now) tokens.delete(token);
}, 250).unref();

serve(({ keyId, requestNumber }) => {
  const token = `t${requestNumber.toString(36)}-${keyId.slice(0, 8)}`;
  tokens.set(token, { keyId, expiresAtMs: Date.now() + TTL_MS });
  return { ok: true, token };
});
