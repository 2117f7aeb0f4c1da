/**
 * The evaluation set: servers of shapes other than the seed scenarios, with the answer each must
 * get. `expected` is read ONLY by the evaluation's scoring (run-eval.ts), never by the analysis;
 * the analysis sees nothing but snapshots and request counts. `holdout` servers were kept out of
 * the analysis' tuning and checked last.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LeakPattern } from '../harness/types.js';

/** One evaluation server. */
export interface EvalServer {
  name: string;
  /** What it does, one sentence. */
  description: string;
  /** The holder shape it exercises. */
  shape: string;
  expected: { verdict: 'leak' | 'no-leak'; pattern: LeakPattern };
  holdout: boolean;
  /** Load: warm-up requests, then requests per step (3 snapshots = 2 steps). */
  warmupRequests: number;
  stepRequests: number[];
  /** Compiled server to run, when it is not `dist/evaluation/servers/<name>.js`. */
  serverJs?: string;
}

const STEPS = [15_000, 15_000];

/** Every evaluation server. */
export const EVAL_SERVERS: EvalServer[] = [
  {
    name: 'session-registry',
    description: 'remembers every key in a Map on a globalThis property',
    shape: 'globalThis property → Map',
    expected: { verdict: 'leak', pattern: 'unbounded-map' },
    holdout: false,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'audit-trail',
    description: 'appends an audit record per request to a class static array',
    shape: 'class static field → Array',
    expected: { verdict: 'leak', pattern: 'uncleaned-audit-cache' },
    holdout: false,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'shutdown-hooks',
    description: "adds a 'shutdown' listener per request capturing a 2 KiB Buffer",
    shape: 'EventEmitter listener array → closures → Buffers',
    expected: { verdict: 'leak', pattern: 'closure-captured-buffers' },
    holdout: false,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'quota-dictionary',
    description: 'per-key quota counters as properties of a plain object',
    shape: 'module variable → object as dictionary',
    expected: { verdict: 'leak', pattern: 'unbounded-map' },
    holdout: false,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'seen-ids',
    description: 'adds a short fingerprint to a Set on 3 requests in 4 (~25 bytes/request)',
    shape: 'module variable → Set, slow',
    expected: { verdict: 'leak', pattern: 'unbounded-map' },
    holdout: false,
    warmupRequests: 2_000,
    // 25 bytes/request must be found within 100k requests: 2k + 49k + 49k.
    stepRequests: [49_000, 49_000],
  },
  {
    name: 'lru-sessions',
    description: 'sessions in a bounded LRU (max 5,000) that fills and plateaus',
    shape: 'control: bounded LRU',
    expected: { verdict: 'no-leak', pattern: 'none' },
    holdout: false,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'json-churn',
    description: 'builds, serializes and parses hundreds of objects per request, keeps nothing',
    shape: 'control: heavy churn',
    expected: { verdict: 'no-leak', pattern: 'none' },
    holdout: false,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'lazy-index',
    description: 'builds a 2 MB lookup index once, lazily, after the baseline',
    shape: 'control: one-off singleton',
    expected: { verdict: 'no-leak', pattern: 'none' },
    holdout: false,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'retry-timers',
    description: 'schedules an hourly setInterval per request, never cleared, capturing a 1 KiB Buffer',
    shape: 'timer list → Timeouts → closures → Buffers',
    expected: { verdict: 'leak', pattern: 'closure-captured-buffers' },
    holdout: true,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'tenant-maps',
    description: 'nested Maps: tenant → (key id → hits), the inner Maps grow',
    shape: 'module variable → Map → Maps',
    expected: { verdict: 'leak', pattern: 'unbounded-map' },
    holdout: true,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
  {
    name: 'warm-cache',
    description: 'a 30,000-entry cache warmed once at startup, read afterwards',
    shape: 'control: cache warmed once',
    expected: { verdict: 'no-leak', pattern: 'none' },
    holdout: true,
    warmupRequests: 2_000,
    stepRequests: STEPS,
  },
];

/** Compiled JavaScript of an evaluation server (`dist/evaluation/servers/<name>.js`). */
export function serverJsPath(name: string): string {
  // This file compiles to dist/evaluation/eval-servers.js; under vitest it runs from the source
  // tree, so resolve against the dist copy either way.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const distEvaluation = here.includes(`${path.sep}dist${path.sep}`) ? here : path.join(here, '..', 'dist', 'evaluation');
  return path.join(distEvaluation, 'servers', `${name}.js`);
}

/**
 * The three seed scenarios (leaky and fixed variants), run through the same driver with
 * `npm run eval -- --seed`: not part of the evaluation set (their shapes were known while the
 * analysis was written), a cross-check that the analysis agrees with the scenarios' metadata.
 */
export function seedChecks(): EvalServer[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dist = here.includes(`${path.sep}dist${path.sep}`) ? path.join(here, '..') : path.join(here, '..', 'dist');
  const seeds: LeakPattern[] = ['unbounded-map', 'closure-captured-buffers', 'uncleaned-audit-cache'];
  return seeds.flatMap((pattern) =>
    (['leaky', 'fixed'] as const).map((variant) => ({
      name: `${pattern}/${variant}`,
      description: `seed scenario ${pattern}, ${variant} variant`,
      shape: 'seed scenario',
      expected: variant === 'leaky' ? { verdict: 'leak' as const, pattern } : { verdict: 'no-leak' as const, pattern: 'none' as const },
      holdout: false,
      warmupRequests: 2_000,
      stepRequests: STEPS,
      serverJs: path.join(dist, 'scenarios', pattern, `${variant}.js`),
    })),
  );
}
