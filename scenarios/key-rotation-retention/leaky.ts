/**
 * key-rotation-retention, leaky variant: the key store (metadata resolved under the current
 * signing generation plus that generation's revocation filter) is rotated every 500 ms, on the
 * first request after the period. To give keys resolved just before a rotation a grace period,
 * each new store links to the previous one, and lookups fall back along the link. But every store
 * keeps its own `previous`, so the module variable reaches the whole history through a chain:
 * store N → N-1 → … → 1, each holding its Map of metadata and a 32 KiB filter.
 * Rust/Axum original: `ArcSwap<KeyStore>` where each new store holds `prev: Option<Arc<KeyStore>>`
 * for the grace period, so the `Arc` chain never drops.
 */
import type { KeyMeta } from '../kit/key-service.js';
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

/** How long one key-store generation serves before the next request rotates it. */
const ROTATE_MS = 500;
/** Size of each generation's revocation Bloom filter. */
const FILTER_BYTES = 32 * 1024;
/** Revoked ids each filter is built from. */
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

function filterBits(keyId: string): [number, number, number] {
  const h1 = fnv1a(keyId, 0);
  const h2 = fnv1a(keyId, 0x9e3779b9) | 1;
  const bits = FILTER_BYTES * 8;
  return [h1 % bits, (h1 + h2) % bits, (h1 + 2 * h2) % bits];
}

/** One generation of the key store. */
class KeyStore {
  readonly resolved = new Map<string, KeyMeta>();
  readonly revocationFilter = new Uint8Array(FILTER_BYTES);

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

  mayBeRevoked(keyId: string): boolean {
    return filterBits(keyId).every((bit) => (this.revocationFilter[bit >> 3]! & (1 << (bit & 7))) !== 0);
  }

  /** Metadata resolved under this generation or any generation still linked behind it. */
  find(keyId: string): KeyMeta | undefined {
    for (let store: KeyStore | null = this; store !== null; store = store.previous) {
      const meta = store.resolved.get(keyId);
      if (meta !== undefined) return meta;
    }
    return undefined;
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
    const store = storeFor(Date.now());
    const cached = store.find(keyId);
    if (cached !== undefined) return cached;
    // The filter only saves work in production; metadata from the key service decides either way.
    if (store.mayBeRevoked(keyId)) filterHits++;
    const meta = await keyService.lookup(keyId);
    store.resolved.set(keyId, meta);
    return meta;
  },
};

/** Generations reachable from the current store, and filter hits (for tests and bench:micro). */
export function storeStats(): { reachableGenerations: number; filterHits: number } {
  let reachableGenerations = 0;
  for (let store: KeyStore | null = current; store !== null; store = store.previous) reachableGenerations++;
  return { reachableGenerations, filterHits };
}

await runIfMain(import.meta.url, variant);
