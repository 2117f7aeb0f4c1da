/**
 * Redaction of API-key material from everything leakbench writes for people to read.
 *
 * Heap snapshots hold the API keys the server saw (a leaky cache keeps them as Map keys), and the
 * analysis copies names out of the heap into findings: edge names, holder names, string previews.
 * Every string that goes into `report.json`, `report.html`, the index or the terminal passes
 * through {@link redactSecrets}, which replaces anything key-like with a short fingerprint
 * (`lk_…#a1b2c3`, a SHA-256 prefix), so two findings that hold the same key still show the same
 * token while the key itself never leaves the snapshot.
 *
 * Two rules, applied in order:
 * 1. The exact key format `lk_<base62 16–32>_<hex 12>` (scenarios/kit/api-key.ts `KEY_PATTERN`),
 *    anywhere in a string, even glued to other text (`"Map[lk_…]"`, `keylk_…`).
 * 2. Key fragments: `lk_` at a word start followed by 8+ base62 characters, optionally with a
 *    partial checksum — what a truncated string preview in a heap snapshot looks like. The word
 *    start keeps ordinary identifiers such as `bulk_inserted` intact.
 */
import { secretFingerprint } from '../sent-secrets.js';

/**
 * The key format of scenarios/kit/api-key.ts, unanchored and global. Kept in step with its
 * `KEY_PATTERN` by a unit test (harness/report may not import scenario code at run time).
 */
export const KEY_LIKE_PATTERN = /lk_[0-9A-Za-z]{16,32}_[0-9a-f]{12}/g;

/** A truncated key: `lk_` at a word start, 8+ base62 characters, maybe part of the checksum. */
const KEY_FRAGMENT_PATTERN = /(?<![0-9A-Za-z])lk_[0-9A-Za-z]{8,}(?:_[0-9a-f]*)?/g;

/** The fingerprint shown in place of `secret`: `lk_…#` and a SHA-256 prefix. Never key-like itself. */
export function keyFingerprint(secret: string): string {
  return secretFingerprint(secret);
}

/**
 * Replaces every key-like substring of `text` (and every exact occurrence of `extraSecrets`, e.g.
 * keys a caller knows were sent) with its {@link keyFingerprint}.
 */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(keyFingerprint(secret));
  }
  if (!out.includes('lk_')) return out;
  out = out.replace(KEY_LIKE_PATTERN, (m) => keyFingerprint(m));
  return out.replace(KEY_FRAGMENT_PATTERN, (m) => keyFingerprint(m));
}

/** True when `text` still holds anything {@link redactSecrets} would replace. */
export function containsKeyLike(text: string): boolean {
  KEY_LIKE_PATTERN.lastIndex = 0;
  KEY_FRAGMENT_PATTERN.lastIndex = 0;
  const found = KEY_LIKE_PATTERN.test(text) || KEY_FRAGMENT_PATTERN.test(text);
  KEY_LIKE_PATTERN.lastIndex = 0;
  KEY_FRAGMENT_PATTERN.lastIndex = 0;
  return found;
}

/**
 * A deep copy of `value` with every string redacted: values and object keys alike (a finding's
 * `growth` or an extra field may be keyed by heap names). Numbers, booleans and null pass through.
 * Used on whole reports before they are written or printed.
 */
export function redactDeep<T>(value: T, extraSecrets: readonly string[] = []): T {
  return walk(value, extraSecrets) as T;
}

function walk(value: unknown, extra: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, extra);
  if (Array.isArray(value)) return value.map((v) => walk(v, extra));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[redactSecrets(k, extra)] = walk(v, extra);
    }
    return out;
  }
  return value;
}
