/**
 * Each twin's hooks, called directly (importing a variant does not start it): the leaky one
 * retains per call and the fixed one stays bounded, and behaviour-bearing functions agree.
 * These pin the mechanisms; whether the retention is measurable under load is the harness's job.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { mintBadChecksumKey, mintKey, randomKeyId, verifyKey } from './kit/api-key.js';
import { buildServer } from './kit/build-server.js';
import { createKeyService, deriveKeyMeta, findKeyId } from './kit/key-service.js';
import type { AuditEvent, Claims, KitContext, ScenarioVariant } from './kit/variant.js';
import * as closureFixed from './closure-captured-buffers/fixed.js';
import * as closureLeaky from './closure-captured-buffers/leaky.js';
import * as rotationFixed from './key-rotation-retention/fixed.js';
import * as rotationLeaky from './key-rotation-retention/leaky.js';
import * as rateFixed from './rate-limit-counters/fixed.js';
import * as rateLeaky from './rate-limit-counters/leaky.js';
import * as regexFixed from './regex-churn/fixed.js';
import * as regexLeaky from './regex-churn/leaky.js';
import * as auditFixed from './uncleaned-audit-cache/fixed.js';
import * as auditLeaky from './uncleaned-audit-cache/leaky.js';
import * as mapFixed from './unbounded-map/fixed.js';
import * as mapLeaky from './unbounded-map/leaky.js';

const SECRET = 'unit-test-secret';
const ctx: KitContext = { secret: SECRET, keyService: createKeyService() };

function claimsFor(keyId: string): Claims {
  return { keyId, meta: deriveKeyMeta(keyId), scope: 'read:data', authenticatedAtMs: Date.now() };
}

async function resolveMany(variant: ScenarioVariant, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await variant.resolveKeyMeta!(randomKeyId(), ctx);
}

describe('unbounded-map', () => {
  test('leaky keeps every key; fixed caps the cache; both return the key service answer', async () => {
    const before = mapLeaky.cacheSize();
    await resolveMany(mapLeaky.variant, 3000);
    await resolveMany(mapFixed.variant, 3000);
    expect(mapLeaky.cacheSize() - before).toBe(3000);
    expect(mapFixed.cacheSize()).toBeLessThanOrEqual(1000);
    const id = randomKeyId();
    expect(await mapFixed.variant.resolveKeyMeta!(id, ctx)).toEqual(await mapLeaky.variant.resolveKeyMeta!(id, ctx));
  });
});

describe('closure-captured-buffers', () => {
  test('leaky leaves one listener per call; fixed removes it when the response closes', async () => {
    const key = mintKey(SECRET, findKeyId((m) => !m.revoked && m.scopes.includes('read:data')));
    for (const [mod, expectedGrowth] of [[closureLeaky, 20], [closureFixed, 0]] as const) {
      const server = buildServer(mod.variant, { secret: SECRET });
      onTestFinished(() => server.close());
      const before = mod.rotationListenerCount();
      for (let i = 0; i < 20; i++) {
        const res = await server.inject({ method: 'GET', url: '/v1/data', headers: { 'x-api-key': key } });
        expect(res.statusCode).toBe(200);
      }
      expect(mod.rotationListenerCount() - before).toBe(expectedGrowth);
    }
  });
});

describe('uncleaned-audit-cache', () => {
  const event = (rawKey: string): AuditEvent => ({
    atMs: Date.now(), method: 'GET', path: '/v1/data', statusCode: 200, durationMs: 1, rawKey,
    claims: claimsFor(rawKey.split('_')[1]!), remoteAddress: '127.0.0.1', userAgent: 'test',
  });
  test('leaky appends every call; fixed holds at most its ring capacity', () => {
    const before = auditLeaky.auditSize();
    for (let i = 0; i < 5000; i++) {
      const e = event(mintKey(SECRET));
      auditLeaky.variant.audit!(e);
      auditFixed.variant.audit!(e);
    }
    expect(auditLeaky.auditSize() - before).toBe(5000);
    expect(auditFixed.auditSize()).toBeLessThanOrEqual(4096);
  });
});

describe('rate-limit-counters', () => {
  test('twins make the same decisions; leaky keeps a counter per key per window', () => {
    const claims = claimsFor(findKeyId((m) => m.plan === 'free'));
    const t0 = 1_700_000_000_000;
    const before = rateLeaky.counterCount();
    for (let second = 0; second < 5; second++) {
      for (let i = 0; i < 60; i++) {
        const nowMs = t0 + second * 1000 + i;
        expect(rateFixed.variant.rateLimit!(claims, nowMs)).toEqual(rateLeaky.variant.rateLimit!(claims, nowMs));
      }
    }
    expect(rateLeaky.variant.rateLimit!(claims, t0 + 4999)).toMatchObject({ allowed: false });
    expect(rateLeaky.counterCount() - before).toBe(5);
  });
});

describe('key-rotation-retention', () => {
  test('leaky keeps every generation reachable; fixed at most two', async () => {
    for (let round = 0; round < 3; round++) {
      await resolveMany(rotationLeaky.variant, 10);
      await resolveMany(rotationFixed.variant, 10);
      await new Promise((r) => setTimeout(r, 520));
    }
    await resolveMany(rotationLeaky.variant, 1);
    await resolveMany(rotationFixed.variant, 1);
    expect(rotationLeaky.storeStats().reachableGenerations).toBeGreaterThanOrEqual(4);
    expect(rotationFixed.storeStats().reachableGenerations).toBeLessThanOrEqual(2);
  });
});

describe('regex-churn', () => {
  test('both verifiers give exactly the kit answer on good, bad and mutated keys', () => {
    const inputs: string[] = ['', 'lk__', 'x'.repeat(5000)];
    for (let i = 0; i < 500; i++) {
      const good = mintKey(SECRET);
      const at = i % good.length;
      inputs.push(good, mintBadChecksumKey(SECRET), good.toUpperCase(), good.slice(0, at), `${good.slice(0, at)}é${good.slice(at + 1)}`);
    }
    for (const raw of inputs) {
      const expected = verifyKey(raw, SECRET);
      expect(regexLeaky.verifyKeyChurning(raw, SECRET)).toEqual(expected);
      expect(regexFixed.verifyKeyPooled(raw, SECRET)).toEqual(expected);
    }
  });

  test('both scrub the key out of the access-log line identically', () => {
    for (let i = 0; i < 200; i++) {
      const raw = mintKey(SECRET);
      const url = i % 2 === 0 ? '/v1/data' : `/v1/data?echo=${raw}`;
      const leaky = regexLeaky.scrubbedLogLineChurning('GET', url, raw, 'acct_1');
      expect(regexFixed.scrubbedLogLinePooled('GET', url, raw, 'acct_1')).toBe(leaky);
      expect(leaky).not.toContain(raw);
    }
  });
});
