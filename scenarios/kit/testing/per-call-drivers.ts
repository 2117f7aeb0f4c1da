/**
 * Each scenario's per-request code as a function to call again and again, for in-process leak
 * assertions (`expect(call).toLeak()`, harness/testing) and their benchmark
 * (`npm run bench:assertions`). One driver per scenario builds the per-call function of either
 * twin from the `ScenarioVariant` hooks the twin exports, so both twins get exactly the same calls.
 *
 * A virtual clock. The twins depend on time: a rate-limit window, a key-store rotation every
 * 500 ms, a sweep or drain timer. Real time in a tight loop would make what a snapshot sees depend
 * on where a timer happened to stand. So the drivers run on a virtual clock (`node:test`'s
 * `mock.timers` for `Date` and `setInterval`, enabled before the twins are imported, since they
 * start their timers at import) that advances 1 ms per call: each call is one request of a server
 * at 1,000 requests/s, and every timer fires on the same call each run. Real `setTimeout` and
 * `setImmediate` are left alone (the measurement waits on them).
 */
import { mock } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { mintKey, randomKeyId } from '../api-key.js';
import { buildServer } from '../build-server.js';
import { createKeyService, deriveKeyMeta, findKeyId } from '../key-service.js';
import type { AuditEvent, Claims, KitContext, ScenarioVariant } from '../variant.js';

/** Which twin. */
export type Twin = 'leaky' | 'fixed';

/** A twin's per-call function and what to release afterwards. */
export interface PerCall {
  call: (iteration: number) => unknown;
  close: () => Promise<void>;
}

/** A scenario's driver. */
export interface PerCallDriver {
  scenario: string;
  /** Calls per measured round, and warm-up calls (each driver says why its numbers). */
  iterations: number;
  warmup: number;
  /** The per-call function of any variant of this scenario (a twin, or a workshop participant's copy). */
  perCall(variant: ScenarioVariant): Promise<PerCall>;
}

/** The per-call function of one of a scenario's twins (imported on first use, after the clock starts). */
export async function setUpTwin(driver: PerCallDriver, twin: Twin): Promise<PerCall> {
  return driver.perCall(await twinModule(driver.scenario, twin));
}

const SECRET = 'per-call-driver-secret';
/** Virtual milliseconds per call. */
const MS_PER_CALL = 1;

let clockOn = false;

/** Starts the virtual clock (idempotent); call before importing any twin. */
export function startVirtualClock(): void {
  if (clockOn) return;
  mock.timers.enable({ apis: ['Date', 'setInterval'], now: Date.UTC(2026, 0, 1) });
  clockOn = true;
}

/** Stops the virtual clock (the twins' intervals stop with it). */
export function stopVirtualClock(): void {
  if (!clockOn) return;
  mock.timers.reset();
  clockOn = false;
}

function tick(): void {
  mock.timers.tick(MS_PER_CALL);
}

/** The twins' modules, imported on first use (static paths, so a bundler or vitest can follow them). */
const TWIN_MODULES: Record<string, Record<Twin, () => Promise<{ variant: ScenarioVariant }>>> = {
  'unbounded-map': { leaky: () => import('../../unbounded-map/leaky.js'), fixed: () => import('../../unbounded-map/fixed.js') },
  'closure-captured-buffers': {
    leaky: () => import('../../closure-captured-buffers/leaky.js'),
    fixed: () => import('../../closure-captured-buffers/fixed.js'),
  },
  'uncleaned-audit-cache': {
    leaky: () => import('../../uncleaned-audit-cache/leaky.js'),
    fixed: () => import('../../uncleaned-audit-cache/fixed.js'),
  },
  'rate-limit-counters': { leaky: () => import('../../rate-limit-counters/leaky.js'), fixed: () => import('../../rate-limit-counters/fixed.js') },
  'key-rotation-retention': {
    leaky: () => import('../../key-rotation-retention/leaky.js'),
    fixed: () => import('../../key-rotation-retention/fixed.js'),
  },
  'regex-churn': { leaky: () => import('../../regex-churn/leaky.js'), fixed: () => import('../../regex-churn/fixed.js') },
};

async function twinModule(scenario: string, twin: Twin): Promise<ScenarioVariant> {
  startVirtualClock();
  const load = TWIN_MODULES[scenario]?.[twin];
  if (load === undefined) throw new Error(`no per-call driver for ${scenario}`);
  return (await load()).variant;
}

function claimsFor(keyId: string): Claims {
  return { keyId, meta: deriveKeyMeta(keyId), scope: 'read:data', authenticatedAtMs: Date.now() };
}

const noClose = async (): Promise<void> => {};

/** A per-call function that resolves a fresh key id's metadata through the variant's `resolveKeyMeta`. */
async function resolvingFreshKeys(variant: ScenarioVariant): Promise<PerCall> {
  startVirtualClock();
  const ctx: KitContext = { secret: SECRET, keyService: createKeyService() };
  return {
    call: () => {
      tick();
      return variant.resolveKeyMeta!(randomKeyId(), ctx);
    },
    close: noClose,
  };
}

/**
 * A per-call function that sends one authenticated GET through the kit's real Fastify pipeline
 * (`inject`), with one valid key that may read (enterprise plan: the kit's default allowance).
 */
async function injecting(variant: ScenarioVariant): Promise<PerCall> {
  startVirtualClock();
  const server: FastifyInstance = buildServer(variant, { secret: SECRET });
  const key = mintKey(SECRET, findKeyId((m) => !m.revoked && m.scopes.includes('read:data') && m.plan === 'enterprise'));
  return {
    call: async () => {
      tick();
      const res = await server.inject({ method: 'GET', url: '/v1/data', headers: { 'x-api-key': key } });
      if (res.statusCode !== 200) throw new Error(`GET /v1/data answered ${res.statusCode}`);
    },
    close: async () => {
      await server.close();
    },
  };
}

/** The six scenarios' drivers, by scenario name. */
export const PER_CALL_DRIVERS: readonly PerCallDriver[] = [
  {
    scenario: 'unbounded-map',
    // The fixed twin's LRU holds 1,000 keys: a warm-up of 1,000 fresh keys fills it.
    iterations: 1000,
    warmup: 1000,
    perCall: resolvingFreshKeys,
  },
  {
    scenario: 'closure-captured-buffers',
    // Each call is a whole request through Fastify (`inject`), since the hook needs the reply.
    iterations: 400,
    warmup: 400,
    perCall: injecting,
  },
  {
    scenario: 'uncleaned-audit-cache',
    // The fixed twin drains its ring every 500 ms (500 calls): rounds of 1,000 end on a drain.
    iterations: 1000,
    warmup: 1000,
    async perCall(variant) {
      startVirtualClock();
      return {
        call: () => {
          tick();
          const rawKey = mintKey(SECRET);
          const event: AuditEvent = {
            atMs: Date.now(), method: 'GET', path: '/v1/data', statusCode: 200, durationMs: 1, rawKey,
            claims: claimsFor(rawKey.split('_')[1]!), remoteAddress: '127.0.0.1', userAgent: 'per-call-driver',
          };
          variant.audit!(event);
        },
        close: async () => {
          await variant.onClose?.();
        },
      };
    },
  },
  {
    scenario: 'rate-limit-counters',
    // A fresh key per call, 1 ms apart: one window is 1,000 calls, and the fixed twin's sweep
    // keeps at most two windows; rounds of 1,000 end at the same point of a window.
    iterations: 1000,
    warmup: 2000,
    async perCall(variant) {
      startVirtualClock();
      return {
        call: () => {
          tick();
          return variant.rateLimit!(claimsFor(randomKeyId()), Date.now());
        },
        close: noClose,
      };
    },
  },
  {
    scenario: 'key-rotation-retention',
    // The store rotates every 500 ms (500 calls): two rotations per round.
    iterations: 1000,
    warmup: 1000,
    perCall: resolvingFreshKeys,
  },
  {
    scenario: 'regex-churn',
    // A whole request through Fastify: the verifier and the access-log hook both run.
    iterations: 400,
    warmup: 400,
    perCall: injecting,
  },
];
