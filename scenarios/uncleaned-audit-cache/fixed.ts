/**
 * uncleaned-audit-cache, fixed variant: audit records are redacted (a key hint, never the key),
 * kept in a fixed-capacity ring buffer, and drained every 500 ms to a sink (an append-only file
 * in production; the null device here). At most 4,096 small records are in memory at any time;
 * a burst beyond that overwrites the oldest and is counted as dropped.
 * Rust/Axum equivalent: a bounded `tokio::sync::mpsc` channel to a writer task, or a
 * `VecDeque::with_capacity` with `pop_front` when full.
 */
import { createWriteStream } from 'node:fs';
import { devNull } from 'node:os';
import { redactKey } from '../kit/api-key.js';
import { RingBuffer } from '../kit/ring-buffer.js';
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

/** One redacted audit record: no key material beyond a 4-character hint. */
interface AuditRecord {
  atMs: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  keyHint: string;
  owner: string;
  scope: string;
}

// FIX: bounded by construction, redacted, and drained on a timer.
const auditRing = new RingBuffer<AuditRecord>(4096);
const sink = createWriteStream(process.env['LEAKBENCH_AUDIT_FILE'] ?? devNull, { flags: 'a' });
sink.on('error', () => undefined); // an audit sink failure must not take the API down
const drainTimer = setInterval(drainAudit, 500);
drainTimer.unref();

function drainAudit(): void {
  const records = auditRing.drain();
  if (records.length === 0) return;
  let lines = '';
  for (const record of records) lines += `${JSON.stringify(record)}\n`;
  sink.write(lines);
}

/** The variant's hooks; run as the entry script it serves them, imported it only exports them. */
export const variant: ScenarioVariant = {
  scenario: 'uncleaned-audit-cache',
  variant: 'fixed',
  audit(event) {
    auditRing.push({
      atMs: event.atMs,
      method: event.method,
      path: event.path,
      status: event.statusCode,
      durationMs: event.durationMs,
      keyHint: redactKey(event.rawKey),
      owner: event.claims.meta.owner,
      scope: event.claims.scope,
    });
  },
  onClose() {
    clearInterval(drainTimer);
    drainAudit();
    sink.end();
  },
};

/** Audit records held in memory (for tests and bench:micro). */
export function auditSize(): number {
  return auditRing.size;
}

await runIfMain(import.meta.url, variant);
