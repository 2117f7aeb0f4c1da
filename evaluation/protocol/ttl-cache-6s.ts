/**
 * Control (bounded by time): validated keys cached for 6 s, expired entries swept every second.
 * At 2,000 req/s it holds ~12,000–14,000 entries and replaces them all every few seconds, so few
 * objects of one snapshot survive to the next. Right answer: never `leak`.
 */
import { serve } from '../servers/serve.js';

const TTL_MS = 6_000;
const cache = new Map<string, { expiresAt: number; owner: string; scopes: string[] }>();

setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of cache) if (entry.expiresAt <= now) cache.delete(key);
}, 1_000).unref();

serve(({ keyId }) => {
  let entry = cache.get(keyId);
  if (entry === undefined) {
    entry = { expiresAt: Date.now() + TTL_MS, owner: `team-${keyId.slice(0, 6)}`, scopes: ['read:data'] };
    cache.set(keyId, entry);
  }
  return { ok: true, owner: entry.owner };
});
