//! closure-captured-buffers, leaky twin: every authenticated call subscribes to the server's
//! key-rotation events so that a call still in flight when its key is retired can be flagged. The
//! boxed closure `move`s an owned copy of the request's raw key bytes and the claims into a
//! process-wide listener list, and nothing ever removes it: the list holds one closure per request
//! for ever. Twin of scenarios/closure-captured-buffers/leaky.ts.

use std::collections::HashSet;
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

static ROTATION_LISTENERS: Mutex<Vec<Listener>> = Mutex::new(Vec::new());
static STALE_IN_FLIGHT: AtomicU64 = AtomicU64::new(0);

struct Leaky;

impl Variant for Leaky {
    fn on_authenticated(&self, claims: &Arc<Claims>, raw_key: &[u8]) -> Option<RequestGuard> {
        // LEAK: the closure owns the raw key bytes and the claims, and is never unsubscribed.
        let raw_key = raw_key.to_vec();
        let claims = claims.clone();
        let listener: Listener = Box::new(move |rotation| {
            if rotation.retired_key_ids.contains(&claims.key_id) && !raw_key.is_empty() {
                STALE_IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
            }
        });
        ROTATION_LISTENERS.lock().unwrap_or_else(|e| e.into_inner()).push(listener);
        None
    }
}

fn main() {
    // The key service announces a rotation every 2 s (no key of the load is ever in the set).
    std::thread::spawn(|| {
        for generation in 1.. {
            std::thread::sleep(Duration::from_secs(2));
            let rotation = KeyRotation { generation, retired_key_ids: [format!("retired{}", generation)].into_iter().collect() };
            for listener in ROTATION_LISTENERS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                listener(&rotation);
            }
            debug_assert!(rotation.generation > 0);
        }
    });
    kit::serve(Arc::new(Leaky));
}
