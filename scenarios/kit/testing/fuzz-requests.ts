/**
 * A seeded stream of generated requests for the fuzz test: valid and mutated keys (flipped,
 * truncated, padded, non-ASCII, oversized, duplicated), odd methods and paths, JSON, broken JSON,
 * random bytes and oversize bodies. The same seed gives the same stream, so twins get identical
 * input. Keys are fresh per request (a reused key could hit a rate limit in one twin and not the
 * other, depending on where a one-second window boundary falls).
 */
import { mintBadChecksumKey, mintKey, randomKeyId } from '../api-key.js';
import type { NamedRequest } from './request-set.js';

/** mulberry32: a tiny, well-distributed 32-bit PRNG (Tommy Ettinger), enough for test input. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_CHARS = ['é', 'ß', '🔑', '\u00ff', '\u0080', ' ', '\t', '%00', '"', '\\', ',', ';', 'ключ'];
const PATHS = ['/v1/data', '/v1/data', '/v1/data', '/v1/data?x=1', '/v1/data/', '/healthz', '/v1/../v1/data', '/v1/dat', '/%ff', '/v1/data#frag'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];

/** `count` generated requests from `seed`, keys minted under `secret`. */
export function fuzzRequests(count: number, seed: number, secret: string): NamedRequest[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (n: number): number => Math.floor(random() * n);
  // Ids are drawn from the seeded PRNG too, so both twins see exactly the same keys.
  const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const id = (): string => {
    let out = '';
    for (let i = 0, n = 16 + int(17); i < n; i++) out += BASE62[int(62)];
    return out;
  };

  const key = (): { value: string | undefined; dup?: string; mayReset?: boolean } => {
    const good = mintKey(secret, id());
    switch (int(12)) {
      case 0:
        return { value: undefined };
      case 1:
        return { value: mintBadChecksumKey(secret, id()) };
      case 2:
        return { value: good.slice(0, int(good.length)) };
      case 3: {
        const at = int(good.length);
        return { value: good.slice(0, at) + pick(ODD_CHARS) + good.slice(at + 1) };
      }
      case 4:
        return { value: good, dup: pick([good, mintKey(secret, id()), 'x']) };
      case 5:
        return { value: `${good}${'x'.repeat(int(20_000))}`, mayReset: true };
      case 6:
        return { value: pick(['lk__', 'lk_', '_', 'lk_a_b', `lk_${randomKeyId(40)}_000000000000`, 'null', '0']) };
      case 7:
        return { value: good.toUpperCase() };
      default:
        return { value: good };
    }
  };

  const body = (): { value?: string; type?: string } => {
    switch (int(8)) {
      case 0:
        return {};
      case 1:
        return { value: '{"a":', type: 'application/json' };
      case 2:
        return { value: JSON.stringify({ blob: 'y'.repeat(60_000 + int(20_000)) }), type: 'application/json' };
      case 3:
        return { value: String.fromCharCode(...Array.from({ length: int(200) }, () => int(256))), type: pick(['application/json', 'text/plain', 'application/octet-stream']) };
      case 4:
        return { value: '[1,2,3]', type: 'application/json; charset=utf-8' };
      default:
        return { value: JSON.stringify({ n: int(1000), tags: ['a', 'b'], nested: { ok: random() < 0.5 } }), type: 'application/json' };
    }
  };

  const out: NamedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const method = pick(METHODS);
    const path = pick(PATHS);
    const k = key();
    const headers: [string, string][] = [];
    if (k.value !== undefined) headers.push(['X-API-Key', k.value]);
    if (k.dup !== undefined) headers.push(['X-API-Key', k.dup]);
    let payload: string | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const b = body();
      if (b.type !== undefined) headers.push(['Content-Type', b.type]);
      payload = b.value;
    }
    out.push({
      name: `#${i} ${method} ${path}`,
      request: { method, path, headers, ...(payload !== undefined ? { body: payload } : {}) },
      ...(k.mayReset ? { mayReset: true } : {}),
    });
  }
  return out;
}
