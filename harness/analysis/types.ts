/**
 * Plain data the analysis returns. `findings` use the shared {@link Finding} type of
 * harness/types.ts so a run report can carry them unchanged.
 */
import type { BufferScan, SentSecrets } from '../sent-secrets.js';
import type { Finding, KeyResidency, LeakPattern } from '../types.js';
import type { AllocationSiteOptions } from './allocation-sites.js';

/** Verdicts the snapshot analysis can reach (a run adds `crashed` and `interrupted`). */
export type AnalysisVerdict = 'leak' | 'no-leak' | 'inconclusive';

/** Thresholds of the verdict; defaults in {@link DEFAULT_THRESHOLDS}. */
export interface AnalysisThresholds {
  /** A holder is examined when the objects it gained since the baseline reach this many bytes. */
  candidateMinBytes: number;
  /** A finding needs at least this much growth over the whole sequence. */
  minLeakBytes: number;
  /** …and, when request counts are known, at least this many bytes per request. */
  minBytesPerRequest: number;
  /**
   * A step "grows" when its per-request growth is at least this share of the sequence's mean
   * rate; a leak grows at every step, a bounded cache or a one-off stops.
   */
  stepGrowthShare: number;
  /** At most this many findings are returned (the largest). */
  maxFindings: number;
  /**
   * A keyed collection gaining about an entry per request is a sure leak only past this many
   * entries (before, a bounded cache looks the same); below, `needsMore` asks for more load.
   */
  keyedBoundEntries: number;
}

/** Progress of an analysis, for live displays. */
export type AnalysisProgress =
  | { kind: 'read'; file: string; index: number; total: number; bytesRead: number; totalBytes: number }
  | { kind: 'phase'; phase: string; elapsedMs: number };

/** Options of {@link analyzeSnapshots} / `analyzeGraphs`. */
export interface AnalyzeOptions {
  /** Requests completed at each snapshot (same length as the snapshot list), for per-request rates. */
  requestsAtSnapshot?: number[];
  onProgress?: (event: AnalysisProgress) => void;
  /** Phase timings (ms) are written here when given. */
  timings?: Record<string, number>;
  thresholds?: Partial<AnalysisThresholds>;
  /**
   * "Allocated at" for each finding (allocation-sites.ts): from the snapshots' allocation traces
   * when they have them, else from `samplingProfile` when given. On by default; `false` skips it.
   * Only `analyzeSnapshots` applies it (it holds the graphs).
   */
  allocationSites?: AllocationSiteOptions | false;
  /**
   * The credentials the run sent (and its buffer scan): the middle and final snapshots are then
   * searched for the key material of completed requests (key-residency.ts). Only
   * `analyzeSnapshots` applies it (it holds the graphs).
   */
  keyResidency?: { secrets: SentSecrets; buffers?: BufferScan; labels?: string[] };
}

/** A holder whose growth was examined and judged not to be a leak (shown to teach why). */
export interface DismissedHolder {
  holder: string;
  /**
   * `plateau` (stopped growing: a bounded cache, a one-off), `small` (below the thresholds),
   * `transient` (grew only in the last step and is held from the stack: work in flight when the
   * snapshot was taken), `churn` (new objects replaced old ones: the container did not keep what it
   * gained), `bounded` (grows at every step but the heap shows its bound — a fixed-capacity array
   * such as lru-cache's key and value lists or a ring buffer's slots — and it is below it).
   */
  why: 'plateau' | 'small' | 'transient' | 'churn' | 'bounded';
  /** Bytes of new objects it held at each snapshot. */
  newBytes: number[];
  counts: number[];
  /** For `bounded`: the structural bound and where growth will stop. */
  bound?: StructuralBound;
}

/** A bound the heap shows on a growing container (container-shape.ts `fixedCapacity`). */
export interface StructuralBound {
  /** Slots of the fixed-capacity array (lru-cache's `max`, a ring buffer's capacity). */
  capacity: number;
  /** Slots filled in the last snapshot. */
  filled: number;
  /** Retained bytes the container will reach when full, extrapolated from its bytes per filled slot. */
  plateauBytes: number;
  /** New bytes per request it grew by over the sequence (when request counts are known). */
  bytesPerRequest?: number;
}

/** Summary of one input snapshot. */
export interface SnapshotSummary {
  nodeCount: number;
  totalSelfSizeBytes: number;
  requests?: number;
  /** Objects new since the baseline and alive here. */
  newObjects: number;
  newBytes: number;
}

/** What `analyzeSnapshots` returns. */
export interface AnalysisResult {
  schemaVersion: 1;
  verdict: AnalysisVerdict;
  /** One or two sentences: why the verdict is what it is. */
  reason: string;
  /** Pattern of the largest finding, `none` without findings. */
  pattern: LeakPattern;
  /** One per accumulation point, largest growth first. */
  findings: Finding[];
  /** Sum of the findings' bytes per request (when request counts are known). */
  bytesPerRequest?: number;
  snapshots: SnapshotSummary[];
  dismissed: DismissedHolder[];
  /**
   * Growing holders dismissed as `bounded` (also in `dismissed`): the growth trend of a run may
   * see them fill, and the run verdict explains that growth by them (decide-verdict.ts).
   */
  bounded?: Array<{ holder: string } & StructuralBound>;
  /** Phase timings of this analysis, ms. */
  timingsMs: Record<string, number>;
  /**
   * Set when more load could change the verdict: a holder still growing that has not yet grown
   * over enough steps, grew only lately, or is slowing down (a bounded structure filling up).
   * The run protocol (`nextStep`) reads it to extend the run instead of deciding.
   */
  needsMore?: { why: 'too-few-steps' | 'late-growth' | 'slowing' | 'filled' | 'still-growing'; holder: string; detail: string };
  /** Key material of completed requests still in memory, when `keyResidency` was asked for. */
  keyResidency?: KeyResidency;
}
