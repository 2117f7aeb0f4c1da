//! unbounded-map, fixed twin: the same cache, bounded. At most 1,000 keys, each for at most 60 s
//! (the oldest goes first), so memory plateaus once the cache is full and a revoked key's stale
//! metadata cannot outlive the TTL. Twin of scenarios/unbounded-map/fixed.ts.

use std::sync::{Arc, Mutex};

use leakbench_scenarios::bounded::BoundedCache;
use leakbench_scenarios::kit::{self, derive_key_meta, now_ms, KeyMeta, Variant};

/// What the cache keeps per key: the metadata plus usage counters for rate limiting.
struct CachedKey {
    meta: Arc<KeyMeta>,
    hits: u64,
    first_seen_ms: u64,
    last_seen_ms: u64,
}

// FIX: at most 1,000 keys, each for at most 60 s.
static KEY_CACHE: Mutex<Option<BoundedCache<CachedKey>>> = Mutex::new(None);

struct Fixed;

impl Variant for Fixed {
    fn resolve_key_meta(&self, key_id: &str) -> Arc<KeyMeta> {
        let now = now_ms();
        let mut guard = KEY_CACHE.lock().unwrap_or_else(|e| e.into_inner());
        let cache = guard.get_or_insert_with(|| BoundedCache::new(1_000, 60_000));
        if let Some(hit) = cache.get_mut(key_id, now) {
            hit.hits += 1;
            hit.last_seen_ms = now;
            return hit.meta.clone();
        }
        let meta = Arc::new(derive_key_meta(key_id));
        let entry = CachedKey { meta: meta.clone(), hits: 1, first_seen_ms: now, last_seen_ms: now };
        cache.insert(key_id.to_string(), entry, now);
        debug_assert!(cache.get_mut(key_id, now).map_or(true, |e| e.first_seen_ms <= e.last_seen_ms && e.hits > 0));
        meta
    }
}

fn main() {
    kit::serve(Arc::new(Fixed));
}
