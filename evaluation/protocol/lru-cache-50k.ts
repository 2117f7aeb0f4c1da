/**
 * Control (bounded): key metadata in lru-cache with `max: 50_000`, ordinary production code. It
 * fills after ~25 s of the default load. Right answer: never `leak`.
 */
import { LRUCache } from 'lru-cache';
import { serve } from '../servers/serve.js';

const cache = new LRUCache<string, { owner: string; scopes: string[]; hits: number }>({ max: 50_000 });

serve(({ keyId }) => {
  let meta = cache.get(keyId);
  if (meta === undefined) {
    meta = { owner: `team-${keyId.slice(0, 6)}`, scopes: ['read:data', `tenant:${keyId.slice(-4)}`], hits: 0 };
    cache.set(keyId, meta);
  }
  meta.hits++;
  return { ok: true, owner: meta.owner };
});
