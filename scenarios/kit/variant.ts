/**
 * The hook points a scenario variant plugs into the shared server. Every hook is optional; the kit
 * supplies a correct, non-retaining default for each. A leaky and a fixed variant of one scenario
 * implement the same hooks and differ only in the lines that retain memory, so a diff of the two
 * files is the lesson.
 *
 * Request pipeline (all in the kit's `onRequest` hook unless noted):
 *   read `X-API-Key` → {@link ScenarioVariant.verifyKey} (400/401)
 *   → {@link ScenarioVariant.resolveKeyMeta} → revoked? (401) → scope? (403)
 *   → {@link ScenarioVariant.rateLimit} (429) → {@link ScenarioVariant.onAuthenticated}
 *   → body parsing (400/413/415) → handler (200)
 *   → `onResponse`: {@link ScenarioVariant.audit}
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyCheck } from './api-key.js';
import type { KeyMeta, KeyService, Scope } from './key-service.js';

/** What the server knows about the caller once the key checked out. */
export interface Claims {
  keyId: string;
  meta: KeyMeta;
  /** The scope the route required and the key holds. */
  scope: Scope;
  /** `Date.now()` when authentication finished. */
  authenticatedAtMs: number;
}

/** One authenticated call, handed to {@link ScenarioVariant.onAuthenticated}. */
export interface AuthenticatedCall {
  request: FastifyRequest;
  reply: FastifyReply;
  claims: Claims;
  /**
   * The raw key as bytes (`Buffer.from(key, 'latin1')`). Short Buffers made this way are views
   * into Node's shared 8 KiB allocation pool: keeping one alive keeps its whole slab alive.
   */
  rawKey: Buffer;
}

/** One finished authenticated call, handed to {@link ScenarioVariant.audit}. */
export interface AuditEvent {
  atMs: number;
  method: string;
  path: string;
  statusCode: number;
  durationMs: number;
  /** The full API key, secret material: a sink must redact it before keeping anything. */
  rawKey: string;
  claims: Claims;
  remoteAddress: string;
  userAgent: string;
}

/** A rate-limit decision. */
export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSec: number };

/** Services the kit hands to hooks. */
export interface KitContext {
  keyService: KeyService;
  secret: string;
}

/** The parts of a server a scenario variant may replace. */
export interface ScenarioVariant {
  /** Scenario folder name, e.g. `unbounded-map`. */
  scenario: string;
  /** `leaky` or `fixed` (any label is accepted; only logs use it). */
  variant: string;
  /** Checks a key's shape and checksum. Default: {@link verifyKey} from `api-key.ts`. */
  verifyKey?: (raw: string, ctx: KitContext) => KeyCheck;
  /** Resolves metadata for a verified key id (the cache strategy lives here). Default: uncached lookup. */
  resolveKeyMeta?: (keyId: string, ctx: KitContext) => KeyMeta | Promise<KeyMeta>;
  /** Counts the call against the key's allowance. Default: unlimited. */
  rateLimit?: (claims: Claims, nowMs: number) => RateDecision;
  /** Called once per authenticated call before its body is read. Default: nothing. */
  onAuthenticated?: (call: AuthenticatedCall) => void;
  /** Receives every finished authenticated call. Default: discard. */
  audit?: (event: AuditEvent) => void;
  /** Runs when the server closes: clear timers, flush sinks. */
  onClose?: () => void | Promise<void>;
}
