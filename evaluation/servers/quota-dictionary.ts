/**
 * Leak (holder: module variable; container: a plain object used as a dictionary). Per-key quota
 * counters stored as properties of an object, never expired.
 */
import { serve } from './serve.js';

const quotas: Record<string, { used: number; windowStartMs: number }> = {};

serve(({ keyId }) => {
  const quota = (quotas[keyId] ??= { used: 0, windowStartMs: Date.now() });
  quota.used++;
  return { ok: true, used: quota.used };
});
