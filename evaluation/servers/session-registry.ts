/**
 * Leak (holder: a `globalThis` property; container: Map). Remembers every key's session on a
 * global registry and never forgets one: one entry (string key + small record) per request.
 */
import { serve } from './serve.js';

interface Session {
  keyId: string;
  firstSeenMs: number;
  userAgent: string;
  hits: number;
}

declare global {
  // eslint-disable-next-line no-var
  var sessionRegistry: Map<string, Session> | undefined;
}

serve(({ keyId, userAgent }) => {
  const registry = (globalThis.sessionRegistry ??= new Map());
  let session = registry.get(keyId);
  if (session === undefined) {
    session = { keyId, firstSeenMs: Date.now(), userAgent: userAgent.slice(0), hits: 0 };
    registry.set(keyId, session);
  }
  session.hits++;
  return { ok: true, hits: session.hits };
});
