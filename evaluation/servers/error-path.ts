/**
 * Leak only on the error path. One request in eight fails its (simulated) downstream check; the
 * failure handler records the failed key and the error in a Map for "later inspection" and nothing
 * ever deletes it. Successful requests keep nothing.
 */
import { serve } from './serve.js';

const failures = new Map<string, { atMs: number; message: string; stack: string }>();

function checkDownstream(keyId: string): void {
  if (keyId.charCodeAt(0) % 8 === 0) throw new Error(`downstream refused ${keyId.slice(0, 6)}`);
}

serve(({ keyId }) => {
  try {
    checkDownstream(keyId);
    return { ok: true };
  } catch (err) {
    const e = err as Error;
    failures.set(keyId, { atMs: Date.now(), message: e.message, stack: e.stack ?? '' });
    return { ok: false };
  }
});
