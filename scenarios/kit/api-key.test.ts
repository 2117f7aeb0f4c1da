import { describe, expect, test } from 'vitest';
import {
  CHECKSUM_LENGTH,
  DEFAULT_KEY_SECRET,
  KEY_PATTERN,
  checksumOf,
  keySecret,
  mintBadChecksumKey,
  mintKey,
  randomKeyId,
  redactKey,
  verifyKey,
} from './api-key.js';

const SECRET = 'unit-test-secret';

describe('api key scheme', () => {
  test('a minted key has the documented shape and verifies', () => {
    const key = mintKey(SECRET, 'abcdefghijklmnop1234');
    expect(key).toMatch(KEY_PATTERN);
    expect(key.split('_')[2]).toHaveLength(CHECKSUM_LENGTH);
    expect(verifyKey(key, SECRET)).toEqual({ ok: true, id: 'abcdefghijklmnop1234' });
  });

  test('the checksum depends on the secret', () => {
    const key = mintKey(SECRET);
    expect(verifyKey(key, 'another-secret')).toEqual({ ok: false, status: 401, reason: 'bad-checksum' });
    expect(checksumOf('x'.repeat(16), SECRET)).not.toBe(checksumOf('x'.repeat(16), 'another-secret'));
  });

  test('a bad-checksum key is well formed but rejected with 401', () => {
    for (let i = 0; i < 50; i++) {
      const key = mintBadChecksumKey(SECRET);
      expect(key).toMatch(KEY_PATTERN);
      expect(verifyKey(key, SECRET)).toEqual({ ok: false, status: 401, reason: 'bad-checksum' });
    }
  });

  test('missing and malformed keys are 400', () => {
    expect(verifyKey(undefined, SECRET)).toMatchObject({ status: 400, reason: 'missing' });
    expect(verifyKey('', SECRET)).toMatchObject({ status: 400, reason: 'missing' });
    for (const raw of ['lk_short_0123456789ab', 'lk_ключключключключключ_0123456789ab', mintKey(SECRET).toUpperCase(), `${mintKey(SECRET)} `, 'x'.repeat(100_000)]) {
      expect(verifyKey(raw, SECRET)).toMatchObject({ ok: false, status: 400, reason: 'malformed' });
    }
  });

  test('random ids are base62 of the asked length and differ', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomKeyId(22)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{22}$/);
  });

  test('the secret comes from LEAKBENCH_KEY_SECRET or the default', () => {
    expect(keySecret({})).toBe(DEFAULT_KEY_SECRET);
    expect(keySecret({ LEAKBENCH_KEY_SECRET: 's3' })).toBe('s3');
  });

  test('redactKey keeps a 4-character hint and nothing of the checksum', () => {
    const key = mintKey(SECRET, 'Abcd0123456789xyzQ');
    const redacted = redactKey(key);
    expect(redacted).toBe('lk_Abcd…');
    expect(redacted).not.toContain(key.split('_')[2]!);
    expect(redactKey('not a key é')).toBe('<malformed>');
  });
});
