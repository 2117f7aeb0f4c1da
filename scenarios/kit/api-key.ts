/**
 * The API-key scheme every scenario server validates and the load generator mints.
 *
 * A key looks like `lk_<id>_<checksum>`: `<id>` is random base62 (16–32 chars) and `<checksum>`
 * is the HMAC-SHA256 of the id under a server secret, base62-free hex truncated to 12 chars. Like
 * real checksummed key schemes (GitHub's `ghp_…`), this gives an unbounded space of valid keys that
 * a server can verify without a database, so a load test can send a fresh valid key per request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Secret shared by the scenario servers and the load generator unless `LEAKBENCH_KEY_SECRET` is set. */
export const DEFAULT_KEY_SECRET = 'leakbench-demo-secret-not-for-production';

/** Length of the hex checksum at the end of a key. */
export const CHECKSUM_LENGTH = 12;

/** Matches the key format; group 1 is the id, group 2 the checksum. */
export const KEY_PATTERN = /^lk_([0-9A-Za-z]{16,32})_([0-9a-f]{12})$/;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The secret in force: `LEAKBENCH_KEY_SECRET` or the default. */
export function keySecret(env: NodeJS.ProcessEnv = process.env): string {
  return env['LEAKBENCH_KEY_SECRET'] || DEFAULT_KEY_SECRET;
}

/** Checksum of an id under `secret`. */
export function checksumOf(id: string, secret: string): string {
  return createHmac('sha256', secret).update(id).digest('hex').slice(0, CHECKSUM_LENGTH);
}

/** A random base62 id of `length` characters. */
export function randomKeyId(length = 22): string {
  const bytes = randomBytes(length);
  let id = '';
  for (let i = 0; i < length; i++) id += BASE62[bytes[i]! % 62];
  return id;
}

/** Mints a valid key for `id` (random when omitted). */
export function mintKey(secret: string, id: string = randomKeyId()): string {
  return `lk_${id}_${checksumOf(id, secret)}`;
}

/** Mints a well-formed key whose checksum is wrong (→ 401). */
export function mintBadChecksumKey(secret: string, id: string = randomKeyId()): string {
  const good = checksumOf(id, secret);
  const flipped = (good[0] === '0' ? '1' : '0') + good.slice(1);
  return `lk_${id}_${flipped}`;
}

/** Result of checking a key's shape and checksum. */
export type KeyCheck =
  | { ok: true; id: string }
  | { ok: false; status: 400 | 401; reason: 'missing' | 'malformed' | 'bad-checksum' };

/** Checks the shape (→ 400) and the checksum in constant time (→ 401). */
export function verifyKey(raw: string | undefined, secret: string): KeyCheck {
  if (raw === undefined || raw === '') return { ok: false, status: 400, reason: 'missing' };
  const match = KEY_PATTERN.exec(raw);
  if (!match) return { ok: false, status: 400, reason: 'malformed' };
  const id = match[1]!;
  // Unpooled copies: `Buffer.from(string)` copies short strings into Node's shared 8 KiB pool
  // slab, where the checksum bytes outlive the request for as long as any other view keeps the
  // slab alive (the key-residency scan finds them there). `Buffer.alloc` gives each its own memory.
  const expected = ownedAscii(checksumOf(id, secret));
  const given = ownedAscii(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, status: 401, reason: 'bad-checksum' };
  }
  return { ok: true, id };
}

/** The ASCII bytes of `text` in a Buffer of its own (never a slice of the shared pool). */
function ownedAscii(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  out.write(text, 'latin1');
  return out;
}

/**
 * A key safe to log: the `lk_` prefix and the first 4 characters of the id, nothing of the
 * checksum (`lk_Ab3x…`). Anything that is not a well-formed key becomes `<malformed>`, so a
 * log never echoes arbitrary header bytes.
 */
export function redactKey(raw: string): string {
  const match = KEY_PATTERN.exec(raw);
  return match ? `lk_${match[1]!.slice(0, 4)}…` : '<malformed>';
}
