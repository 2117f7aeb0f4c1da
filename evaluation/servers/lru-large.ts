/**
 * Control, not a leak: a bounded cache larger than the measurement window. Sessions live in an
 * lru-cache with max 200,000; the evaluation sends ~32,000 requests, so the cache grows at every
 * step and never reaches its bound. Growth that the heap shows to be bounded is not a leak.
 */
import { LRUCache } from 'lru-cache';
import { serve } from './serve.js';

const sessions = new LRUCache<string, { keyId: string; firstSeenMs: number; hits: number }>({ max: 200_000 });

serve(({ keyId }) => {
  let session = sessions.get(keyId);
  if (session === undefined) {
    session = { keyId, firstSeenMs: Date.now(), hits: 0 };
    sessions.set(keyId, session);
  }
  session.hits++;
  return { ok: true, hits: session.hits };
});
