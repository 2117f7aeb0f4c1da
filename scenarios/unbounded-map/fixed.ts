/**
 * unbounded-map, fixed variant: the same cache, bounded. `lru-cache` caps the entry count (least
 * recently used keys go first) and expires entries after a TTL, so memory plateaus once the cache
 * is full and a revoked key's stale metadata cannot outlive the TTL.
 * Rust/Axum equivalent: `moka::sync::Cache::builder().max_capacity(..).time_to_live(..)`.
 */
import { LRUCache } from 'lru-cache';
import type { KeyMeta } from '../kit/key-service.js';
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

/** What the cache keeps per key: the metadata plus usage counters for rate limiting. */
interface CachedKey {
  meta: KeyMeta;
  hits: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

// FIX: at most 1,000 keys, each for at most 60 s (about 0.5 MB; the hot keys stay cached).
const keyCache = new LRUCache<string, CachedKey>({ max: 1_000, ttl: 60_000 });

/** The variant's hooks; `node fixed.js` serves them, imports (tests, bench:micro) call them. */
export const variant: ScenarioVariant = {
  scenario: 'unbounded-map',
  variant: 'fixed',
  async resolveKeyMeta(keyId, { keyService }) {
    const nowMs = Date.now();
    const hit = keyCache.get(keyId);
    if (hit !== undefined) {
      hit.hits++;
      hit.lastSeenMs = nowMs;
      return hit.meta;
    }
    const meta = await keyService.lookup(keyId);
    keyCache.set(keyId, { meta, hits: 1, firstSeenMs: nowMs, lastSeenMs: nowMs });
    return meta;
  },
};

/** Keys held by the cache (for tests and bench:micro). */
export function cacheSize(): number {
  return keyCache.size;
}

await runIfMain(import.meta.url, variant);
