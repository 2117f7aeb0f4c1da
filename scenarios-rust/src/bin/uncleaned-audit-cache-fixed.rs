//! uncleaned-audit-cache, fixed twin: audit records are redacted (a key hint, never the key),
//! kept in a fixed-capacity ring, and drained every 500 ms to a sink (an append-only file in
//! production; the null device here, or `LEAKBENCH_AUDIT_FILE`). At most 4,096 small owned
//! records are in memory; a burst beyond that overwrites the oldest and is counted as dropped.
//! Twin of scenarios/uncleaned-audit-cache/fixed.ts.

use std::fs::OpenOptions;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leakbench_scenarios::bounded::Ring;
use leakbench_scenarios::kit::{self, json_string, redact_key, AuditEvent, Variant};

/// One redacted audit record: no key material beyond a 4-character hint.
struct AuditRecord {
    at_ms: u64,
    method: String,
    path: String,
    status: u16,
    duration_ms: f64,
    key_hint: String,
    owner: String,
    scope: &'static str,
}

// FIX: bounded by construction, redacted, and drained on a timer.
static AUDIT_RING: Mutex<Option<Ring<AuditRecord>>> = Mutex::new(None);

struct Fixed;

impl Variant for Fixed {
    fn audit(&self, event: &AuditEvent<'_>) {
        let record = AuditRecord {
            at_ms: event.at_ms,
            method: event.method.to_string(),
            path: event.path.to_string(),
            status: event.status,
            duration_ms: event.duration_ms,
            key_hint: redact_key(event.raw_key),
            owner: event.claims.meta.owner.clone(),
            scope: event.claims.scope,
        };
        AUDIT_RING.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(|| Ring::new(4096)).push(record);
    }
}

fn drain_audit(sink: &mut std::fs::File) {
    let records = match AUDIT_RING.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        Some(ring) => ring.drain(),
        None => return,
    };
    let mut lines = String::new();
    for r in records {
        lines.push_str(&format!(
            "{{\"atMs\":{},\"method\":{},\"path\":{},\"status\":{},\"durationMs\":{},\"keyHint\":{},\"owner\":{},\"scope\":{}}}\n",
            r.at_ms,
            json_string(&r.method),
            json_string(&r.path),
            r.status,
            r.duration_ms,
            json_string(&r.key_hint),
            json_string(&r.owner),
            json_string(r.scope),
        ));
    }
    // An audit sink failure must not take the API down.
    let _ = sink.write_all(lines.as_bytes());
}

fn main() {
    let path = std::env::var("LEAKBENCH_AUDIT_FILE").unwrap_or_else(|_| "/dev/null".to_string());
    if let Ok(mut sink) = OpenOptions::new().create(true).append(true).open(path) {
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            drain_audit(&mut sink);
        });
    }
    kit::serve(Arc::new(Fixed));
}
