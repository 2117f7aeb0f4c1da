import { describe, expect, test } from 'vitest';
import { randomKeyId } from './api-key.js';
import { PLAN_RATE_LIMIT_PER_SEC, createKeyService, deriveKeyMeta, findKeyId, keyLatencyFromEnv } from './key-service.js';

describe('key service', () => {
  test('metadata is a deterministic function of the key id, in fresh objects', () => {
    const a = deriveKeyMeta('abcdefghijklmnop');
    const b = deriveKeyMeta('abcdefghijklmnop');
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(a.scopes).not.toBe(b.scopes);
    expect(a.owner).toMatch(/^acct_[0-9a-f]{8}$/);
    expect(Number.isNaN(Date.parse(a.createdAt))).toBe(false);
    expect(a.rateLimitPerSec).toBe(PLAN_RATE_LIMIT_PER_SEC[a.plan]);
  });

  test('the key population has the documented mix of revoked and scoped keys', () => {
    const metas = Array.from({ length: 10_000 }, () => deriveKeyMeta(randomKeyId()));
    const share = (p: (m: (typeof metas)[number]) => boolean): number => metas.filter(p).length / metas.length;
    expect(share((m) => m.revoked)).toBeGreaterThan(0.006);
    expect(share((m) => m.revoked)).toBeLessThan(0.02);
    expect(share((m) => m.scopes.length === 1 && m.scopes[0] === 'read:data')).toBeGreaterThan(0.07);
    expect(share((m) => m.scopes.length === 1 && m.scopes[0] === 'read:data')).toBeLessThan(0.13);
    expect(share((m) => m.scopes.length === 1 && m.scopes[0] === 'write:data')).toBeGreaterThan(0.01);
    expect(share((m) => m.scopes.length === 2)).toBeGreaterThan(0.8);
  });

  test('lookups honour the simulated latency', async () => {
    const slow = createKeyService({ latencyMs: 30 });
    const started = performance.now();
    const meta = await slow.lookup('abcdefghijklmnop');
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(meta).toEqual(deriveKeyMeta('abcdefghijklmnop'));
    expect(createKeyService({ latencyMs: -5 }).latencyMs).toBe(0);
  });

  test('latency from the environment ignores garbage', () => {
    expect(keyLatencyFromEnv({})).toBe(0);
    expect(keyLatencyFromEnv({ LEAKBENCH_KEY_LATENCY_MS: '2.5' })).toBe(2.5);
    expect(keyLatencyFromEnv({ LEAKBENCH_KEY_LATENCY_MS: 'abc' })).toBe(0);
    expect(keyLatencyFromEnv({ LEAKBENCH_KEY_LATENCY_MS: '-1' })).toBe(0);
  });

  test('findKeyId finds a key with the asked property, or gives up', () => {
    expect(deriveKeyMeta(findKeyId((m) => m.revoked)).revoked).toBe(true);
    expect(() => findKeyId(() => false, 10)).toThrow(/no key id/);
  });
});
