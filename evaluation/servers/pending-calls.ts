/**
 * Leak (a pending-call table). A tiny RPC client keeps each outgoing call's resolve/reject in a Map
 * until the reply arrives. The simulated backend answers three calls in four; the fourth never
 * answers, and the client has no timeout, so its entry (two callbacks and a promise) stays forever.
 */
import { serve } from './serve.js';

interface PendingCall {
  resolve: (value: string) => void;
  reject: (err: Error) => void;
  sentAtMs: number;
  method: string;
}

const pending = new Map<number, PendingCall>();
let nextCallId = 1;

function backend(callId: number): void {
  if (callId % 4 === 0) return; // lost reply
  setImmediate(() => {
    const call = pending.get(callId);
    if (call === undefined) return;
    pending.delete(callId);
    call.resolve('ok');
  });
}

function call(method: string): Promise<string> {
  const callId = nextCallId++;
  const reply = new Promise<string>((resolve, reject) => {
    pending.set(callId, { resolve, reject, sentAtMs: Date.now(), method });
  });
  backend(callId);
  return reply;
}

serve(({ keyId }) => {
  call(`lookup:${keyId.slice(0, 4)}`).catch(() => undefined);
  return { ok: true };
});
