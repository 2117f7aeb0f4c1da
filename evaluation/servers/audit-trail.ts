/**
 * Leak (holder: a class static field; container: Array). Appends an audit record per request to
 * a static array that nothing ever trims.
 */
import { serve } from './serve.js';

class AuditTrail {
  static entries: Array<{ atMs: number; keyId: string; path: string; status: number }> = [];

  static record(keyId: string, path: string): void {
    AuditTrail.entries.push({ atMs: Date.now(), keyId, path, status: 200 });
  }
}

serve(({ keyId, path }) => {
  AuditTrail.record(keyId, path);
  return { ok: true };
});
