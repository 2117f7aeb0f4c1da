/**
 * The traffic the load generator sends: which key each request carries, GET or POST.
 *
 * Keys are minted with the scenario servers' own scheme (`scenarios/kit/api-key.ts`): with
 * `unique` every request gets a fresh valid key (an unbounded key space, as a real service sees),
 * with `pool:N` the same N keys are reused (a cache keyed by key then stays bounded). A share of
 * requests (`invalidRatio`) carries a bad key, split evenly between a bad checksum (401), a
 * malformed key (400) and no key at all (400).
 */
import { mintBadChecksumKey, mintKey, randomKeyId } from '../../scenarios/kit/api-key.js';
import { LeakbenchError } from '../errors.js';
import type { LoadRequest } from './request-source.js';

/** How keys are chosen: a fresh one per request, or a fixed pool reused at random. */
export type KeyMode = { kind: 'unique' } | { kind: 'pool'; size: number };

/** What kind of key a request carries. */
export type KeyKind = 'valid' | 'bad-checksum' | 'malformed' | 'missing';

/** One request of the key mix. */
export interface MixedRequest extends LoadRequest {
  method: 'GET' | 'POST';
  keyKind: KeyKind;
}

/** Options of {@link createRequestMix}. */
export interface RequestMixOptions {
  keys: KeyMode;
  /** Share of requests with a bad or missing key, 0..1. */
  invalidRatio: number;
  /** Share of POST requests, 0..1. */
  postRatio: number;
  /** The key secret shared with the server (`keySecret()`). */
  secret: string;
  /** Path of the data route (default `/v1/data`). */
  path?: string;
  /** Uniform [0,1) source; injectable so unit tests are deterministic. */
  random?: () => number;
}

/** Parses `unique` or `pool:N` (N ≥ 1); anything else is `E_USAGE`. */
export function parseKeyMode(raw: string): KeyMode {
  if (raw === 'unique') return { kind: 'unique' };
  const match = /^pool:(\d+)$/.exec(raw);
  if (match) {
    const size = Number(match[1]);
    if (Number.isSafeInteger(size) && size >= 1) return { kind: 'pool', size };
  }
  throw new LeakbenchError('E_USAGE', `--keys must be 'unique' or 'pool:N' with N ≥ 1, got '${raw}'`);
}

/** The canonical text of a key mode (`unique`, `pool:100`), as recorded in reports. */
export function formatKeyMode(mode: KeyMode): string {
  return mode.kind === 'unique' ? 'unique' : `pool:${mode.size}`;
}

/** Returns a function producing the next request of the mix. */
export function createRequestMix(options: RequestMixOptions): () => MixedRequest {
  const random = options.random ?? Math.random;
  const path = options.path ?? '/v1/data';
  const { secret } = options;
  const pool = options.keys.kind === 'pool' ? Array.from({ length: options.keys.size }, () => mintKey(secret)) : undefined;
  let sequence = 0;

  const validKey = (): string => (pool ? pool[Math.floor(random() * pool.length)]! : mintKey(secret));

  return () => {
    sequence += 1;
    let keyKind: KeyKind = 'valid';
    const r = random();
    if (r < options.invalidRatio) {
      const third = options.invalidRatio / 3;
      keyKind = r < third ? 'bad-checksum' : r < 2 * third ? 'malformed' : 'missing';
    }
    const headers: Record<string, string> = {};
    switch (keyKind) {
      case 'valid':
        headers['x-api-key'] = validKey();
        break;
      case 'bad-checksum':
        headers['x-api-key'] = mintBadChecksumKey(secret);
        break;
      case 'malformed':
        // Wrong prefix and an id too short for the pattern: rejected on shape (400).
        headers['x-api-key'] = `key-${randomKeyId(8)}`;
        break;
      case 'missing':
        break;
    }
    if (random() < options.postRatio) {
      headers['content-type'] = 'application/json';
      const body = JSON.stringify({ item: `item-${sequence}`, quantity: 1 + (sequence % 9), note: 'leakbench' });
      return { method: 'POST', path, headers, body, keyKind };
    }
    return { method: 'GET', path, headers, keyKind };
  };
}
