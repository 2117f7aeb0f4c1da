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
  /** The same slope on time over the load phases, for comparison (absent with too few samples). */
  loadBytesPerSecond?: number;
  /** True when growth goes on with no traffic at a rate comparable to the growth under load. */
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
  confidence: 'high' | 'medium' | 'low';
  /** The growing container in human words, e.g. `Map keyCache (module scope of leaky.js)`. */
  holder: string;
  path: PathStep[];
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
  /** Allocation data recorded for "allocated at": which method, and the sampling profile file. */
  allocationProfile?: {
    method: AllocationMethod;
    path?: string;
    samplingIntervalBytes?: number;
    /** Tracking: since launch with Node's `--track-heap-objects`, or through the inspector after warm-up. */
    trackingRoute?: 'node-flag' | 'inspector';
  };
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
