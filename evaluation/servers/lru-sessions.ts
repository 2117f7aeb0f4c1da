/**
 * Control, not a leak: sessions in a bounded LRU (lru-cache, max 5,000). It fills during the
 * first steps of load and then plateaus, evicting one old session per new one.
 */
import { LRUCache } from 'lru-cache';
import { serve } from './serve.js';

const sessions = new LRUCache<string, { keyId: string; firstSeenMs: number; hits: number }>({ max: 5_000 });

serve(({ keyId }) => {
  let session = sessions.get(keyId);
  if (session === undefined) {
    session = { keyId, firstSeenMs: Date.now(), hits: 0 };
    sessions.set(keyId, session);
  }
  session.hits++;
  return { ok: true, hits: session.hits };
});
