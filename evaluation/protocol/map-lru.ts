/**
 * A plain Map-based LRU of per-key metadata, as production code writes it: `get` refreshes the
 * entry (delete + set moves it to the end of the Map's insertion order), `set` past the cap
 * evicts the first (least recently used) key. Each record is a few hundred bytes: the key's
 * scopes, owner and rate-limit counters.
 */
import type { RequestContext } from '../servers/serve.js';

interface KeyMeta {
  keyId: string;
  owner: string;
  scopes: string[];
  window: { startedMs: number; count: number };
}

export function mapLru(capacity: number): (ctx: RequestContext) => unknown {
  const cache = new Map<string, KeyMeta>();
  return ({ keyId }) => {
    let meta = cache.get(keyId);
    if (meta !== undefined) {
      cache.delete(keyId);
    } else {
      meta = {
        keyId,
        owner: `team-${keyId.slice(0, 6)}`,
        scopes: ['read:data', `tenant:${keyId.slice(-4)}`],
        window: { startedMs: Date.now(), count: 0 },
      };
    }
    cache.set(keyId, meta);
    if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
    meta.window.count++;
    return { ok: true, owner: meta.owner };
  };
}
