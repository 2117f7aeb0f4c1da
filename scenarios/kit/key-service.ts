/**
 * The "key service": where a server looks up what a valid key may do. Real systems ask a database
 * or an identity service; here the metadata is derived deterministically from the key id (a
 * SHA-256 of the id picks owner, plan, scopes, allowance and revocation), so any of the unbounded
 * number of valid keys the load generator mints has stable metadata without shared state.
 * An optional simulated latency makes the lookup asynchronous like a network call.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomKeyId } from './api-key.js';

/** A permission a key may hold. */
export type Scope = 'read:data' | 'write:data';

/** Commercial plan of a key's owner; it sets the rate-limit allowance. */
export type Plan = 'free' | 'team' | 'enterprise';

/** What the key service knows about a key. Fresh objects per lookup, as a DB driver returns. */
export interface KeyMeta {
  keyId: string;
  /** Owning account, e.g. `acct_3f9a1c2e`. */
  owner: string;
  /** Human label the owner gave the key, e.g. `ci-deploy-17`. */
  label: string;
  plan: Plan;
  scopes: Scope[];
  /** Requests allowed per one-second window. */
  rateLimitPerSec: number;
  revoked: boolean;
  /** ISO-8601 creation time. */
  createdAt: string;
}

/** Requests per second each plan allows. */
export const PLAN_RATE_LIMIT_PER_SEC: Readonly<Record<Plan, number>> = {
  free: 50,
  team: 200,
  enterprise: 1000,
};

const LABELS = ['ci-deploy', 'backend', 'mobile-app', 'analytics', 'cron', 'partner-sync', 'staging', 'local-dev'];
const PLANS: readonly Plan[] = ['free', 'team', 'enterprise'];
/** 2023-01-01T00:00:00Z: creation times spread over the three years after it. */
const CREATED_EPOCH_MS = Date.UTC(2023, 0, 1);
const THREE_YEARS_SEC = 3 * 365 * 24 * 3600;

/**
 * Derives a key's metadata from its id alone. About 1.2% of keys are revoked (first hash byte < 3),
 * about 10% are read-only and about 2% write-only; the rest hold both scopes.
 */
export function deriveKeyMeta(keyId: string): KeyMeta {
  const h = createHash('sha256').update(keyId).digest();
  const scopeByte = h[1]!;
  const scopes: Scope[] =
    scopeByte < 26 ? ['read:data'] : scopeByte < 31 ? ['write:data'] : ['read:data', 'write:data'];
  const plan = PLANS[h[2]! % PLANS.length]!;
  const createdSec = h.readUInt32BE(8) % THREE_YEARS_SEC;
  return {
    keyId,
    owner: `acct_${h.toString('hex', 4, 8)}`,
    label: `${LABELS[h[3]! % LABELS.length]!}-${h[12]! % 100}`,
    plan,
    scopes,
    rateLimitPerSec: PLAN_RATE_LIMIT_PER_SEC[plan],
    revoked: h[0]! < 3,
    createdAt: new Date(CREATED_EPOCH_MS + createdSec * 1000).toISOString(),
  };
}

/** Looks up key metadata, optionally after a simulated network delay. */
export interface KeyService {
  /** Simulated latency of every lookup, milliseconds (0 = answer on the next microtask). */
  readonly latencyMs: number;
  lookup(keyId: string): Promise<KeyMeta>;
}

/** A key service with `latencyMs` of simulated latency per lookup. */
export function createKeyService(options: { latencyMs?: number } = {}): KeyService {
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  return {
    latencyMs,
    async lookup(keyId) {
      if (latencyMs > 0) await sleep(latencyMs);
      return deriveKeyMeta(keyId);
    },
  };
}

/**
 * Reads the simulated latency from `LEAKBENCH_KEY_LATENCY_MS` (default 0). Anything that is not a
 * finite non-negative number counts as 0, so a typo cannot stall a server.
 */
export function keyLatencyFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env['LEAKBENCH_KEY_LATENCY_MS'] ?? '0');
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * A random key id whose derived metadata satisfies `predicate` (for tests and request sets that
 * need a revoked or read-only key). Gives up after `maxTries` draws.
 */
export function findKeyId(predicate: (meta: KeyMeta) => boolean, maxTries = 100_000): string {
  for (let i = 0; i < maxTries; i++) {
    const id = randomKeyId();
    if (predicate(deriveKeyMeta(id))) return id;
  }
  throw new Error(`no key id matched the predicate in ${maxTries} tries`);
}
