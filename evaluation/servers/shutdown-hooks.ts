/**
 * Leak (holder: an EventEmitter's listener array). Each request registers a 'shutdown' listener
 * to flush its payload on exit and never removes it; the closure captures a 2 KiB Buffer.
 */
import { EventEmitter } from 'node:events';
import { serve } from './serve.js';

const lifecycle = new EventEmitter();
lifecycle.setMaxListeners(0);
let flushed = 0;

serve(({ key, requestNumber }) => {
  const payload = Buffer.alloc(2048, key);
  lifecycle.on('shutdown', () => {
    flushed += payload.length;
  });
  return { ok: true, requestNumber, flushed };
});
