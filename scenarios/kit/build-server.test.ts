import { describe, expect, onTestFinished, test } from 'vitest';
import { mintBadChecksumKey, mintKey } from './api-key.js';
import { buildServer } from './build-server.js';
import { deriveKeyMeta, findKeyId } from './key-service.js';
import { portFromEnv, startServer } from './run-scenario.js';
import type { AuditEvent, AuthenticatedCall, ScenarioVariant } from './variant.js';

const SECRET = 'unit-test-secret';
const goodKey = (): string => mintKey(SECRET, findKeyId((m) => !m.revoked && m.scopes.length === 2));

function app(variant: Partial<ScenarioVariant> = {}) {
  const server = buildServer({ scenario: 'unit', variant: 'test', ...variant }, { secret: SECRET });
  onTestFinished(() => server.close());
  return server;
}

describe('buildServer', () => {
  test('answers each documented status', async () => {
    const server = app();
    const key = goodKey();
    const readOnly = mintKey(SECRET, findKeyId((m) => !m.revoked && m.scopes.length === 1 && m.scopes[0] === 'read:data'));
    const revoked = mintKey(SECRET, findKeyId((m) => m.revoked));
    const get = (headers: Record<string, string> = {}) => server.inject({ method: 'GET', url: '/v1/data', headers });
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ok = await get({ 'x-api-key': key });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ owner: deriveKeyMeta(key.split('_')[1]!).owner });
    expect((await get()).json()).toEqual({ error: 'missing_key', message: 'X-API-Key header is required' });
    expect((await get({ 'x-api-key': 'nope' })).statusCode).toBe(400);
    expect((await get({ 'x-api-key': mintBadChecksumKey(SECRET) })).statusCode).toBe(401);
    expect((await get({ 'x-api-key': revoked })).statusCode).toBe(401);
    const post = (k: string, payload: string, type = 'application/json') =>
      server.inject({ method: 'POST', url: '/v1/data', headers: { 'x-api-key': k, 'content-type': type }, payload });
    expect((await post(readOnly, '{}')).statusCode).toBe(403);
    expect((await post(key, '{"a":1,"b":2}')).json()).toMatchObject({ accepted: true, fields: 2 });
    expect((await post(key, '{"a":')).json()).toMatchObject({ error: 'invalid_json' });
    expect((await post(key, JSON.stringify({ x: 'y'.repeat(70_000) }))).statusCode).toBe(413);
    expect((await post(key, '<a/>', 'application/xml')).statusCode).toBe(415);
    expect((await server.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);
  });

  test('rejects a key header sent as an array', async () => {
    const server = app();
    const res = await server.inject({ method: 'GET', url: '/v1/data', headers: { 'x-api-key': [goodKey(), goodKey()] } });
    expect(res.statusCode).toBe(400);
  });

  test('calls the hooks in order, only for authenticated calls', async () => {
    const seen: string[] = [];
    const calls: AuthenticatedCall[] = [];
    const audits: AuditEvent[] = [];
    const server = app({
      resolveKeyMeta: (id) => {
        seen.push(`resolve ${id}`);
        return deriveKeyMeta(id);
      },
      onAuthenticated: (call) => {
        seen.push('authenticated');
        calls.push(call);
      },
      audit: (event) => {
        seen.push('audit');
        audits.push(event);
      },
    });
    const key = goodKey();
    await server.inject({ method: 'GET', url: '/v1/data', headers: { 'x-api-key': key } });
    await server.inject({ method: 'GET', url: '/v1/data', headers: { 'x-api-key': mintBadChecksumKey(SECRET) } });
    const id = key.split('_')[1]!;
    expect(seen).toEqual([`resolve ${id}`, 'authenticated', 'audit']);
    expect(calls[0]!.rawKey.toString('latin1')).toBe(key);
    expect(audits[0]).toMatchObject({ method: 'GET', path: '/v1/data', statusCode: 200, rawKey: key });
  });

  test('a rate-limit hook turns into 429 with retry-after', async () => {
    const server = app({ rateLimit: () => ({ allowed: false, retryAfterSec: 1 }) });
    const res = await server.inject({ method: 'GET', url: '/v1/data', headers: { 'x-api-key': goodKey() } });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });

  test('a throwing hook is a 500 that does not echo the error', async () => {
    const server = app({
      resolveKeyMeta: () => {
        throw new Error('secret detail');
      },
    });
    const res = await server.inject({ method: 'GET', url: '/v1/data', headers: { 'x-api-key': goodKey() } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret detail');
  });
});

describe('starting', () => {
  test('port 0 binds a free port on 127.0.0.1 and reports it', async () => {
    const server = await startServer({ scenario: 'unit', variant: 'test' }, 0, { secret: SECRET });
    onTestFinished(() => server.close());
    expect(server.port).toBeGreaterThan(0);
    expect(server.app.server.address()).toMatchObject({ address: '127.0.0.1', port: server.port });
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(200);
  });

  test('PORT is parsed strictly', () => {
    expect(portFromEnv({})).toBe(0);
    expect(portFromEnv({ PORT: '8080' })).toBe(8080);
    for (const bad of ['-1', '65536', 'abc', '80a', '']) expect(portFromEnv({ PORT: bad })).toBeUndefined();
  });
});
