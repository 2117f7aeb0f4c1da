/**
 * Two leaks sharing their records. Each request creates one login record and stores it in a Map
 * by key id AND appends it to a history Array; neither is ever trimmed. The records (and their
 * strings) are kept alive by both containers at once, so neither container dominates them.
 */
import { serve } from './serve.js';

interface Login {
  keyId: string;
  agent: string;
  atMs: number;
}

const byKey = new Map<string, Login>();
const history: Login[] = [];

serve(({ keyId, userAgent }) => {
  const login: Login = { keyId, agent: `${userAgent}/${keyId.slice(0, 4)}`, atMs: Date.now() };
  byKey.set(keyId, login);
  history.push(login);
  return { ok: true };
});
