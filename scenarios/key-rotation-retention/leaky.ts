/**
 * key-rotation-retention, leaky variant: the key store — one signing generation's revocation
 * Bloom filter (256 KiB, built from the revocation list the key service ships with it) — is
 * rotated every 500 ms, lazily, by the first request after the period. So that a key revoked just
 * before a rotation stays revoked during the hand-over, each new store links the previous one as
 * a grace-period fallback and the revocation check walks back along the link. But every store
 * keeps its own `previous`, so the module variable reaches the whole history through a chain:
 * store N → N-1 → … → 1, each holding a 256 KiB filter.
 * Rust/Axum original: `ArcSwap<KeyStore>` where each new store holds `prev: Option<Arc<KeyStore>>`
 * for the grace period, so the `Arc` chain never drops.
 */
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

/** How long one key-store generation serves before the next request rotates it. */
const ROTATE_MS = 500;
/** Size of each generation's revocation Bloom filter. */
const FILTER_BYTES = 256 * 1024;
/** Revoked ids each generation's filter is built from. */
const REVOKED_PER_GENERATION = 2000;

/** FNV-1a, 32-bit, with a seed mixed in: the filter's hash family (Kirsch–Mitzenmacher: h1 + i·h2). */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The three filter bit positions of `keyId`. */
function filterBits(keyId: string): [number, number, number] {
  const h1 = fnv1a(keyId, 0);
  const h2 = fnv1a(keyId, 0x9e3779b9) | 1;
  const bits = FILTER_BYTES * 8;
  return [h1 % bits, (h1 + h2) % bits, (h1 + 2 * h2) % bits];
}

/** One generation of the key store. */
class KeyStore {
  readonly revocationFilter = new Uint8Array(FILTER_BYTES);
  lookups = 0;

  constructor(
    readonly generation: number,
    readonly createdAtMs: number,
    public previous: KeyStore | null,
  ) {
    // Stand-in for the revocation list the key service ships with each generation.
    for (let i = 0; i < REVOKED_PER_GENERATION; i++) {
      for (const bit of filterBits(`revoked-${generation}-${i}`)) this.revocationFilter[bit >> 3]! |= 1 << (bit & 7);
    }
  }

  /** Whether this generation's filter may contain `keyId` (false positives possible, no false negatives). */
  mayBeRevoked(keyId: string): boolean {
    return filterBits(keyId).every((bit) => (this.revocationFilter[bit >> 3]! & (1 << (bit & 7))) !== 0);
  }

  /** Checks this generation and every generation still linked behind it (the grace period). */
  mayBeRevokedInAny(keyId: string): boolean {
    for (let store: KeyStore | null = this; store !== null; store = store.previous) {
      store.lookups++;
      if (store.mayBeRevoked(keyId)) return true;
    }
    return false;
  }
}

let current = new KeyStore(1, Date.now(), null);
let filterHits = 0;

function storeFor(nowMs: number): KeyStore {
  if (nowMs - current.createdAtMs >= ROTATE_MS) {
    // LEAK: the new store links the old one for the grace period, and the old one still links
    // its own predecessor: nothing ever cuts the chain.
    current = new KeyStore(current.generation + 1, nowMs, current);
  }
  return current;
}

/** The variant's hooks; run as the entry script it serves them, imported it only exports them. */
export const variant: ScenarioVariant = {
  scenario: 'key-rotation-retention',
  variant: 'leaky',
  async resolveKeyMeta(keyId, { keyService }) {
    // The request captures the store it started with across its await: harmless, it ends soon.
    const store = storeFor(Date.now());
    // The filter only saves work in production (a hit would skip the cache); the key service's
    // metadata decides revocation either way, so both twins answer alike.
    if (store.mayBeRevokedInAny(keyId)) filterHits++;
    return keyService.lookup(keyId);
  },
};

/** Generations reachable from the current store, and filter hits (for tests and bench:micro). */
export function storeStats(): { reachableGenerations: number; filterHits: number } {
  let reachableGenerations = 0;
  for (let store: KeyStore | null = current; store !== null; store = store.previous) reachableGenerations++;
  return { reachableGenerations, filterHits };
}

await runIfMain(import.meta.url, variant);
