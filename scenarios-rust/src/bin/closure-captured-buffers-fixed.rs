//! closure-captured-buffers, fixed twin: the same subscription, done right. The closure captures
//! only the key id (a small owned string, not the raw key bytes or the claims), and the
//! subscription is a guard that unsubscribes when it is dropped at the end of the request, so the
//! listener map holds only the calls in flight. Twin of scenarios/closure-captured-buffers/fixed.ts.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leakbench_scenarios::kit::{self, Claims, RequestGuard, Variant};

/// A rotation event: the key ids whose secret was retired.
struct KeyRotation {
    generation: u64,
    retired_key_ids: HashSet<String>,
}

type Listener = Box<dyn Fn(&KeyRotation) + Send>;

static ROTATION_LISTENERS: Mutex<Option<HashMap<u64, Listener>>> = Mutex::new(None);
static NEXT_SUBSCRIPTION: AtomicU64 = AtomicU64::new(0);
static STALE_IN_FLIGHT: AtomicU64 = AtomicU64::new(0);

/// Unsubscribes its listener when dropped.
struct Subscription(u64);

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(listeners) = ROTATION_LISTENERS.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            listeners.remove(&self.0);
        }
    }
}

struct Fixed;

impl Variant for Fixed {
    fn on_authenticated(&self, claims: &Arc<Claims>, _raw_key: &[u8]) -> Option<RequestGuard> {
        // FIX: capture only the key id, and unsubscribe when the request ends (the guard drops).
        let key_id = claims.key_id.clone();
        let listener: Listener = Box::new(move |rotation| {
            if rotation.retired_key_ids.contains(&key_id) {
                STALE_IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
            }
        });
        let id = NEXT_SUBSCRIPTION.fetch_add(1, Ordering::Relaxed);
        ROTATION_LISTENERS.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(HashMap::new).insert(id, listener);
        Some(Box::new(Subscription(id)))
    }
}

fn main() {
    // The key service announces a rotation every 2 s (no key of the load is ever in the set).
    std::thread::spawn(|| {
        for generation in 1.. {
            std::thread::sleep(Duration::from_secs(2));
            let rotation = KeyRotation { generation, retired_key_ids: [format!("retired{}", generation)].into_iter().collect() };
            if let Some(listeners) = ROTATION_LISTENERS.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                for listener in listeners.values() {
                    listener(&rotation);
                }
            }
            debug_assert!(rotation.generation > 0);
        }
    });
    kit::serve(Arc::new(Fixed));
}
