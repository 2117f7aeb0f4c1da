/**
 * closure-captured-buffers, leaky variant: every authenticated call subscribes to the server's
 * key-rotation events so that a call still in flight when its key is retired can be flagged. The
 * listener closes over the raw key bytes and the parsed claims, and nobody ever removes it: the
 * emitter's listener array holds one closure per request for ever, and each closure holds a
 * Buffer view into an 8 KiB pool slab plus the claims object graph.
 * `setMaxListeners(0)` silences the MaxListenersExceededWarning that would have said so.
 * Rust/Axum original: a `tokio::sync::broadcast` subscription (or a boxed `Fn` pushed into a
 * `Vec` of callbacks) whose closure `move`s the request's `Bytes` and claims, never dropped.
 */
import { EventEmitter } from 'node:events';
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

/** A rotation event: the key ids whose secret was retired, and when. */
interface KeyRotation {
  generation: number;
  retiredKeyIds: ReadonlySet<string>;
}

/** Process-wide key-rotation notifications. */
const keyRotation = new EventEmitter();
// Real code reaches for this when Node warns about "possible EventEmitter memory leak".
keyRotation.setMaxListeners(0);
let generation = 0;
let staleInFlight = 0;

// The key service announces a rotation every 2 s (no key of the load is ever in the set).
const rotationTimer = setInterval(() => {
  generation++;
  keyRotation.emit('rotate', { generation, retiredKeyIds: new Set([`retired${generation}`]) } satisfies KeyRotation);
}, 2000);
rotationTimer.unref();

/** The variant's hooks; run as the entry script it serves them, imported it only exports them. */
export const variant: ScenarioVariant = {
  scenario: 'closure-captured-buffers',
  variant: 'leaky',
  onAuthenticated({ claims, rawKey }) {
    // LEAK: the closure captures `rawKey` (a Buffer) and `claims`, and is never unsubscribed.
    keyRotation.on('rotate', (rotation: KeyRotation) => {
      if (rotation.retiredKeyIds.has(claims.keyId) && rawKey.length > 0) staleInFlight++;
    });
  },
  onClose() {
    clearInterval(rotationTimer);
    keyRotation.removeAllListeners();
  },
};

/** Calls flagged as in flight while their key was retired (for tests). */
export function staleInFlightCount(): number {
  return staleInFlight;
}

/** Rotation listeners currently subscribed (for tests and bench:micro). */
export function rotationListenerCount(): number {
  return keyRotation.listenerCount('rotate');
}

await runIfMain(import.meta.url, variant);
