import { describe, expect, it } from 'vitest';
import { KEY_PATTERN, mintBadChecksumKey, mintKey } from '../../scenarios/kit/api-key.js';
import { containsKeyLike, keyFingerprint, redactDeep, redactSecrets } from './redact-secrets.js';

const SECRET = 'test-secret';

describe('redactSecrets', () => {
  it('replaces a whole key with a stable fingerprint that is not key-like', () => {
    const key = mintKey(SECRET);
    const out = redactSecrets(`cached ${key} for owner`);
    expect(out).not.toContain(key);
    expect(out).toBe(`cached ${keyFingerprint(key)} for owner`);
    expect(redactSecrets(key)).toBe(redactSecrets(key));
    expect(containsKeyLike(out)).toBe(false);
    expect(keyFingerprint(key)).toMatch(/^lk_…#[0-9a-f]{6}$/);
  });

  it('redacts every key of every length the kit mints, valid or not, glued to other text', () => {
    for (let len = 16; len <= 32; len++) {
      for (const key of [mintKey(SECRET, undefined), mintKey(SECRET, 'A'.repeat(len)), mintBadChecksumKey(SECRET)]) {
        expect(KEY_PATTERN.test(key)).toBe(true);
        for (const text of [key, `Map[${key}]`, `x${key}y`, `"${key}"→Object`, `${key}${key}`]) {
          const out = redactSecrets(text);
          expect(out, text).not.toContain(key);
          expect(containsKeyLike(out), out).toBe(false);
        }
      }
    }
  });

  it('redacts truncated key previews but leaves ordinary identifiers alone', () => {
    const key = mintKey(SECRET, 'abcdefghijKLMNOPqrstuv');
    const truncated = key.slice(0, 20);
    expect(redactSecrets(`string "${truncated}…"`)).not.toContain(truncated);
    expect(redactSecrets('bulk_inserted rows')).toBe('bulk_inserted rows');
    expect(redactSecrets('lk_short')).toBe('lk_short');
    expect(redactSecrets('keyCache (module scope)')).toBe('keyCache (module scope)');
  });

  it('redacts extra secrets a caller knows about', () => {
    expect(redactSecrets('id=abcdefghij123 seen', ['abcdefghij123'])).toBe(`id=${keyFingerprint('abcdefghij123')} seen`);
  });
});

describe('redactDeep', () => {
  it('redacts strings and object keys at any depth without touching numbers', () => {
    const key = mintKey(SECRET);
    const input = { a: [{ name: key, count: 3 }], [key]: { edge: `[${key}]`, n: 1.5, ok: true, none: null } };
    const out = redactDeep(input);
    const text = JSON.stringify(out);
    expect(text).not.toContain(key);
    expect(out.a[0]?.count).toBe(3);
    expect(Object.values(out)[1]).toEqual({ edge: `[${keyFingerprint(key)}]`, n: 1.5, ok: true, none: null });
    // The input is not modified.
    expect(JSON.stringify(input)).toContain(key);
  });
});
