//! unbounded-map, leaky twin: resolved key metadata is cached in a process-wide
//! `static RwLock<HashMap>` keyed by key id, and nothing ever removes an entry. With a fresh key
//! per request (the checksummed key scheme makes the key space unbounded) the map gains one entry
//! per request for ever. Twin of scenarios/unbounded-map/leaky.ts.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use leakbench_scenarios::kit::{self, derive_key_meta, now_ms, KeyMeta, Variant};

/// What the cache keeps per key: the metadata plus usage counters for rate limiting.
struct CachedKey {
    meta: Arc<KeyMeta>,
    hits: u64,
    first_seen_ms: u64,
    last_seen_ms: u64,
}

// LEAK: process-wide, so it lives as long as the process; no size cap, no TTL, no remove.
static KEY_CACHE: RwLock<Option<HashMap<String, CachedKey>>> = RwLock::new(None);

struct Leaky;

impl Variant for Leaky {
    fn resolve_key_meta(&self, key_id: &str) -> Arc<KeyMeta> {
        let now = now_ms();
        let mut guard = KEY_CACHE.write().unwrap_or_else(|e| e.into_inner());
        let cache = guard.get_or_insert_with(HashMap::new);
        if let Some(hit) = cache.get_mut(key_id) {
            hit.hits += 1;
            hit.last_seen_ms = now;
            return hit.meta.clone();
        }
        let meta = Arc::new(derive_key_meta(key_id));
        let entry = CachedKey { meta: meta.clone(), hits: 1, first_seen_ms: now, last_seen_ms: now };
        cache.insert(key_id.to_string(), entry);
        debug_assert!(cache.values().all(|e| e.first_seen_ms <= e.last_seen_ms && e.hits > 0));
        meta
    }
}

fn main() {
    kit::serve(Arc::new(Leaky));
}
