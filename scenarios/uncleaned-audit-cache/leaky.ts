/**
 * uncleaned-audit-cache, leaky variant: every authenticated call is serialized, key material
 * included, into a module-level audit array that an introspection endpoint was meant to page
 * through and a cleanup job was meant to trim. Nothing trims it: the array gains one JSON string
 * (~400 bytes, the full API key among them) per call for ever.
 * Rust/Axum original: `static AUDIT: Lazy<Mutex<Vec<String>>>` pushed to in a middleware layer,
 * with the cleanup task never spawned.
 */
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

// LEAK: append-only, module-level, unredacted; nothing ever removes an entry.
const auditLog: string[] = [];

/** The variant's hooks; run as the entry script it serves them, imported it only exports them. */
export const variant: ScenarioVariant = {
  scenario: 'uncleaned-audit-cache',
  variant: 'leaky',
  audit(event) {
    const { claims } = event;
    auditLog.push(
      JSON.stringify({
        at: new Date(event.atMs).toISOString(),
        method: event.method,
        path: event.path,
        status: event.statusCode,
        durationMs: event.durationMs,
        apiKey: event.rawKey,
        keyId: claims.keyId,
        owner: claims.meta.owner,
        label: claims.meta.label,
        plan: claims.meta.plan,
        scopes: claims.meta.scopes,
        ip: event.remoteAddress,
        userAgent: event.userAgent,
      }),
    );
  },
};

/** Audit records held in memory (for tests and bench:micro). */
export function auditSize(): number {
  return auditLog.length;
}

await runIfMain(import.meta.url, variant);
