//! uncleaned-audit-cache, leaky twin: every authenticated call is serialized, key material
//! included, into a process-wide `static Mutex<Vec<String>>` that an introspection endpoint was
//! meant to page through and a cleanup task was meant to trim. The task was never spawned: the log
//! gains one JSON string (~400 bytes, the full API key among them) per call for ever.
//! Twin of scenarios/uncleaned-audit-cache/leaky.ts.

use std::sync::{Arc, Mutex};

use leakbench_scenarios::kit::{self, json_string, AuditEvent, Variant};

// LEAK: append-only, process-wide, unredacted; nothing ever removes an entry.
static AUDIT_LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Leaky;

impl Variant for Leaky {
    fn audit(&self, event: &AuditEvent<'_>) {
        let claims = event.claims;
        let scopes: Vec<String> = claims.meta.scopes.iter().map(|s| json_string(s)).collect();
        let record = format!(
            "{{\"atMs\":{},\"method\":{},\"path\":{},\"status\":{},\"durationMs\":{},\"apiKey\":{},\"keyId\":{},\"owner\":{},\"label\":{},\"plan\":{},\"scopes\":[{}],\"ip\":{},\"userAgent\":{}}}",
            event.at_ms,
            json_string(event.method),
            json_string(event.path),
            event.status,
            event.duration_ms,
            json_string(event.raw_key),
            json_string(&claims.key_id),
            json_string(&claims.meta.owner),
            json_string(&claims.meta.label),
            json_string(claims.meta.plan),
            scopes.join(","),
            json_string(&event.remote_address),
            json_string(event.user_agent),
        );
        AUDIT_LOG.lock().unwrap_or_else(|e| e.into_inner()).push(record);
    }
}

fn main() {
    kit::serve(Arc::new(Leaky));
}
