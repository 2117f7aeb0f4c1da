/**
 * The micro-benchmark pairs of `npm run bench:micro`: for each scenario, the per-request key
 * handling of the leaky and the fixed twin, measured by calling the variants' own exported hooks
 * (importing a variant does not start its server), plus two isolating pairs (a RegExp compiled
 * per call vs once; hex-string vs raw-byte HMAC compare). Inputs are prepared outside the timed
 * function where possible; where a fresh key per call is the point, minting it is timed in both
 * twins alike.
 */
import { EventEmitter } from 'node:events';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CHECKSUM_LENGTH, KEY_PATTERN, mintKey, randomKeyId } from '../api-key.js';
import { createKeyService, deriveKeyMeta } from '../key-service.js';
import type { AuditEvent, Claims, KitContext, ScenarioVariant } from '../variant.js';

/** One side of a pair: a function doing `batch` operations per call. */
export interface MicroTask {
  name: string;
  fn: () => void | Promise<void>;
}

/** A leaky/fixed pair measuring one kind of per-request work. */
export interface MicroPair {
  id: string;
  /** What one operation is. */
  operation: string;
  leaky: MicroTask;
  fixed: MicroTask;
}

/** Operations per timed call: single calls of sub-microsecond work would measure the timer. */
export const BATCH = 64;

const SECRET = 'bench-micro-secret';
const ctx: KitContext = { secret: SECRET, keyService: createKeyService() };

function claimsFor(keyId: string): Claims {
  return { keyId, meta: deriveKeyMeta(keyId), scope: 'read:data', authenticatedAtMs: Date.now() };
}

function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

async function variantOf(scenario: string, variant: 'leaky' | 'fixed'): Promise<ScenarioVariant> {
  const mod = (await import(`../../${scenario}/${variant}.js`)) as { variant: ScenarioVariant };
  return mod.variant;
}

async function resolvePair(scenario: string, label: string, nextId: () => string): Promise<MicroPair> {
  const make = async (variant: 'leaky' | 'fixed'): Promise<MicroTask> => {
    const v = await variantOf(scenario, variant);
    const resolve = v.resolveKeyMeta!;
    return {
      name: `${scenario}/${variant}`,
      fn: async () => {
        for (let i = 0; i < BATCH; i++) await resolve(nextId(), ctx);
      },
    };
  };
  return { id: `${scenario}:${label}`, operation: `resolveKeyMeta, ${label}`, leaky: await make('leaky'), fixed: await make('fixed') };
}

/** The ids of every pair, in run order. */
export const PAIR_IDS = [
  'unbounded-map:hot-keys',
  'unbounded-map:fresh-keys',
  'key-rotation-retention:fresh-keys',
  'rate-limit-counters:fresh-keys',
  'closure-captured-buffers:subscribe',
  'uncleaned-audit-cache:audit',
  'regex-churn:verify-and-log',
  'regex:key-pattern',
  'regex:scrub-log-line',
  'hmac-compare:hex-vs-bytes',
] as const;

/** A pair id. */
export type PairId = (typeof PAIR_IDS)[number];

/** Builds the pair `id` (imports the variants it needs). */
export async function buildPair(id: PairId): Promise<MicroPair> {
  switch (id) {
    case 'unbounded-map:hot-keys':
      return resolvePair('unbounded-map', 'hot-keys', cycle(Array.from({ length: 1000 }, () => randomKeyId())));
    case 'unbounded-map:fresh-keys':
      return resolvePair('unbounded-map', 'fresh-keys', () => randomKeyId());
    case 'key-rotation-retention:fresh-keys':
      return resolvePair('key-rotation-retention', 'fresh-keys', () => randomKeyId());
    case 'rate-limit-counters:fresh-keys': {
      const make = async (variant: 'leaky' | 'fixed'): Promise<MicroTask> => {
        const rateLimit = (await variantOf('rate-limit-counters', variant)).rateLimit!;
        const claims = cycle(Array.from({ length: 4096 }, () => claimsFor(randomKeyId())));
        return {
          name: `rate-limit-counters/${variant}`,
          fn: () => {
            for (let i = 0; i < BATCH; i++) rateLimit(claims(), Date.now());
          },
        };
      };
      return { id, operation: 'rateLimit, 4k keys rotating through 1 s windows', leaky: await make('leaky'), fixed: await make('fixed') };
    }
    case 'closure-captured-buffers:subscribe': {
      const make = async (variant: 'leaky' | 'fixed'): Promise<MicroTask> => {
        const onAuthenticated = (await variantOf('closure-captured-buffers', variant)).onAuthenticated!;
        const keys = cycle(Array.from({ length: 4096 }, () => mintKey(SECRET)));
        return {
          name: `closure-captured-buffers/${variant}`,
          fn: () => {
            for (let i = 0; i < BATCH; i++) {
              const raw = keys();
              // A stand-in reply: only `reply.raw` is used, as the response whose close unsubscribes.
              const res = new EventEmitter();
              const reply = { raw: res } as unknown as FastifyReply;
              onAuthenticated({ request: {} as FastifyRequest, reply, claims: claimsFor(raw.split('_')[1]!), rawKey: Buffer.from(raw, 'latin1') });
              res.emit('close');
            }
          },
        };
      };
      return { id, operation: 'onAuthenticated + response close (claims derivation included)', leaky: await make('leaky'), fixed: await make('fixed') };
    }
    case 'uncleaned-audit-cache:audit': {
      const events: AuditEvent[] = Array.from({ length: 4096 }, () => {
        const raw = mintKey(SECRET);
        return {
          atMs: Date.now(), method: 'GET', path: '/v1/data', statusCode: 200, durationMs: 0.4, rawKey: raw,
          claims: claimsFor(raw.split('_')[1]!), remoteAddress: '127.0.0.1', userAgent: 'autocannon',
        };
      });
      const make = async (variant: 'leaky' | 'fixed'): Promise<MicroTask> => {
        const audit = (await variantOf('uncleaned-audit-cache', variant)).audit!;
        const next = cycle(events);
        return {
          name: `uncleaned-audit-cache/${variant}`,
          fn: () => {
            for (let i = 0; i < BATCH; i++) audit(next());
          },
        };
      };
      return { id, operation: 'audit one call (serialize + append vs redact + ring push)', leaky: await make('leaky'), fixed: await make('fixed') };
    }
    case 'regex-churn:verify-and-log': {
      const leaky = (await import('../../regex-churn/leaky.js')) as typeof import('../../regex-churn/leaky.js');
      const fixed = (await import('../../regex-churn/fixed.js')) as typeof import('../../regex-churn/fixed.js');
      const keys = cycle(Array.from({ length: 4096 }, () => mintKey(SECRET)));
      let sink = 0;
      return {
        id,
        operation: 'per-request key work: pattern + HMAC + constant-time compare + scrubbed log line',
        leaky: {
          name: 'regex-churn/leaky',
          fn: () => {
            for (let i = 0; i < BATCH; i++) {
              const raw = keys();
              leaky.verifyKeyChurning(raw, SECRET);
              sink += leaky.scrubbedLogLineChurning('GET', '/v1/data', raw, 'acct_0000abcd').length;
            }
          },
        },
        fixed: {
          name: 'regex-churn/fixed',
          fn: () => {
            for (let i = 0; i < BATCH; i++) {
              const raw = keys();
              fixed.verifyKeyPooled(raw, SECRET);
              sink += fixed.scrubbedLogLinePooled('GET', '/v1/data', raw, 'acct_0000abcd').length;
            }
          },
        },
      };
    }
    case 'regex:key-pattern': {
      const keys = cycle(Array.from({ length: 4096 }, () => mintKey(SECRET)));
      let sink = 0;
      // `let`, so the source is really rebuilt per call as in the variant, not folded to a constant.
      let min = 16;
      return {
        id,
        operation: 'match the key pattern (source rebuilt per call: V8 caches the compiled RegExp by source)',
        leaky: {
          name: 'new RegExp per call',
          fn: () => {
            for (let i = 0; i < BATCH; i++) {
              const source = `^lk_([0-9A-Za-z]{${min},32})_([0-9a-f]{${CHECKSUM_LENGTH}})$`;
              sink += new RegExp(source).exec(keys()) ? 1 : 0;
            }
          },
        },
        fixed: { name: 'RegExp compiled once', fn: () => { for (let i = 0; i < BATCH; i++) sink += KEY_PATTERN.exec(keys()) ? 1 : 0; } },
      };
    }
    case 'regex:scrub-log-line': {
      const leaky = (await import('../../regex-churn/leaky.js')) as typeof import('../../regex-churn/leaky.js');
      const fixed = (await import('../../regex-churn/fixed.js')) as typeof import('../../regex-churn/fixed.js');
      const keys = cycle(Array.from({ length: 4096 }, () => mintKey(SECRET)));
      let sink = 0;
      return {
        id,
        operation: 'scrub the key from a log line (a new RegExp source per key defeats the cache)',
        leaky: { name: 'new RegExp(escaped key, "g")', fn: () => { for (let i = 0; i < BATCH; i++) sink += leaky.scrubbedLogLineChurning('GET', '/v1/data', keys(), 'acct_0000abcd').length; } },
        fixed: { name: 'String.prototype.replaceAll', fn: () => { for (let i = 0; i < BATCH; i++) sink += fixed.scrubbedLogLinePooled('GET', '/v1/data', keys(), 'acct_0000abcd').length; } },
      };
    }
    case 'hmac-compare:hex-vs-bytes': {
      const ids = cycle(Array.from({ length: 4096 }, () => randomKeyId()));
      const given = '0123456789ab';
      let sink = 0;
      return {
        id,
        operation: 'HMAC-SHA256 of an id + constant-time compare of the 12-char checksum',
        leaky: {
          name: 'hex string + Buffer copies',
          fn: () => {
            for (let i = 0; i < BATCH; i++) {
              const expected = Buffer.from(createHmac('sha256', SECRET).update(ids()).digest('hex').slice(0, CHECKSUM_LENGTH));
              sink += timingSafeEqual(expected, Buffer.from(given)) ? 1 : 0;
            }
          },
        },
        fixed: {
          name: 'hex digest + branch-free char compare',
          fn: () => {
            for (let i = 0; i < BATCH; i++) {
              const digest = createHmac('sha256', SECRET).update(ids()).digest('hex');
              let diff = 0;
              for (let c = 0; c < CHECKSUM_LENGTH; c++) diff |= digest.charCodeAt(c) ^ given.charCodeAt(c);
              sink += diff === 0 ? 1 : 0;
            }
          },
        },
      };
    }
  }
}
