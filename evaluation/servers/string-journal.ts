/**
 * Leak by string building. A module-level journal string gets one line appended per request
 * (`journal += line`) and is never flushed: V8 keeps a growing tree of concatenated strings.
 */
import { serve } from './serve.js';

let journal = '';

serve(({ keyId, path, requestNumber }) => {
  journal += `${requestNumber} ${path} ${keyId.slice(0, 8)}\n`;
  return { ok: true, length: journal.length };
});
