/**
 * Slow leak (holder: module variable; container: Set), about 25 bytes per request: three requests
 * in four add a 12-character fingerprint string (~32 bytes with its Set slot) to a de-duplication
 * Set that is never cleared.
 */
import { serve } from './serve.js';

const seen = new Set<string>();

serve(({ keyId, requestNumber }) => {
  if (requestNumber % 4 !== 0) seen.add(keyId.slice(0, 12));
  return { ok: true, size: seen.size };
});
