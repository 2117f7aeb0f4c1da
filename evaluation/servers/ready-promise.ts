/**
 * Leak by promise retention. A readiness promise that never settles (the warm-up it waits for
 * never completes); every request chains a `.then` on it to log once ready. Each chained callback
 * and its derived promise are kept by the pending promise's reaction list.
 */
import { serve } from './serve.js';

let markReady: (() => void) | undefined;
const ready = new Promise<void>((resolve) => {
  markReady = resolve;
});
let logged = 0;

serve(({ keyId }) => {
  const prefix = keyId.slice(0, 6);
  void ready.then(() => {
    logged += prefix.length;
  });
  return { ok: true, ready: markReady === undefined, logged };
});
