/**
 * closure-captured-buffers, fixed variant: the same subscription, done right. The listener
 * captures only the key id (a small owned string, not the raw key bytes or the claims graph) and
 * is removed when the response closes (finished or aborted), so the listener array holds only
 * the calls in flight.
 * Rust/Axum equivalent: clone the key id into the closure instead of moving the request's bytes,
 * and drop the subscription guard at the end of the handler.
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
// Kept as in the leaky twin: in-flight calls can exceed the default of 10 listeners.
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
  variant: 'fixed',
  onAuthenticated({ claims, reply }) {
    // FIX: capture only the key id, and unsubscribe when the response closes.
    const keyId = claims.keyId;
    const onRotate = (rotation: KeyRotation): void => {
      if (rotation.retiredKeyIds.has(keyId)) staleInFlight++;
    };
    keyRotation.on('rotate', onRotate);
    reply.raw.once('close', () => keyRotation.off('rotate', onRotate));
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
