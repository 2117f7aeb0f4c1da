/**
 * Plain data types shared by the pipeline's stages. Nothing here does work: stages exchange these
 * values, and `report.json` is made of them. Later capabilities add fields; none may be removed or
 * change meaning without bumping {@link SCHEMA_VERSION}.
 */
import type { NativeSitesEvidence } from './native/native-sites.js';

/** Version of the `report.json` / `--json` shape. */
export const SCHEMA_VERSION = 1;

/** Which server a run measured. `custom` is a user's own server (`--cmd`, `attach`). */
export type Variant = 'leaky' | 'fixed' | 'custom';

/** What a run concluded. `crashed` and `interrupted` say the run did not finish normally. */
export type Verdict = 'leak' | 'no-leak' | 'inconclusive' | 'crashed' | 'interrupted';

/** The leak pattern the data shows; `unknown` when no heap data could decide it. */
export type LeakPattern =
  | 'unbounded-map'
  | 'closure-captured-buffers'
  | 'uncleaned-audit-cache'
  | 'none'
  | 'unknown';

/**
 * How a leak shows in the heap, named for what grows (harness/analysis/mechanisms/ holds one module
 * per mechanism: its heap signature, explanation and fix). `pattern` stays the coarse seed family;
 * `mechanism` is the precise shape. `native-growth` and `time-driven-growth` are run-level (they come
 * from the verdict, not from a snapshot finding); `unknown` is a real growth of no registered shape.
 */
export type LeakMechanism =
  | 'keyed-collection'
  | 'append-only-array'
  | 'listener-accumulation'
  | 'timer-accumulation'
  | 'pending-call-table'
  | 'linked-chain'
  | 'closure-context-retention'
  | 'string-building'
  | 'promise-retention'
  | 'external-buffers'
  | 'spread-over-many-containers'
  | 'native-growth'
  | 'time-driven-growth'
  | 'unknown';

/** Whose code a finding's holder belongs to. */
export type FindingOwnerKind = 'application' | 'dependency' | 'node-core' | 'unknown';

/**
 * The owner of a finding's holder, from the scripts of the closures and scopes that reach it: the
 * application file, a dependency (`node_modules/<package>@<version>`), or Node core (`node:…`).
 */
export interface FindingOwner {
  kind: FindingOwnerKind;
  /** `app.js`, `node_modules/pino@9.1.0`, `node:events`, or `unknown`. */
  label: string;
  /** The script URL the owner was read from, when there is one. */
  script?: string;
}

/** One memory sample of the server under test, taken during load. */
export interface MemorySample {
  /** Milliseconds since the variant's load started (warm-up included). */
  tMs: number;
  /** Requests completed since load started (warm-up included), cumulative. */
  requests: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  rssBytes: number;
  /** True when a full GC was forced just before this sample (the verdict uses these). */
  afterGc: boolean;
  /** The stretch of the run this sample was taken in (absent in reports written before phases). */
  phase?: LoadPhaseKind;
}

/**
 * What a stretch of a run's load was for. `warmup` precedes the baseline; `load` is the planned
 * window; `extend` is load added because the evidence could not decide yet; `idle` sends no
 * requests (growth per second, not per request); `replay` reuses a small pool of keys (growth per
 * distinct key or per request); `self-check` runs with the planted positive-control leak.
 */
export type LoadPhaseKind = 'warmup' | 'load' | 'extend' | 'idle' | 'replay' | 'self-check';

/** One stretch of a run, as `report.json` records it and the charts draw it. */
export interface PhaseRecord {
  kind: LoadPhaseKind;
  /** Milliseconds since the variant's load started, like {@link MemorySample.tMs}. */
  startMs: number;
  endMs: number;
  /** Cumulative completed requests at the start and end of the stretch. */
  requestsStart: number;
  requestsEnd: number;
  /** Why the stretch was run (for `extend`, `replay`: what the evidence could not decide). */
  why?: string;
}

/** A heap snapshot taken during a run. */
export interface SnapshotRef {
  /** `baseline`, `middle`, `final`, or another checkpoint label. */
  label: string;
  /** Path of the `.heapsnapshot` file (mode 0600); absent once deleted (`--no-keep-snapshots`). */
  path?: string;
  /** True when the file was deleted after analysis (`--no-keep-snapshots`). */
  deleted?: boolean;
  tMs: number;
  requests: number;
  sizeBytes: number;
  /** How long the server was paused for the snapshot. */
  durationMs: number;
}

/** What the load generator measured over the whole run of one variant. */
export interface LoadSummary {
  requests: number;
  durationMs: number;
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Responses by status class, e.g. `{ "2xx": 9500, "4xx": 500 }`. */
  statusCounts: Record<string, number>;
  /** Socket errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Wall time spent paused for snapshots. */
  snapshotPauseMs: number;
}

/** The statistic behind a growth-based verdict: a regression of retained bytes on requests. */
export interface GrowthStatistic {
  /** `ols-rss`: black-box mode (no inspector), the regression ran on the process tree's RSS. */
  method: 'ols-after-gc' | 'ols-rss';
  /** Which memory the regression used, e.g. `heapUsed+external`. */
  metric: string;
  /** Slope in bytes per request, and its 95% confidence interval. */
  bytesPerRequest: number;
  ciLowBytesPerRequest: number;
  ciHighBytesPerRequest: number;
  /** Number of after-GC samples the regression used. */
  samples: number;
  /** Total growth over the regression's window, bytes. */
  growthBytes: number;
  rSquared: number;
  /** After-GC samples left out of the regression as isolated spikes (absent when none). */
  outlierSamples?: number;
  /** Why the statistic says what it says, one sentence. */
  reason: string;
}

/** Growth per second while no requests were sent, against the growth per second under load. */
export interface IdleGrowth {
  /** Slope of after-GC `heapUsed + external` on time during the idle phase, and its 95% CI. */
  bytesPerSecond: number;
  ciLowBytesPerSecond: number;
  ciHighBytesPerSecond: number;
  samples: number;
  durationMs: number;
  /**
   * Growth per second under load it was compared with: the diff's holders per second when the
   * diff found a leak, else the after-GC samples under load regressed on time (absent when no
   * growth per request was shown, or with too few samples).
   */
  loadBytesPerSecond?: number;
  /** Median of the rates between consecutive idle samples: one step in the idle moves it little. */
  paceBytesPerSecond?: number;
  /** Whether the growth went on through the later half of the idle (absent when too short to split). */
  persists?: boolean;
  /** Slope of the later half, bytes per second (with `persists`). */
  laterBytesPerSecond?: number;
  /** True when growth goes on with no traffic, persists, and is comparable to the growth under load. */
  drivenByTime: boolean;
  /** One sentence. */
  reason: string;
}

/** One step of a retainer path from a GC root to a held object. */
export interface PathStep {
  /** Human name of the node, e.g. `Map`, `(module scope) keyCache`, `Array`. */
  node: string;
  /** Edge from the previous step, e.g. `keyCache` (context variable), `[12]`, `listeners`. */
  edge: string;
  edgeType: string;
  nodeId?: number;
  /** True for the growing container. */
  isHolder?: boolean;
}

/** One accumulation point found by the analysis. Filled in by harness/analysis. */
export interface Finding {
  pattern: LeakPattern;
  /** What the heap shows growing (a finer name than `pattern`, see {@link LeakMechanism}). */
  mechanism: LeakMechanism;
  /** Whose code holds the growth (application, dependency, Node core). */
  owner?: FindingOwner;
  /**
   * When the growth is spread over many containers under this one (an accumulation point): how
   * many grow, and the largest few with the new bytes each keeps.
   */
  members?: { count: number; largest: Array<{ holder: string; newBytes: number }> };
  /**
   * Other holders that reach some of this finding's new objects too (a record in a Map and an
   * Array): their bytes are split evenly between the holders; here, bytes shared with each.
   */
  sharedWith?: Array<{ holder: string; bytes: number }>;
  /** A structural bound the heap shows (the finding is full and still grows: a leak of the bound). */
  bound?: { capacity: number; filled: number; plateauBytes: number; bytesPerRequest?: number };
  confidence: 'high' | 'medium' | 'low';
  /** The growing container in human words, e.g. `Map keyCache (module scope of leaky.js)`. */
  holder: string;
  /** DevTools' shortest retainer path from the GC root to the holder, every step. */
  path: PathStep[];
  /**
   * The path a person reads: from the nearest anchor their code names (a module or closure scope
   * variable, a `globalThis` property, a class static) to the holder; Node-internal steps before
   * the anchor folded into one first step (`edgeType: 'folded'`).
   */
  anchorPath?: PathStep[];
  /** Growth of the holder per snapshot step: count and retained bytes. */
  growth: { counts: number[]; retainedBytes: number[] };
  bytesPerRequest?: number;
  /** What accumulates: class or type names with counts and bytes. */
  accumulates: Array<{ name: string; count: number; bytes: number }>;
  explanation: string;
  fix: string;
  /** Where the accumulated objects were allocated, largest share first (see {@link AllocationSite}). */
  allocatedAt?: AllocationSite[];
  /** How `allocatedAt` was measured: exact allocation traces, or the sampling heap profiler. */
  allocationMethod?: AllocationMethod;
  /** V8 node id of the growing container in the last snapshot. */
  holderId?: number;
  /** Shape of the container (`map`, `set`, `array`, `dictionary`, `listener-array`, `timer-list`, …). */
  containerKind?: string;
  /** Bytes / objects allocated after the baseline that the container keeps alive, per snapshot. */
  newBytes?: number[];
  newObjects?: number[];
  /** Growth of `newBytes` at each step, and the requests of each step (when known). */
  bytesPerStep?: number[];
  requestsPerStep?: number[];
  [extra: string]: unknown;
}

/**
 * How allocation sites were measured. `tracking`: every object allocated while
 * `HeapProfiler.startTrackingHeapObjects({ trackAllocations: true })` was on carries its stack in
 * the snapshot, so the finding's own objects are attributed exactly. `sampling`: the sampling heap
 * profiler's live allocations since the baseline, for the whole heap (not only the finding's).
 */
export type AllocationMethod = 'tracking' | 'sampling';

/** One allocation site of a finding's objects. V8 attributes allocations to functions. */
export interface AllocationSite {
  /** Allocating function (`(anonymous)` when it has no name). */
  functionName: string;
  /** Source file relative to the working directory (the TypeScript source when a source map says so). */
  file: string;
  /** 1-based line and column of the allocating function, as V8 records it (its definition). */
  line: number;
  column: number;
  /** Bytes of the finding's objects allocated here (sampling: estimated live bytes). */
  bytes: number;
  /** Objects (sampling: sampled allocations) attributed here. */
  count: number;
  /** `bytes` as a share of the finding's bytes (sampling: of the sampled live bytes), 0..1. */
  share: number;
  /** Callers, innermost first, as `function (file:line:column)` (up to three). */
  callers?: string[];
  /** True when the position comes from a source map (the compiled file was mapped back). */
  sourceMapped?: boolean;
  /**
   * `holder-reference`: `line`/`column` were moved from the function's definition (kept in
   * `functionLine`/`functionColumn`) to the line in it that stores into the finding's holder.
   */
  refinedBy?: 'holder-reference';
  functionLine?: number;
  functionColumn?: number;
}

/** Which part of a credential a holder keeps: the secret (whole, or its secret part alone) or only its id. */
export type KeyPart = 'whole-key' | 'secret-part' | 'id-only';

/**
 * How V8 keeps the material: a string that is exactly the value (`exact`), inside a larger string
 * (`embedded`; `json` when that string is serialized JSON), in a concatenation (`concatenated`),
 * held through a substring that pins the whole string (`sliced`, e.g. a key id cut from the key),
 * or in ArrayBuffer bytes (`buffer`, found through the inspector).
 */
export type KeyForm = 'exact' | 'embedded' | 'json' | 'concatenated' | 'sliced' | 'buffer';

/** One container that keeps key material of completed requests. */
export interface KeyHolder {
  /** The nearest container, in the words of findings (`Map keyCache (module scope of leaky.js)`). */
  holder: string;
  /** Retainer path from the GC root to the holder (human form, as findings). */
  path: PathStep[];
  holderId?: number;
  /** The most secret part it keeps of most of its keys. */
  part: KeyPart;
  forms: KeyForm[];
  /** Distinct keys whose material it keeps, in the final snapshot… */
  keys: number;
  /** …and in the middle one (absent when it was not scanned). */
  keysAtMiddle?: number;
  /** Keys of which it keeps the secret (whole key or secret part). */
  secretKeys: number;
  /** Self size of the strings (or buffers) holding the material. */
  bytes: number;
  /** Up to three keys it keeps, as fingerprints (`lk_…#a1b2c3`), never the key. */
  examples: string[];
}

/** Key material still in memory after the run (the key-residency scan). */
export interface KeyResidency {
  /** `leakbench-key` (`lk_<id>_<checksum>`, the checksum is the secret part), or the `--secret-pattern` source. */
  shape: string;
  /** Distinct credentials sent, and those whose request completed before the final snapshot. */
  keysSent: number;
  keysCompleted: number;
  /** Completed keys with material resident in the final snapshot (any part), and their share. */
  residentKeys: number;
  residentShare: number;
  /** Completed keys whose secret (whole key or secret part) is resident: what the gate counts. */
  secretResidentKeys: number;
  secretResidentShare: number;
  /** By part: keys whose most secret resident part is the whole key, the secret part, or the id only. */
  byPart: Record<KeyPart, number>;
  /** Self size of the strings holding the material (final snapshot). */
  bytes: number;
  /** Per scanned snapshot (middle, final): keys completed by then and how many were resident. */
  snapshots: Array<{ label: string; keysCompleted: number; residentKeys: number; secretResidentKeys: number; share: number }>;
  /** `grows`: more of the keys stay resident as requests go on; `steady`: resident, bounded; `none`: nothing resident. */
  trend: 'grows' | 'steady' | 'none';
  holders: KeyHolder[];
  /** ArrayBuffer contents, which snapshots do not hold: searched through the inspector, or why not. */
  buffers: {
    state: 'scanned' | 'not-scanned';
    reason?: string;
    buffersScanned?: number;
    bytesScanned?: number;
    /** Completed keys whose material is in buffer bytes. */
    keysFound?: number;
  };
  /** What was not looked at or cannot be seen, one sentence each. */
  limits: string[];
  /** One or two sentences for people. */
  summary: string;
  durationMs: number;
}

/** Result of measuring one variant. */
export interface VariantRun {
  variant: Variant;
  verdict: Verdict;
  pattern: LeakPattern;
  /** Headline growth per request (from findings when there are any, else the growth statistic). */
  bytesPerRequest: number;
  requests: number;
  durationMs: number;
  findings: Finding[];
  /** Directory of this variant's artifacts, relative to the working directory. */
  dir: string;
  /** Why the verdict is what it is, one or two sentences. */
  reason: string;
  statistic?: GrowthStatistic;
  samples: MemorySample[];
  snapshots: SnapshotRef[];
  load?: LoadSummary;
  /** The command that ran the server (secrets never appear here). */
  command?: string[];
  /** When the verdict is `crashed`: the cause as observed. */
  crash?: {
    exitCode: number | null;
    signal: string | null;
    heapLimit: boolean;
    stderrTail: string;
    /** True when the heap limit was the cause: memory grew until it reached the V8 heap limit, which confirms a leak. */
    confirmsLeak?: boolean;
    /**
     * True when the server was still alive after writing its near-heap-limit snapshot (V8 had
     * raised its limit to write it) and leakbench stopped it there; `signal` is then leakbench's.
     */
    stoppedAtHeapLimit?: boolean;
    /** Path of the snapshot V8 wrote near the heap limit (`--heapsnapshot-near-heap-limit`), if any. */
    nearLimitSnapshot?: string;
    /** What became of the near-limit snapshot: analysed with the earlier ones, or why not. */
    nearLimitAnalysis?: string;
  };
  /** When the run failed inside a batch: the error (state `errored`). */
  error?: { code: string; message: string };
  /**
   * `--per-endpoint`: growth attributed to each endpoint of the workload (one window of load per
   * endpoint between snapshots), in workload order.
   */
  endpoints?: EndpointGrowth[];
  /** The stretches of the run in order (warm-up, planned load, extensions, idle, replay, self-check). */
  phases?: PhaseRecord[];
  /** How the run came to its verdict: at the planned end, early (sure sooner), after extending, or when the budget ran out. */
  decidedBy?: { how: 'planned' | 'early' | 'extended' | 'budget'; why: string };
  /** Milliseconds from the start of load (warm-up included) to the moment the verdict's evidence was complete. */
  timeToVerdictMs?: number;
  /**
   * What drives the growth: `requests` (per request), `distinct-keys` (per new key: stops when
   * keys repeat), `time` (goes on with no traffic), from the idle and replay phases when run.
   */
  drivenBy?: 'requests' | 'distinct-keys' | 'time';
  /** Growth with no traffic, from the idle phase's after-GC samples (absent without an idle phase). */
  idleGrowth?: IdleGrowth;
  /**
   * The trend of memory outside the JS heap (RSS − heapTotal − external, after GC) on requests:
   * native allocations (addons, zlib, TLS) that no heap snapshot shows.
   */
  nativeStatistic?: GrowthStatistic;
  /** `run --cmd … --native`: allocation sites read by heaptrack or tracemalloc (harness/native). */
  native?: NativeSitesEvidence;
  /** Heap id resets seen before a snapshot (another inspector session disconnected): no diff crosses one. */
  idWipes?: Array<{ beforeSnapshot: string; tMs: number; requests: number }>;
  /** The positive control (`--self-check`): the planted leak found at its rate, missed, or never reached by the traffic. */
  selfCheck?: {
    state: 'found' | 'missed' | 'not-reached';
    plantedBytesPerRequest: number;
    foundBytesPerRequest?: number;
    reason: string;
  };
  /** Key material of completed requests still in memory (the key-residency scan), when keys were tracked. */
  keyResidency?: KeyResidency;
  /** Allocation data recorded for "allocated at": which method, and the sampling profile file. */
  allocationProfile?: {
    method: AllocationMethod;
    path?: string;
    samplingIntervalBytes?: number;
    /** Tracking: since launch with Node's `--track-heap-objects`, or through the inspector after warm-up. */
    trackingRoute?: 'node-flag' | 'inspector';
  };
}

/** One row of the per-endpoint table: what grew while only this endpoint was under load. */
export interface EndpointGrowth {
  /** The workload request's name (an OpenAPI operation: `operationId` or `METHOD /path`). */
  endpoint: string;
  /** Requests sent to it in its window. */
  requests: number;
  /** The window's leak-finder verdict, or `errored` when its snapshots could not be analysed. */
  verdict: 'leak' | 'no-leak' | 'inconclusive' | 'errored';
  /** Retained growth per request of this endpoint (sum of its holders). */
  bytesPerRequest: number;
  /** Holders that grew at both steps of the window, largest first. */
  holders: Array<{ holder: string; pattern: LeakPattern; bytesPerRequest: number }>;
  /** Why the window has no analysis (errored). */
  reason?: string;
}

/** The whole `report.json`, also printed by `--json`. */
export interface RunReport {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: 'leakbench';
  /** Scenario name, or `custom` for `--cmd`/`attach`. */
  scenario: string;
  runId: string;
  startedAt: string;
  /** Options the run used (load shape, durations). */
  options: RunOptionsSummary;
  runs: VariantRun[];
}

/** The load and timing options a run used, as recorded in the report. */
export interface RunOptionsSummary {
  warmupSec: number;
  durationSec: number;
  connections: number;
  /** Requests per second, or `max`. */
  rate: number | 'max';
  keys: string;
  invalidRatio: number;
  /** Share of POST requests. */
  postRatio?: number;
  /** Load budget after warm-up (`--max-duration`), and the idle phase (`--idle`), seconds. */
  maxDurationSec?: number;
  idleSec?: number;
  /** `--bound-entries`: a keyed collection's per-request growth is a sure leak past this many entries. */
  boundEntries?: number;
  /** True when the run planted its positive control (`--self-check`). */
  selfCheck?: boolean;
  /** Where the requests came from: the built-in key mix, a workload file, a config file or an OpenAPI description. */
  workload?: { kind: 'key-mix' | 'file' | 'config' | 'openapi'; from?: string; requests: number; perEndpoint?: boolean };
}

/** Phases of measuring one variant, in order. */
export type RunPhase = 'boot' | 'warmup' | 'snapshot' | 'load' | 'analysis' | 'done';

/**
 * Progress of a run, emitted by the orchestrator and rendered by harness/report (a live display on
 * a TTY, plain lines otherwise, nothing on stdout with `--json`).
 */
export type ProgressEvent =
  | { kind: 'phase'; variant: Variant; phase: RunPhase; label?: string; elapsedMs: number }
  | {
      kind: 'tick';
      variant: Variant;
      phase: RunPhase;
      elapsedMs: number;
      requests: number;
      requestsPerSec: number;
      heapUsedBytes: number;
      externalBytes: number;
      rssBytes: number;
    }
  | { kind: 'message'; level: 'info' | 'warn'; text: string };
