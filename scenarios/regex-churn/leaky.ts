/**
 * regex-churn, "leaky" variant — which does not leak: it churns. Each request rebuilds the key
 * pattern's source and constructs a RegExp from it, renders the HMAC as a 64-character hex
 * string, slices it and copies both checksums into fresh Buffers for the constant-time compare;
 * then it scrubs the key out of its access-log line with a RegExp compiled from that very key
 * (a new source every request, so V8's RegExp cache cannot help). All of it is garbage by the end
 * of the request: the allocation rate is high, the young generation is collected often, and
 * nothing is retained. The twin does the same work with the pattern compiled once, an in-place
 * compare against the hex digest and a plain string replace.
 * Rust/Axum original: `Regex::new(..)` inside the handler and `hex::encode` of every MAC, a
 * well-known throughput trap that is not a leak.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CHECKSUM_LENGTH, redactKey, type KeyCheck } from '../kit/api-key.js';
import { runIfMain } from '../kit/run-scenario.js';
import type { ScenarioVariant } from '../kit/variant.js';

const KEY_PREFIX = 'lk';
const ID_MIN_CHARS = 16;
const ID_MAX_CHARS = 32;

/** Same acceptance as `verifyKey` in the kit, written the allocation-heavy way. */
export function verifyKeyChurning(raw: string, secret: string): KeyCheck {
  if (raw === '') return { ok: false, status: 400, reason: 'missing' };
  // CHURN: a new source string and a new RegExp object per request.
  const pattern = new RegExp(`^${KEY_PREFIX}_([0-9A-Za-z]{${ID_MIN_CHARS},${ID_MAX_CHARS}})_([0-9a-f]{${CHECKSUM_LENGTH}})$`);
  const match = pattern.exec(raw);
  if (!match) return { ok: false, status: 400, reason: 'malformed' };
  const id = match[1]!;
  // CHURN: HMAC keyed from the string each time, a hex string, a slice, and two Buffer copies.
  const expected = Buffer.from(createHmac('sha256', secret).update(id).digest('hex').slice(0, CHECKSUM_LENGTH));
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, status: 401, reason: 'bad-checksum' };
  }
  return { ok: true, id };
}

/** Escapes `text` for use as a literal inside a RegExp source. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Access-log figures: bytes of scrubbed lines and the last line (one line retained, not a log). */
const accessLog = { bytes: 0, lines: 0, lastLine: '' };

/** The access-log line of a call, with the API key scrubbed out. */
export function scrubbedLogLineChurning(method: string, url: string, rawKey: string, owner: string): string {
  const line = `${method} ${url} key=${rawKey} owner=${owner}`;
  // CHURN: a RegExp compiled from this request's key, used once and dropped.
  return line.replace(new RegExp(escapeRegExp(rawKey), 'g'), redactKey(rawKey));
}

/** The variant's hooks; run as the entry script it serves them, imported it only exports them. */
export const variant: ScenarioVariant = {
  scenario: 'regex-churn',
  variant: 'leaky',
  verifyKey: (raw, { secret }) => verifyKeyChurning(raw, secret),
  onAuthenticated({ request, claims }) {
    const line = scrubbedLogLineChurning(request.method, request.url, request.rawApiKey ?? '', claims.meta.owner);
    accessLog.bytes += line.length;
    accessLog.lines++;
    accessLog.lastLine = line;
  },
};

/** Access-log figures (for tests). */
export function accessLogStats(): { bytes: number; lines: number; lastLine: string } {
  return { ...accessLog };
}

await runIfMain(import.meta.url, variant);
