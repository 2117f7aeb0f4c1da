/**
 * The one server every scenario variant runs: Fastify 5, logger off, three routes, API-key
 * validation with stable 4xx answers, and the hook points of {@link ScenarioVariant}.
 *
 * Bad input never crashes it: a missing, malformed, non-ASCII or duplicated key is a 400 (Node
 * joins duplicate custom headers into `"a, b"`, which is malformed; an array value is rejected
 * too), an oversized header is Node's own 431 (16 KiB default limit), malformed JSON is 400, a
 * body over 64 KiB is 413, and an unexpected throw in a hook is a 500 with a fixed body.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { keySecret, verifyKey as defaultVerifyKey } from './api-key.js';
import { createKeyService, keyLatencyFromEnv, type KeyService, type Scope } from './key-service.js';
import type { Claims, KitContext, ScenarioVariant } from './variant.js';

/** Largest JSON body `POST /v1/data` accepts. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Options of {@link buildServer}. */
export interface BuildServerOptions {
  /** HMAC secret of the key scheme. Default: {@link keySecret} from the environment. */
  secret?: string;
  /** Key service. Default: one with `LEAKBENCH_KEY_LATENCY_MS` of simulated latency. */
  keyService?: KeyService;
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: string;
  message: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the kit once the key checked out; `null` on unauthenticated routes. */
    claims: Claims | null;
    /** The raw key string of an authenticated call (for the audit hook). */
    rawApiKey: string | null;
  }
  interface FastifyContextConfig {
    /** The scope a route requires; routes without one need no key. */
    scope?: Scope;
  }
}

function fail(reply: FastifyReply, statusCode: number, error: string, message: string): FastifyReply {
  const body: ErrorBody = { error, message };
  return reply.code(statusCode).send(body);
}

/** Maps Fastify's own error codes to our stable error names. */
function errorName(err: FastifyError, statusCode: number): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'invalid_json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    default:
      return statusCode >= 500 ? 'internal' : 'bad_request';
  }
}

/**
 * Builds (does not start) the scenario server for `variant`. Tests can `inject` into it; the
 * child-process entry point is {@link runScenario}.
 */
export function buildServer(variant: ScenarioVariant, options: BuildServerOptions = {}): FastifyInstance {
  const ctx: KitContext = {
    secret: options.secret ?? keySecret(),
    keyService: options.keyService ?? createKeyService({ latencyMs: keyLatencyFromEnv() }),
  };
  const verify = variant.verifyKey ?? ((raw: string, c: KitContext) => defaultVerifyKey(raw, c.secret));
  const resolveKeyMeta = variant.resolveKeyMeta ?? ((keyId: string, c: KitContext) => c.keyService.lookup(keyId));

  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  app.decorateRequest('claims', null);
  app.decorateRequest('rawApiKey', null);

  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const code = typeof err.statusCode === 'number' ? err.statusCode : 500;
    const statusCode = code >= 400 && code < 600 ? code : 500;
    // 5xx bodies never echo the error: it may quote request data, and twins must answer alike.
    const message = statusCode < 500 ? err.message : 'internal error';
    return fail(reply, statusCode, errorName(err, statusCode), message);
  });
  app.setNotFoundHandler((request, reply) =>
    fail(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
  );

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined) return;
    const header = request.headers['x-api-key'];
    if (Array.isArray(header)) {
      return fail(reply, 400, 'malformed_key', 'X-API-Key must be sent once');
    }
    if (header === undefined || header === '') {
      return fail(reply, 400, 'missing_key', 'X-API-Key header is required');
    }
    const check = verify(header, ctx);
    if (!check.ok) {
      if (check.status === 401) return fail(reply, 401, 'invalid_key', 'API key is not valid');
      return fail(reply, 400, check.reason === 'missing' ? 'missing_key' : 'malformed_key', 'API key is malformed');
    }
    const meta = await resolveKeyMeta(check.id, ctx);
    // Revoked keys get the same answer as a bad checksum: a caller learns nothing about which.
    if (meta.revoked) return fail(reply, 401, 'invalid_key', 'API key is not valid');
    if (!meta.scopes.includes(scope)) {
      return fail(reply, 403, 'insufficient_scope', `API key lacks scope ${scope}`);
    }
    const claims: Claims = { keyId: check.id, meta, scope, authenticatedAtMs: Date.now() };
    if (variant.rateLimit) {
      const decision = variant.rateLimit(claims, claims.authenticatedAtMs);
      if (!decision.allowed) {
        reply.header('retry-after', String(decision.retryAfterSec));
        return fail(reply, 429, 'rate_limited', 'rate limit exceeded');
      }
      reply.header('x-ratelimit-remaining', String(decision.remaining));
    }
    request.claims = claims;
    request.rawApiKey = header;
    variant.onAuthenticated?.({ request, reply, claims, rawKey: Buffer.from(header, 'latin1') });
    return undefined;
  });

  if (variant.audit) {
    const audit = variant.audit;
    app.addHook('onResponse', async (request, reply) => {
      const claims = request.claims;
      const rawKey = request.rawApiKey;
      if (claims === null || rawKey === null) return;
      audit({
        atMs: Date.now(),
        method: request.method,
        path: request.url,
        statusCode: reply.statusCode,
        durationMs: reply.elapsedTime,
        rawKey,
        claims,
        remoteAddress: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
      });
    });
  }
  if (variant.onClose) {
    const onClose = variant.onClose;
    app.addHook('onClose', async () => {
      await onClose();
    });
  }

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/v1/data', { config: { scope: 'read:data' } }, async (request) => {
    const meta = request.claims!.meta;
    return {
      owner: meta.owner,
      plan: meta.plan,
      items: [
        { id: 1, name: 'alpha', value: 3 },
        { id: 2, name: 'beta', value: 5 },
        { id: 3, name: 'gamma', value: 8 },
      ],
    };
  });

  app.post('/v1/data', { config: { scope: 'write:data' } }, async (request, reply) => {
    const meta = request.claims!.meta;
    const body = request.body;
    const fields = body !== null && typeof body === 'object' ? Object.keys(body).length : 0;
    return reply.code(200).send({ owner: meta.owner, accepted: true, fields });
  });

  return app;
}
