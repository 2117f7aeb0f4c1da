/**
 * The shared request set: one request per behaviour the API promises (good keys on both routes,
 * every 4xx path, hostile input). Two variants of a scenario must answer it identically; workshop
 * checks can replay it against a participant's fix.
 */
import { keySecret, mintBadChecksumKey, mintKey } from '../api-key.js';
import { findKeyId } from '../key-service.js';
import type { RawRequest } from './raw-request.js';

/** A named request of the shared set. */
export interface NamedRequest {
  name: string;
  request: RawRequest;
  /** The answer may legitimately be a reset instead of a status (a 1 MB header). */
  mayReset?: boolean;
}

/** Builds the shared request set with keys minted under `secret`. */
export function sharedRequestSet(secret: string = keySecret()): NamedRequest[] {
  const both = mintKey(secret, findKeyId((m) => !m.revoked && m.scopes.length === 2));
  const readOnly = mintKey(secret, findKeyId((m) => !m.revoked && m.scopes.length === 1 && m.scopes[0] === 'read:data'));
  const writeOnly = mintKey(secret, findKeyId((m) => !m.revoked && m.scopes.length === 1 && m.scopes[0] === 'write:data'));
  const revoked = mintKey(secret, findKeyId((m) => m.revoked));
  const badChecksum = mintBadChecksumKey(secret);
  const json = ['Content-Type', 'application/json'] as const;
  const get = (name: string, headers: ReadonlyArray<readonly [string, string]>, mayReset = false): NamedRequest => ({
    name,
    request: { method: 'GET', path: '/v1/data', headers },
    ...(mayReset ? { mayReset } : {}),
  });
  const post = (name: string, key: string, body: string, type: readonly [string, string] = json): NamedRequest => ({
    name,
    request: { method: 'POST', path: '/v1/data', headers: [['X-API-Key', key], type], body },
  });
  return [
    { name: 'healthz without key', request: { method: 'GET', path: '/healthz' } },
    get('GET good key', [['X-API-Key', both]]),
    get('GET good key again (cache hit)', [['X-API-Key', both]]),
    post('POST good key', both, JSON.stringify({ name: 'widget', tags: ['a', 'b'], count: 3 })),
    post('POST good key, JSON null', both, 'null'),
    get('GET read-only key', [['X-API-Key', readOnly]]),
    post('POST read-only key (out of scope)', readOnly, '{"a":1}'),
    get('GET write-only key (out of scope)', [['X-API-Key', writeOnly]]),
    post('POST write-only key', writeOnly, '{"a":1}'),
    get('GET revoked key', [['X-API-Key', revoked]]),
    get('GET bad checksum', [['X-API-Key', badChecksum]]),
    get('GET missing key', []),
    get('GET empty key', [['X-API-Key', '']]),
    get('GET malformed key', [['X-API-Key', 'not-a-key']]),
    get('GET key with uppercase checksum', [['X-API-Key', both.toUpperCase()]]),
    get('GET non-ASCII key', [['X-API-Key', `lk_ключ🔑${'é'.repeat(20)}_0123456789ab`]]),
    get('GET duplicate X-API-Key', [['X-API-Key', both], ['X-API-Key', both]]),
    get('GET 20 KiB key header', [['X-API-Key', `lk_${'a'.repeat(20 * 1024)}`]], true),
    get('GET 1 MB key header', [['X-API-Key', 'k'.repeat(1024 * 1024)]], true),
    post('POST malformed JSON', both, '{"a":'),
    post('POST empty JSON body', both, ''),
    post('POST 70 KB body', both, JSON.stringify({ blob: 'x'.repeat(70 * 1024) })),
    post('POST unsupported media type', both, '<a/>', ['Content-Type', 'application/xml']),
    { name: 'POST without key', request: { method: 'POST', path: '/v1/data', headers: [json], body: '{}' } },
    { name: 'unknown route', request: { method: 'GET', path: '/v2/nothing', headers: [['X-API-Key', both]] } },
    { name: 'wrong method', request: { method: 'DELETE', path: '/v1/data', headers: [['X-API-Key', both]] } },
  ];
}
