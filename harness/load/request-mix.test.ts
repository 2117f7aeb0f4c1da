import { describe, expect, test } from 'vitest';
import { KEY_PATTERN, verifyKey } from '../../scenarios/kit/api-key.js';
import { isLeakbenchError } from '../errors.js';
import { createRequestMix, formatKeyMode, parseKeyMode } from './request-mix.js';

/** A tiny deterministic PRNG (mulberry32) so the mix's shares can be checked exactly. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SECRET = 'test-secret';

describe('parseKeyMode', () => {
  test('accepts unique and pool:N, rejects the rest with E_USAGE', () => {
    expect(parseKeyMode('unique')).toEqual({ kind: 'unique' });
    expect(parseKeyMode('pool:25')).toEqual({ kind: 'pool', size: 25 });
    expect(formatKeyMode({ kind: 'pool', size: 25 })).toBe('pool:25');
    for (const bad of ['pool:0', 'pool:', 'pool:-3', 'pool:1.5', 'shared', '']) {
      let err: unknown;
      try {
        parseKeyMode(bad);
      } catch (e) {
        err = e;
      }
      expect(isLeakbenchError(err, 'E_USAGE')).toBe(true);
    }
  });
});

describe('createRequestMix', () => {
  test('unique keys: every valid key is fresh and verifies; invalid and POST shares match the options', () => {
    const next = createRequestMix({ keys: { kind: 'unique' }, invalidRatio: 0.3, postRatio: 0.25, secret: SECRET, random: seeded(1) });
    const n = 6000;
    const kinds: Record<string, number> = {};
    const validKeys = new Set<string>();
    let posts = 0;
    for (let i = 0; i < n; i++) {
      const r = next();
      kinds[r.keyKind] = (kinds[r.keyKind] ?? 0) + 1;
      const key = r.headers['x-api-key'];
      const check = verifyKey(key, SECRET);
      if (r.keyKind === 'valid') {
        expect(check.ok).toBe(true);
        validKeys.add(key!);
      } else if (r.keyKind === 'bad-checksum') {
        expect(check).toMatchObject({ ok: false, status: 401 });
      } else {
        expect(check).toMatchObject({ ok: false, status: 400 });
      }
      if (r.method === 'POST') {
        posts += 1;
        expect(JSON.parse(r.body!)).toHaveProperty('item');
        expect(r.headers['content-type']).toBe('application/json');
      } else {
        expect(r.body).toBeUndefined();
      }
      expect(r.path).toBe('/v1/data');
    }
    expect(validKeys.size).toBe(kinds['valid']);
    const invalid = n - (kinds['valid'] ?? 0);
    expect(invalid / n).toBeGreaterThan(0.27);
    expect(invalid / n).toBeLessThan(0.33);
    for (const k of ['bad-checksum', 'malformed', 'missing']) expect((kinds[k] ?? 0) / n).toBeGreaterThan(0.08);
    expect(posts / n).toBeGreaterThan(0.22);
    expect(posts / n).toBeLessThan(0.28);
  });

  test('pool:N reuses exactly N valid keys', () => {
    const next = createRequestMix({ keys: { kind: 'pool', size: 7 }, invalidRatio: 0, postRatio: 0, secret: SECRET, random: seeded(2) });
    const keys = new Set<string>();
    for (let i = 0; i < 2000; i++) keys.add(next().headers['x-api-key']!);
    expect(keys.size).toBe(7);
    for (const key of keys) expect(KEY_PATTERN.test(key)).toBe(true);
  });
});
