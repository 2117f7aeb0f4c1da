/**
 * A slow leak (≤ 10 bytes per request). One request in six adds a 12-character prefix of its key
 * id to a Set that is never pruned: about 50 bytes per added entry, ~8 bytes per request.
 */
import { serve } from './serve.js';

const seenPrefixes = new Set<string>();

serve(({ keyId, requestNumber }) => {
  if (requestNumber % 6 === 0) seenPrefixes.add(keyId.slice(0, 12));
  return { ok: true };
});
