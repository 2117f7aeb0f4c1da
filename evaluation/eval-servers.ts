/**
 * The evaluation set: servers of shapes other than the seed scenarios, with the answer each must
 * get. `expected` is read ONLY by the evaluation's scoring (run-eval.ts), never by the analysis;
 * the analysis sees nothing but snapshots and request counts. The `holdout` part is a fixed list
 * never looked at while a rule is tuned, scored and reported separately.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingOwnerKind, LeakMechanism, LeakPattern } from '../harness/types.js';

/** Which part of the evaluation a server belongs to. */
export type EvalSet = 'tuning' | 'holdout';

/** The right answer for one server. Read only by the scoring. */
export interface EvalExpectation {
  verdict: 'leak' | 'no-leak';
  /**
   * The mechanism of every finding the diff must report, as a multiset (order free): exactly these
   * findings, no more. Empty for a control.
   */
  mechanisms: LeakMechanism[];
  /** Whose code the largest finding's holder is, when the case is about ownership. */
  owner?: { kind: FindingOwnerKind; label: string };
}

/** One evaluation server. */
export interface EvalServer {
  name: string;
  /** What it does, one sentence. */
  description: string;
  /** The failure class it stands for (the list, or a seed shape). */
  failureClass: string;
  expected: EvalExpectation;
  /**
   * `holdout` servers form a fixed list that is never looked at while a rule is tuned: they are
   * scored separately, and a rule commit says which part was looked at.
   */
  set: EvalSet;
  /** Load: warm-up requests, then requests per step (3 snapshots = 2 steps). */
  warmupRequests: number;
  stepRequests: number[];
  /** Compiled server to run, when it is not `dist/evaluation/servers/<name>.js`. */
  serverJs?: string;
}

const STEPS = [15_000, 15_000];

const leak = (...mechanisms: LeakMechanism[]): EvalExpectation => ({ verdict: 'leak', mechanisms });
const control: EvalExpectation = { verdict: 'no-leak', mechanisms: [] };

/** Shorthand for a server with the default load. */
function server(name: string, set: EvalSet, failureClass: string, expected: EvalExpectation, description: string): EvalServer {
  return { name, description, failureClass, expected, set, warmupRequests: 2_000, stepRequests: STEPS };
}

/**
 * Every evaluation server. The holdout part is fixed here and never changes to suit a rule.
 * Expectations were written with each case, before any rule that handles its class.
 */
export const EVAL_SERVERS: EvalServer[] = [
  // Tuning part.
  server('session-registry', 'tuning', 'keyed collection on a global', leak('keyed-collection'),
    'remembers every key in a Map on a globalThis property'),
  server('audit-trail', 'tuning', 'append-only array in a class static', leak('append-only-array'),
    'appends an audit record per request to a class static array'),
  server('shutdown-hooks', 'tuning', 'listener accumulation', leak('listener-accumulation'),
    "adds a 'shutdown' listener per request capturing a 2 KiB Buffer"),
  server('quota-dictionary', 'tuning', 'object used as a dictionary', leak('keyed-collection'),
    'per-key quota counters as properties of a plain object'),
  {
    ...server('seen-ids', 'tuning', 'slowish leak (~25 B/request)', leak('keyed-collection'),
      'adds a short fingerprint to a Set on 3 requests in 4 (~25 bytes/request)'),
    // 25 bytes/request must be found within 100k requests: 2k + 49k + 49k.
    stepRequests: [49_000, 49_000],
  },
  server('lru-sessions', 'tuning', 'bounded cache that fills in the window', control,
    'sessions in a bounded LRU (max 5,000) that fills and plateaus'),
  server('json-churn', 'tuning', 'heavy churn', control,
    'builds, serializes and parses hundreds of objects per request, keeps nothing'),
  server('lazy-index', 'tuning', 'lazy initialisation', control,
    'builds a 2 MB lookup index once, lazily, after the baseline'),
  server('lru-large', 'tuning', 'bounded cache larger than the window', control,
    'sessions in an lru-cache of max 200,000 that never fills during the run'),
  server('ring-log', 'tuning', 'bounded cache larger than the window (ring buffer)', control,
    'a 120,000-slot ring buffer of request records, filled in part'),
  server('pending-calls', 'tuning', 'pending-call table', leak('pending-call-table'),
    'an RPC client keeps resolve/reject of calls whose reply never comes, with no timeout'),
  server('tenant-spread', 'tuning', 'growth spread over 1,000+ containers', leak('spread-over-many-containers'),
    '2,000 per-tenant usage arrays under one Map, ~75 bytes/request in total'),
  server('shared-records', 'tuning', 'records shared by two containers', leak('keyed-collection', 'append-only-array'),
    'each record goes into a Map and an Array at once'),
  {
    ...server('slow-set', 'tuning', 'slow leak (<= 10 B/request)', leak('keyed-collection'),
      'a Set gains a 12-character prefix on one request in six (~8 bytes/request)'),
    // Found within 200,000 requests.
    stepRequests: [99_000, 99_000],
  },
  {
    ...server('dep-memo', 'tuning', 'leak owned by a dependency', leak('keyed-collection'),
      'memo-lite@2.3.1 (installed by the server into its node_modules) caches every argument forever'),
    expected: { ...leak('keyed-collection'), owner: { kind: 'dependency', label: 'node_modules/memo-lite@2.3.1' } },
  },
  server('search-tree', 'tuning', 'leak of no registered shape', leak('unknown'),
    'inserts every key into an unbalanced binary search tree'),
  server('three-leaks', 'tuning', 'three planted leaks (two sharing records) and a bounded LRU',
    leak('keyed-collection', 'listener-accumulation', 'append-only-array'),
    'key Map, listener per request, audit Array sharing the Map records, bounded LRU'),
  server('string-journal', 'tuning', 'string building', leak('string-building'),
    'appends a line per request to a module-level string'),
  server('ready-promise', 'tuning', 'promise retention', leak('promise-retention'),
    'chains a .then per request on a promise that never settles'),
  // Holdout part: never looked at while tuning a rule.
  server('retry-timers', 'holdout', 'timer accumulation', leak('timer-accumulation'),
    'schedules an hourly setInterval per request, never cleared, capturing a 1 KiB Buffer'),
  server('tenant-maps', 'holdout', 'a few growing containers under one', leak('keyed-collection'),
    'nested Maps: tenant → (key id → hits), the four inner Maps grow'),
  server('warm-cache', 'holdout', 'cache warmed once', control,
    'a 30,000-entry cache warmed once at startup, read afterwards'),
  server('ttl-tokens', 'holdout', 'TTL cache', control,
    'tokens kept for one second in a Map swept every 250 ms'),
  server('error-path', 'holdout', 'leak only on the error path', leak('keyed-collection'),
    'one request in eight fails and its error is kept in a Map forever'),
  server('pending-callbacks', 'holdout', 'pending-call table (callbacks)', leak('pending-call-table'),
    'completion callbacks of dropped jobs stay in a plain object keyed by job id'),
  server('route-spread', 'holdout', 'growth spread over 1,000+ containers', leak('spread-over-many-containers'),
    '1,200 per-user Sets as properties of one object, each gains a path per request'),
  server('lazy-regions', 'holdout', 'lazy initialisation over time', control,
    'thirty region tables built on first use over the first ~15,000 requests'),
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
  const SEED_MECHANISM: Record<string, LeakMechanism> = {
    'unbounded-map': 'keyed-collection',
    'closure-captured-buffers': 'listener-accumulation',
    'uncleaned-audit-cache': 'append-only-array',
  };
  return seeds.flatMap((pattern) =>
    (['leaky', 'fixed'] as const).map((variant) => ({
      name: `${pattern}/${variant}`,
      description: `seed scenario ${pattern}, ${variant} variant`,
      failureClass: 'seed scenario',
      expected: variant === 'leaky' ? leak(SEED_MECHANISM[pattern]!) : control,
      set: 'tuning' as const,
      warmupRequests: 2_000,
      stepRequests: STEPS,
      serverJs: path.join(dist, 'scenarios', pattern, `${variant}.js`),
    })),
  );
}
