/**
 * unbounded-map, leaky variant: resolved key metadata is cached in a module-level `Map` keyed by
 * key id, and nothing ever deletes an entry. With a fresh key per request (a checksummed key
 * scheme makes the key space unbounded) the map gains one entry per request for ever.
 * Rust/Axum original: a `static CACHE: Lazy<Mutex<HashMap<String, KeyMeta>>>` with no eviction.
 */
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

// LEAK: module-level, so it lives as long as the process; no size cap, no TTL, no delete.
const keyCache = new Map<string, CachedKey>();

/** The variant's hooks; `node leaky.js` serves them, imports (tests, bench:micro) call them. */
export const variant: ScenarioVariant = {
  scenario: 'unbounded-map',
  variant: 'leaky',
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
