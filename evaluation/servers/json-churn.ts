/**
 * Control, not a leak: heavy per-request churn. Each request builds, serializes and parses a
 * few hundred objects and a 16 KiB Buffer; nothing outlives the request.
 */
import { serve } from './serve.js';

serve(({ keyId, requestNumber }) => {
  const rows = Array.from({ length: 200 }, (_, i) => ({ i, keyId, label: `row-${i}-${requestNumber}`, tags: [i % 7, i % 11] }));
  const text = JSON.stringify(rows);
  const parsed = JSON.parse(text) as typeof rows;
  const scratch = Buffer.alloc(16 * 1024, keyId);
  return { ok: true, rows: parsed.length, bytes: text.length + scratch.length };
});
