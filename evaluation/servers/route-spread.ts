/**
 * Leak spread over many containers (a second shape). 1,200 per-user recent-path Sets as properties
 * of one plain object, created lazily on the user's first request; each request adds its path and
 * a counter, so every Set grows a little and no Set grows much.
 */
import { serve } from './serve.js';

const USERS = 1_200;
const recentPaths: Record<string, Set<string>> = {};

serve(({ path, requestNumber }) => {
  const user = `u${requestNumber % USERS}`;
  const set = (recentPaths[user] ??= new Set());
  set.add(`${path}#${requestNumber}`);
  return { ok: true, size: set.size };
});
