import { describe, expect, it } from 'vitest';
import { mintBadChecksumKey, mintKey } from '../../scenarios/kit/api-key.js';
import { isLeakbenchError } from '../errors.js';
import { findSecrets, LEAKBENCH_KEY_SHAPE, parseSecretPattern } from '../sent-secrets.js';
import { KeyLedger } from './key-ledger.js';
import type { MixedRequest } from './request-mix.js';

const SECRET = 'ledger-secret';

function get(headers: Record<string, string>, keyKind: MixedRequest['keyKind'] = 'valid'): MixedRequest {
  return { method: 'GET', path: '/v1/data', headers, keyKind };
}

describe('KeyLedger', () => {
  it('records each valid key once with its id and checksum, and when its first request completed', () => {
    const ledger = new KeyLedger();
    const key = mintKey(SECRET);
    const t1 = ledger.sent(get({ 'x-api-key': key }));
    const t2 = ledger.sent(get({ 'x-api-key': key }));
    expect(t1).toBeGreaterThan(0);
    expect(ledger.size).toBe(1);
    ledger.completed(t2, 7);
    ledger.completed(t1, 9);
    const [s] = ledger.snapshot().secrets;
    expect(s).toEqual({ whole: key, id: key.slice(3, -13), secret: key.slice(-12), completedAtRequest: 7 });
    expect(ledger.snapshot().requestsWithSecrets).toBe(2);
  });

  it('ignores requests the mix marked invalid (they grant nothing) and requests without a key', () => {
    const ledger = new KeyLedger();
    expect(ledger.sent(get({ 'x-api-key': mintBadChecksumKey(SECRET) }, 'bad-checksum'))).toBe(0);
    expect(ledger.sent(get({}, 'missing'))).toBe(0);
    expect(ledger.sent(get({ 'x-api-key': 'key-abc' }, 'malformed'))).toBe(0);
    ledger.completed(0, 1);
    expect(ledger.size).toBe(0);
  });

  it('with a --secret-pattern, takes group 1 as the secret part and keeps the header value as sent', () => {
    const shape = parseSecretPattern('Bearer (\\S+)');
    const ledger = new KeyLedger(shape);
    const key = mintKey(SECRET);
    const token = ledger.sent(get({ authorization: `Bearer ${key}` }));
    ledger.completed(token, 1);
    expect(ledger.snapshot()).toEqual({
      shape: 'Bearer (\\S+)',
      requestsWithSecrets: 1,
      secrets: [{ whole: `Bearer ${key}`, secret: key, completedAtRequest: 1 }],
    });
  });

  it('finds secrets in bodies too, and named groups win over group 1', () => {
    const shape = parseSecretPattern('tok_(?<id>[a-z]{4})_(?<secret>[0-9]{6})');
    expect(findSecrets('{"token":"tok_abcd_123456"}', shape)).toEqual([{ whole: 'tok_abcd_123456', secret: '123456', id: 'abcd' }]);
    const ledger = new KeyLedger(shape);
    ledger.sent({ method: 'POST', path: '/', headers: {}, body: '{"token":"tok_abcd_123456"}', keyKind: 'valid' });
    expect(ledger.size).toBe(1);
    expect(findSecrets(`x ${mintKey(SECRET)} y`, LEAKBENCH_KEY_SHAPE)).toHaveLength(1);
  });

  it('refuses a pattern that does not compile or matches the empty string (E_USAGE)', () => {
    for (const bad of ['(', 'a*']) {
      try {
        parseSecretPattern(bad);
        expect.fail(`accepted ${bad}`);
      } catch (err) {
        expect(isLeakbenchError(err, 'E_USAGE')).toBe(true);
      }
    }
  });
});
