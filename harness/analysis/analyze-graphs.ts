/**
 * The leak finder: from two or more snapshots of one process (node ids stable), finds the
 * accumulation points — the containers that keep more and more objects created after the
 * baseline alive, step after step, in proportion to the work done — and turns each into a
 * {@link Finding} with its retainer path, growth figures, what accumulates and the pattern.
 *
 * Steps (each justified where it is implemented):
 * 1. Baseline ids → for each later snapshot, every new reachable object is charged to one holder
 *    (attribute-new-objects.ts: nearest pre-existing dominator, backing stores lifted).
 * 2. Holders with enough new bytes in the last snapshot are candidates. Each candidate is matched
 *    in every snapshot by its node id, giving the series of new bytes it keeps alive, its entry
 *    count and its retained size.
 * 3. A candidate is a leak only if it grows at *every* step, at a per-request rate consistent with
 *    the sequence's mean — a bounded cache that fills and plateaus, a lazily built singleton or
 *    compiled code grow in one step and stop, and churn leaves nothing behind at all.
 * 4. The pattern comes from the container's shape and what piles up in it (classify-pattern.ts).
 * Output is deterministic: sorted by growth, ties broken by node id.
 */
import { LeakbenchError } from '../errors.js';
import type { HeapGraph } from '../heap/types.js';
import type { Finding, LeakMechanism, LeakPattern } from '../types.js';
import { attributeNewObjects, baselineIds, type Attribution } from './attribute-new-objects.js';
import type { IdSet } from './id-set.js';
import { bulkArrays } from './bulk-arrays.js';
import { accumulationPoints, enclosingPoint, growthTree, pointOfTouched, type GrowthTree } from './accumulation-points.js';
import { classifyMechanism, MIN_SPREAD_MEMBERS, type ExplainInput, type MechanismEvidence } from './mechanisms/index.js';
import {
  containerKind,
  edgeTargetByName,
  fixedCapacity,
  entryCount,
  isBackingStoreNode,
  kindWord,
  type ContainerKind,
} from './container-shape.js';
import { findingOwner } from './finding-owner.js';
import { anchorPath, holderName, humanPath, nodeLabel } from './human-path.js';
import type {
  AnalysisResult,
  AnalysisThresholds,
  AnalyzeOptions,
  DismissedHolder,
  SnapshotSummary,
  StructuralBound,
} from './types.js';

/**
 * Default thresholds. The step share (0.25) tolerates the lumpy growth of backing stores (V8
 * grows tables and element stores by ~1.5–2× at a time) while rejecting a step that adds less
 * than a quarter of the average; the byte floors sit well above the trickle of new compiled code
 * and inline-cache data a busy server shows under steady load (measured on the evaluation
 * controls, see docs/analysis.md) and well below a 25 bytes/request leak over 100k requests.
 */
export const DEFAULT_THRESHOLDS: AnalysisThresholds = {
  candidateMinBytes: 16 * 1024,
  minLeakBytes: 128 * 1024,
  minBytesPerRequest: 2,
  stepGrowthShare: 0.25,
  maxFindings: 20,
  keyedBoundEntries: 100_000,
};

/** Accumulating functions sampled per candidate to tell whose code registered them. */
const MAX_CLOSURE_SAMPLES = 16;

/** Candidates examined in detail, largest first (the rest are far below the largest). */
const MAX_CANDIDATES = 200;

/** Node types whose class is the type itself (DevTools' grouping); objects group by name. */
const TYPE_CLASSES: Record<string, string> = {
  hidden: '(system)',
  code: '(compiled code)',
};

/** Display names for classes in "what accumulates" (keys are node names or type names). */
function displayClass(key: string): string {
  const name = TYPE_CLASSES[key] ?? (isTypeName(key) ? `(${key})` : key);
  if (name === 'system / JSArrayBufferData') return 'ArrayBuffer backing store (external)';
  if (name === 'system / Context') return 'closure scope (system / Context)';
  return name;
}

const TYPE_NAMES = new Set([
  'array', 'string', 'closure', 'regexp', 'number', 'synthetic', 'concatenated string', 'sliced string',
  'symbol', 'bigint', 'object shape', 'wasm object',
]);

function isTypeName(key: string): boolean {
  return TYPE_NAMES.has(key);
}

interface ClassTally {
  count: number;
  bytes: number;
}

interface Candidate {
  /** The accumulation point (a holder, or the container of a spread point's members). */
  holderOrdinal: number;
  holderId: number;
  /** Growing children of a spread point, largest first (empty when the point grows itself). */
  members: number[];
  /** A few of the new functions it holds (their scripts say whose code registered them). */
  closureSamples: number[];
  /** New bytes / objects it holds at each snapshot (index 0 = baseline = 0). */
  newBytes: number[];
  newCount: number[];
  classes: Map<string, ClassTally>;
  /** The same tallies by the engine's group key, while counting. */
  classKeys: Map<number, ClassTally>;
  /** The largest new direct entry (first new node of a dominator chain), for descending. */
  largestEntry: number;
  largestEntryBytes: number;
  /**
   * For each snapshot i = 1 … n-2 (index i-1): the share of the new objects it held there that
   * are still in snapshot i+1 (NaN: too few to judge). See {@link survivalAtSteps}.
   */
  survival: number[];
}

/**
 * Work on the first snapshots done while the last ones were still being read (see
 * analyze-snapshots.ts): the baseline's ids and the attribution of snapshots 1…n-2.
 */
export interface EarlyWork {
  ids?: IdSet;
  attributions?: Array<Attribution | undefined>;
}

/** Finds accumulation points in snapshots already parsed (`graphs[0]` is the baseline). */
export function analyzeGraphs(graphs: HeapGraph[], options: AnalyzeOptions = {}, early: EarlyWork = {}): AnalysisResult {
  const thresholds: AnalysisThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const timings = options.timings ?? {};
  if (graphs.length < 2) throw new LeakbenchError('E_USAGE', 'analysis needs at least two snapshots of one process');
  const requests = options.requestsAtSnapshot;
  if (requests !== undefined) {
    if (requests.length !== graphs.length) {
      throw new LeakbenchError('E_USAGE', `got ${requests.length} request counts for ${graphs.length} snapshots`);
    }
    for (let i = 1; i < requests.length; i++) {
      if (!(requests[i]! > requests[i - 1]!)) {
        throw new LeakbenchError('E_USAGE', 'request counts must increase from one snapshot to the next');
      }
    }
  }
  const stepCount = graphs.length - 1;
  // Work per step: requests when known, else one unit per step (equal steps assumed).
  const workPerStep = Array.from({ length: stepCount }, (_, k) =>
    requests === undefined ? 1 : requests[k + 1]! - requests[k]!,
  );
  const totalWork = workPerStep.reduce((a, b) => a + b, 0);
  const phase = (name: string, start: number): void => {
    const ms = performance.now() - start;
    timings[name] = (timings[name] ?? 0) + ms;
    options.onProgress?.({ kind: 'phase', phase: name, elapsedMs: ms });
  };

  // 1. Baseline ids and attribution in every later snapshot.
  let t = performance.now();
  const ids = early.ids ?? baselineIds(graphs[0]!);
  phase('baseline-ids', t);
  t = performance.now();
  const attributions: Array<Attribution | undefined> = [undefined];
  for (let i = 1; i < graphs.length; i++) attributions.push(early.attributions?.[i] ?? attributeNewObjects(graphs[i]!, ids));
  phase('attribute', t);

  const final = graphs[stepCount]!;
  const finalAttr = attributions[stepCount]!;
  const snapshots: SnapshotSummary[] = graphs.map((g, i) => {
    const s: SnapshotSummary = {
      nodeCount: g.nodeCount,
      totalSelfSizeBytes: g.totalSelfSizeBytes,
      newObjects: attributions[i]?.totalNewCount ?? 0,
      newBytes: attributions[i]?.totalNewBytes ?? 0,
    };
    if (requests !== undefined) s.requests = requests[i]!;
    return s;
  });

  // Snapshots must come from one process and one unbroken run of V8's heap ids: the run checks
  // that before each snapshot (an id pinned at the start must not change; see the run protocol),
  // and `analyze` of the user's own files cannot know. A share-of-same-ids test cannot tell: a
  // busy cache replaces half the heap within one session, and after a reset V8 hands out the same
  // ids again (measured: 6149 → 0 → 6149).

  // 2. Candidates: accumulation points of enough new bytes in the last snapshot (a growing holder,
  // or a container whose growth is spread over many members: accumulation-points.ts), and old
  // objects that grew in place (`grownInPlace`): an Array of numbers keeps its unboxed elements in
  // a store the snapshot folds into the Array's own self size, so its growth is no new object at all.
  t = performance.now();
  const trees: Array<GrowthTree | undefined> = graphs.map((g, i) => (i === 0 ? undefined : growthTree(g, attributions[i]!)));
  const finalTree = trees[stepCount]!;
  const grown = grownInPlace(graphs[0]!, final, finalAttr, thresholds.candidateMinBytes);
  const points = accumulationPoints(finalTree, finalAttr, thresholds.candidateMinBytes);
  const isPoint = new Set(points.map((p) => p.ordinal));
  // An old object grown in place is a candidate of its own unless it lies inside a point already
  // (lru-cache's key Map inside the cache: the cache is the point).
  for (const h of grown.keys()) {
    if (!isPoint.has(h) && enclosingPoint(final, finalAttr, isPoint, h) < 0) points.push({ ordinal: h, members: [] });
  }
  const score = (h: number): number => finalTree.subtreeBytes[h]! + (grown.get(h) ?? 0);
  points.sort((a, b) => score(b.ordinal) - score(a.ordinal) || final.nodeId(a.ordinal) - final.nodeId(b.ordinal));
  points.length = Math.min(points.length, MAX_CANDIDATES);
  const candidates = new Map<number, Candidate>();
  const baselineSelf = (id: number): number => {
    const o = graphs[0]!.ordinalOfId(id);
    return o < 0 ? 0 : graphs[0]!.selfSize(o);
  };
  for (const point of points) {
    const h = point.ordinal;
    const holderId = final.nodeId(h);
    const newBytes = [0];
    const newCount = [0];
    const selfAtBaseline = grown.has(h) ? baselineSelf(holderId) : 0;
    for (let i = 1; i < graphs.length; i++) {
      const o = i === stepCount ? h : graphs[i]!.ordinalOfId(holderId);
      const inPlace = grown.has(h) && o >= 0 ? Math.max(0, graphs[i]!.selfSize(o) - selfAtBaseline) : 0;
      newBytes.push(o < 0 ? 0 : trees[i]!.subtreeBytes[o]! + inPlace);
      newCount.push(o < 0 ? 0 : trees[i]!.subtreeCount[o]!);
    }
    candidates.set(h, {
      holderOrdinal: h,
      holderId,
      members: point.members,
      closureSamples: [],
      newBytes,
      newCount,
      classes: new Map(),
      classKeys: new Map(),
      largestEntry: -1,
      largestEntryBytes: 0,
      survival: [],
    });
  }
  if (candidates.size > 0) survivalAtSteps(graphs, attributions, trees, [...candidates.values()]);
  if (candidates.size > 0) tallyCandidates(final, finalAttr, [...candidates.values()], pointOfTouched(finalTree, points));
  for (const [h, bytes] of grown) {
    const c = candidates.get(h);
    if (c === undefined) continue;
    const name = `${final.nodeName(h) || final.nodeType(h)} storage grown in place`;
    c.classes.set(name, { count: 1, bytes });
  }
  phase('candidates', t);

  // 3. Growth at every step, significance, pattern, finding.
  t = performance.now();
  const findings: Array<Finding & { sortBytes: number; sortId: number }> = [];
  const dismissed: Array<DismissedHolder & { sortBytes: number }> = [];
  let lateGrowth: string | undefined;
  let needsMore: AnalysisResult['needsMore'];
  for (const c of candidates.values()) {
    const container = c.members.length > 0 ? c.holderOrdinal : effectiveContainer(final, finalAttr, c);
    const containerId = final.nodeId(container);
    const kind = containerKind(final, container);
    const counts: number[] = [];
    const ordinals: number[] = [];
    for (const g of graphs) {
      const o = g === final ? container : g.ordinalOfId(containerId);
      ordinals.push(o);
      counts.push(o < 0 ? 0 : entryCount(g, o, kind));
    }
    const bytesGrow = growsAtSteps(c.newBytes, workPerStep, thresholds.stepGrowthShare);
    const countsGrow = growsAtSteps(counts, workPerStep, thresholds.stepGrowthShare);
    const totalBytes = c.newBytes[stepCount]!;
    const bytesPerRequest = requests === undefined ? undefined : totalBytes / totalWork;
    const significant =
      totalBytes >= thresholds.minLeakBytes &&
      (bytesPerRequest === undefined || bytesPerRequest >= thresholds.minBytesPerRequest);
    const name = describeHolder(final, container, kind);
    // A scope holding the growth directly is named by the variable of its largest new entry.
    if (kind === 'context' && c.largestEntry >= 0) {
      const variable = contextVariableOf(final, container, c.largestEntry);
      if (variable !== undefined) name.holder = `${nodeTypeWord(final, c.largestEntry)} ${variable} ${nodeLabel(final, container)}`;
    }
    const dismiss = (why: DismissedHolder['why']): void => {
      dismissed.push({ holder: name.holder, why, newBytes: c.newBytes, counts, sortBytes: totalBytes });
    };
    if (!significant) {
      dismiss('small');
      continue;
    }
    // A leak keeps the very objects it gained: a container whose entries of one snapshot are gone
    // by the next (a map swept every window, a short TTL) turns over, however its count moves —
    // the count of a swept map follows the request rate, and a rate that rises during the run
    // makes it grow at every step (bench:all on a loaded machine: 504 → 1700 → 3216 entries,
    // none of one snapshot's still there at the next).
    if (c.survival.some((share) => share < SURVIVAL_SHARE)) {
      dismiss('churn');
      continue;
    }
    // The step rule above sees a step's new entries one snapshot later only: with a TTL longer
    // than a step most of them are still there. A leak also keeps what it held at the baseline; a
    // TTL cache whose count rose with the rate has dropped all of it by the last snapshot
    // (measured: a 6 s TTL cache, counts 9,642 → 10,371 → 12,482, came out `leak` in 2 of 4 runs).
    if ((kind === 'map' || kind === 'set' || kind === 'dictionary') && ordinals[0]! >= 0) {
      if (baselineEntriesKept(graphs[0]!, ordinals[0]!, final, kind) < BASELINE_KEPT_SHARE) {
        dismiss('churn');
        continue;
      }
    }
    // A leak keeps what it gains. A container that replaces its entries (a cache swept every
    // second, an LRU turning over) also holds only objects newer than the baseline, so "new bytes"
    // rise from snapshot to snapshot as old entries are replaced — yet its size does not grow.
    // So growth must also show in the container itself, over the whole sequence (its entry count
    // grows at every step, or its retained size grew by at least half of the new bytes charged to
    // it: the count of a closure scope or plain holder says nothing, its retained size does) AND
    // at each step (`keptAtSteps`): an LRU that fills within the first step passes the first test
    // (it kept 20k of its 30k new entries) but keeps nothing it gains in the second.
    // Retained sizes only for significant holders: the baseline may have been read without its
    // dominator tree (analyze-snapshots.ts), which is then built on this first use.
    const retainedBytes = graphs.map((g, i) => (ordinals[i]! < 0 ? 0 : g.retainedSize(ordinals[i]!)));
    const retainedGrowth = retainedBytes[stepCount]! - retainedBytes[0]!;
    if (!(countsGrow.every(Boolean) || retainedGrowth >= KEPT_SHARE * totalBytes)) {
      dismiss('churn');
      continue;
    }
    const kept = keptAtSteps(c.newBytes, retainedBytes, countsGrow);
    const grows = bytesGrow.map((b, k) => (b || countsGrow[k]!) && kept[k]!);
    if (!grows[stepCount - 1]) {
      // Grew and then stopped (a bounded cache that filled, a one-off), or never kept a step's gain.
      dismiss('plateau');
      continue;
    }
    if (!grows.every(Boolean)) {
      // Grew in the last step but not in every step: started late, or paused. Not yet a finding.
      // Growth held from the stack (the snapshot interrupted a timer callback or a request in
      // flight) is transient, not a start of growth.
      if (heldFromStack(final, container)) dismiss('transient');
      else lateGrowth ??= name.holder;
      continue;
    }
    // A structural bound: a fixed-capacity array in the point (or among its members) whose length
    // never changed while it filled, and that is not full yet. It will plateau; not a leak.
    const bound = structuralBound(graphs, container, c.members, retainedBytes[stepCount]!, totalBytes, bytesPerRequest);
    if (bound !== undefined && bound.filled < bound.capacity) {
      dismissed.push({ holder: name.holder, why: 'bounded', newBytes: c.newBytes, counts, bound, sortBytes: totalBytes });
      continue;
    }
    // Full at the last snapshot, having filled during the sequence: the bound was reached in the
    // last step, and only the next step shows whether the growth stops there (lru-cache with
    // max 50,000 keeps its entries in arrays of fixed capacity: a run whose last snapshot came
    // just after they filled saw growth at every step and said `leak`).
    const justFilled = bound !== undefined && bound.filled >= bound.capacity;
    // A point with a few growing members is named by the shape of its largest member (four
    // growing inner Maps are a keyed collection); many members are a spread of their own.
    const fewMembers = c.members.length > 0 && c.members.length < MIN_SPREAD_MEMBERS;
    const shapeOf = fewMembers ? c.members[0]! : container;
    const shapeKind = shapeOf === container ? kind : containerKind(final, shapeOf);
    const evidence = patternEvidence(final, finalAttr, c, shapeOf, shapeKind);
    const mechanismModule = classifyMechanism(evidence);
    const pattern: LeakPattern = mechanismModule.family;
    const mechanism: LeakMechanism = mechanismModule.id;
    const accumulates = [...c.classes.entries()]
      .map(([cls, tally]) => ({ name: displayClass(cls), count: tally.count, bytes: tally.bytes }))
      .filter((a) => a.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes || compareText(a.name, b.name))
      .slice(0, 8);
    const top = accumulates[0];
    const firstCount = counts[0]!;
    const entriesPerRequest =
      requests === undefined ? undefined : (counts[stepCount]! - firstCount) / totalWork;
    const explainInput: ExplainInput = {
      kind: shapeKind,
      holder: name.holder,
      externalBytes: evidence.externalBytes,
    };
    const members = c.members.length === 0 ? undefined : describeMembers(final, c.members, finalTree);
    if (members !== undefined) {
      explainInput.members = { count: members.count, largest: members.largest.map((m) => `${m.holder} (${formatBytes(m.newBytes)})`) };
    }
    if (name.eventName !== undefined) explainInput.eventName = name.eventName;
    if (bytesPerRequest !== undefined) explainInput.bytesPerRequest = bytesPerRequest;
    if (entriesPerRequest !== undefined) explainInput.entriesPerRequest = entriesPerRequest;
    if (top !== undefined) explainInput.topClass = `${top.name} (${top.count} objects, ${formatBytes(top.bytes)})`;
    if (mechanism === 'linked-chain' && evidence.chainLink !== undefined && evidence.chainClass !== undefined) {
      explainInput.chain = { length: evidence.chainLength, link: evidence.chainLink, className: evidence.chainClass };
      // Name the chain by the variable that heads it: `KeyStore chain current.previous… (module scope of x.js)` (the label has its own parentheses).
      if (kind === 'context' || kind === 'object') {
        const head = /^[A-Za-z_$][\w$]*$/.test(evidence.chainHead ?? '') ? `${evidence.chainHead}.` : '';
        name.holder = `${evidence.chainClass} chain ${head}${evidence.chainLink}… ${nodeLabel(final, container)}`;
        explainInput.holder = name.holder;
      }
    }
    const { explanation, fix } = mechanismModule.explain(explainInput);
    const rates = c.newBytes.slice(1).map((b, k) => (b - c.newBytes[k]!) / workPerStep[k]!);
    const consistency = stepCount < 2 ? 0 : Math.min(...rates) / Math.max(...rates);
    const confidence: Finding['confidence'] =
      stepCount < 2 ? 'low' : bytesGrow.every(Boolean) && consistency >= 0.5 ? 'high' : 'medium';
    const finding: Finding & { sortBytes: number; sortId: number } = {
      pattern,
      mechanism,
      confidence,
      holder: name.holder,
      path: humanPath(final, container),
      growth: { counts, retainedBytes },
      accumulates,
      explanation,
      fix,
      holderId: containerId,
      containerKind: kind,
      newBytes: c.newBytes,
      newObjects: c.newCount,
      bytesPerStep: c.newBytes.slice(1).map((b, k) => b - c.newBytes[k]!),
      sortBytes: totalBytes,
      sortId: containerId,
    };
    if (bytesPerRequest !== undefined) finding.bytesPerRequest = round2(bytesPerRequest);
    if (requests !== undefined) finding.requestsPerStep = workPerStep;
    finding.owner = findingOwner(final, container, c.closureSamples);
    const fromAnchor = anchorPath(final, container);
    if (fromAnchor !== undefined) finding.anchorPath = fromAnchor;
    if (members !== undefined) finding.members = members;
    if (bound !== undefined) finding.bound = bound;
    const shared = sharedWith(final, finalAttr, c, container);
    if (shared.length > 0) finding.sharedWith = shared;
    findings.push(finding);
    if (justFilled) {
      needsMore ??= {
        why: 'filled',
        holder: name.holder,
        detail: `${name.holder} filled its fixed capacity of ${groupDigits(bound!.capacity)} slots in the last step: a bounded structure that just filled looks like this`,
      };
    }
    needsMore ??= undecidedGrowth({
      holder: name.holder,
      kind,
      retainedBytes,
      counts,
      workPerStep,
      requestsTotal: requests?.[stepCount],
      boundEntries: thresholds.keyedBoundEntries,
    });
  }
  phase('classify', t);

  findings.sort((a, b) => b.sortBytes - a.sortBytes || a.sortId - b.sortId);
  dismissed.sort((a, b) => b.sortBytes - a.sortBytes || compareText(a.holder, b.holder));
  const kept = findings.slice(0, thresholds.maxFindings).map(({ sortBytes: _b, sortId: _i, ...f }) => f as Finding);
  const dismissedOut = dismissed.slice(0, 10).map(({ sortBytes: _b, ...d }) => d);
  const bounded = dismissed.flatMap((d) => (d.bound === undefined ? [] : [{ holder: d.holder, ...d.bound }]));

  const result: AnalysisResult = {
    schemaVersion: 1,
    verdict: 'no-leak',
    reason: '',
    pattern: kept[0]?.pattern ?? 'none',
    findings: kept,
    snapshots,
    dismissed: dismissedOut,
    timingsMs: { ...timings },
  };
  if (bounded.length > 0) result.bounded = bounded;
  if (requests !== undefined && kept.length > 0) {
    result.bytesPerRequest = round2(kept.reduce((sum, f) => sum + (f.bytesPerRequest ?? 0), 0));
  }
  const survivors = `${formatBytes(finalAttr.totalNewBytes)} in ${finalAttr.totalNewCount} objects allocated after the baseline survive`;
  if (kept.length > 0 && stepCount >= 2) {
    const first = kept[0]!;
    const rate = first.bytesPerRequest !== undefined ? ` at ${first.bytesPerRequest} bytes per request` : '';
    result.verdict = 'leak';
    result.reason =
      `${kept.length} accumulation point${kept.length > 1 ? 's' : ''} grew at every one of ${stepCount} steps; ` +
      `the largest is ${first.holder}${rate} (${first.pattern}).`;
    if (needsMore !== undefined) {
      result.needsMore = needsMore;
      result.reason += ` Not yet sure: ${needsMore.detail}.`;
    }
  } else if (kept.length > 0) {
    result.verdict = 'inconclusive';
    result.pattern = 'none';
    result.reason =
      `${kept[0]!.holder} grew between the two snapshots, but two snapshots cannot tell sustained growth from a ` +
      'one-off: take a third snapshot after more load.';
    result.needsMore = { why: 'too-few-steps', holder: kept[0]!.holder, detail: `${kept[0]!.holder} grew over one step only` };
  } else if (lateGrowth !== undefined) {
    result.verdict = 'inconclusive';
    result.reason =
      `${lateGrowth} grew in the last step but not in every step; it may have only started to grow: ` +
      'run longer or take more snapshots.';
    result.needsMore = { why: 'late-growth', holder: lateGrowth, detail: `${lateGrowth} grew in the last step but not in every step` };
  } else {
    const largest = dismissedOut.find((d) => d.why === 'plateau' || d.why === 'churn');
    const firstBound = bounded[0];
    result.reason =
      (firstBound === undefined
        ? `No container grew at every step (${survivors}).`
        : `No container grows without bound (${survivors}): ${boundText(firstBound)}.`) +
      (largest === undefined
        ? ''
        : largest.why === 'plateau'
          ? ` The largest, ${largest.holder}, grew and then stopped (bounded or one-off).`
          : ` The largest, ${largest.holder}, turns its entries over without growing (new objects replace old ones).`);
  }
  return result;
}

/**
 * Old objects (present in the baseline) whose own self size grew by at least `minBytes` since the
 * baseline, with that growth. Only objects at least `minBytes` large can qualify, so the pass
 * looks up the baseline for a handful of nodes, not for every node.
 */
function grownInPlace(baseline: HeapGraph, final: HeapGraph, attr: Attribution, minBytes: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let o = 0, n = final.nodeCount; o < n; o++) {
    const size = final.selfSize(o);
    if (size < minBytes || attr.isOld[o] !== 1) continue;
    const b = baseline.ordinalOfId(final.nodeId(o));
    if (b < 0) continue;
    const delta = size - baseline.selfSize(b);
    if (delta >= minBytes) out.set(o, delta);
  }
  return out;
}

/** Ordinals of the holders charged at least `minBytes` new bytes, in ordinal order. */
function holdersAbove(newBytesByHolder: Float64Array, minBytes: number): number[] {
  const out: number[] = [];
  for (let h = 0, n = newBytesByHolder.length; h < n; h++) if (newBytesByHolder[h]! >= minBytes) out.push(h);
  return out;
}

/**
 * One pass over the last snapshot: what each candidate accumulates, by class, and its largest
 * direct new entry (every object counted; nothing sampled). A function of its own so V8 optimizes
 * this loop alone (see attributeNewObjects).
 */
function tallyCandidates(final: HeapGraph, finalAttr: Attribution, list: Candidate[], pointOf: Map<number, number>): void {
  const slotOf = new Int32Array(final.nodeCount).fill(-1);
  const slotOfPoint = new Map<number, number>();
  for (let i = 0; i < list.length; i++) slotOfPoint.set(list[i]!.holderOrdinal, i);
  // Every holder below a point counts with it (the members of a spread point).
  for (const [holder, point] of pointOf) {
    const slot = point < 0 ? undefined : slotOfPoint.get(point);
    if (slot !== undefined) slotOf[holder] = slot;
  }
  const { dominators } = bulkArrays(final);
  const holderOf = finalAttr.holderOf;
  const isOld = finalAttr.isOld;
  for (let o = 0, n = final.nodeCount; o < n; o++) {
    const h = holderOf[o]!;
    if (h < 0) continue;
    const slot = slotOf[h]!;
    if (slot < 0) continue;
    const c = list[slot]!;
    if (c.closureSamples.length < MAX_CLOSURE_SAMPLES && final.nodeType(o) === 'closure') c.closureSamples.push(o);
    // Tally by the engine's group key (a number for the type name, or the node name of objects)
    // so the hot loop never builds or decodes a string; names are looked up once per key below.
    const key = final.groupKey(o);
    const bytes = final.selfSize(o);
    const tally = c.classKeys.get(key);
    if (tally === undefined) c.classKeys.set(key, { count: 1, bytes });
    else {
      tally.count++;
      tally.bytes += bytes;
    }
    if (isOld[dominators[o]!] === 1 && !isBackingStoreNode(final, o)) {
      const retained = final.retainedSize(o);
      if (retained > c.largestEntryBytes) {
        c.largestEntryBytes = retained;
        c.largestEntry = o;
      }
    }
  }
  for (const c of list) {
    for (const [key, tally] of c.classKeys) {
      const name = final.groupKeyName(key);
      const known = c.classes.get(name);
      if (known === undefined) c.classes.set(name, tally);
      else {
        known.count += tally.count;
        known.bytes += tally.bytes;
      }
    }
  }
}

/**
 * For each step: did the container keep what it gained in that step? Yes when its entry count
 * grew (`countsGrow`), or when its retained size grew by at least {@link KEPT_SHARE} of the new
 * bytes charged to it in that step. A container that is full and replaces entries gains new bytes
 * but keeps none of them.
 */
export function keptAtSteps(newBytes: readonly number[], retainedBytes: readonly number[], countsGrow: readonly boolean[]): boolean[] {
  return countsGrow.map((countGrew, k) => {
    if (countGrew) return true;
    const gained = newBytes[k + 1]! - newBytes[k]!;
    const kept = retainedBytes[k + 1]! - retainedBytes[k]!;
    return kept > 0 && kept >= KEPT_SHARE * gained;
  });
}

/**
 * A step's growth, per request, below this share of the fastest earlier step's is "slowing": the
 * pattern of a bounded structure that filled during the step (it grew for part of the step only).
 * A leak at a steady rate stays near 1; the lumpy growth of backing stores (V8 grows them by
 * ~1.5× at a time) rarely halves a step's rate when steps hold thousands of requests.
 */
export const SLOWING_SHARE = 0.5;

/**
 * A keyed collection (Map, Set, dictionary object) that gains about one entry per request is what
 * a bounded cache looks like until it fills: no snapshot can tell the two apart before the bound.
 * It is a leak without doubt only once it holds more entries than caches are commonly bounded at
 * (lru-cache with `max: 50_000` is ordinary production code); below that the run loads further.
 */
export const KEYED_BOUND_ENTRIES = DEFAULT_THRESHOLDS.keyedBoundEntries;

/** Entries per request above which a keyed collection grows "per request (or per distinct key)". */
export const KEYED_ENTRIES_PER_REQUEST = 0.5;

/** What keeps a growing holder from being a sure leak yet (`undefined`: nothing). */
export function undecidedGrowth(h: {
  holder: string;
  kind: ContainerKind;
  retainedBytes: readonly number[];
  counts: readonly number[];
  workPerStep: readonly number[];
  requestsTotal: number | undefined;
  /** Entries past which a keyed collection's growth is a sure leak (default {@link KEYED_BOUND_ENTRIES}). */
  boundEntries?: number;
}): AnalysisResult['needsMore'] {
  const bound = h.boundEntries ?? KEYED_BOUND_ENTRIES;
  const steps = h.workPerStep.length;
  const rates = h.workPerStep.map((w, k) => (h.retainedBytes[k + 1]! - h.retainedBytes[k]!) / w);
  const fastestEarlier = Math.max(...rates.slice(0, -1));
  if (steps >= 2 && rates[steps - 1]! < SLOWING_SHARE * fastestEarlier) {
    return {
      why: 'slowing',
      holder: h.holder,
      detail:
        `${h.holder} grew more slowly in the last step (${Math.round(rates[steps - 1]!)} B/request against ` +
        `${Math.round(fastestEarlier)} before): a bounded structure filling up looks like this`,
    };
  }
  const keyed = h.kind === 'map' || h.kind === 'set' || h.kind === 'dictionary';
  // A Map's count is its table's live slots: a key and a value per entry.
  const perEntry = h.kind === 'map' ? 2 : 1;
  const entries = Math.round(h.counts[h.counts.length - 1]! / perEntry);
  const work = h.workPerStep.reduce((a, b) => a + b, 0);
  const perRequest = (entries - h.counts[0]! / perEntry) / work;
  if (keyed && perRequest >= KEYED_ENTRIES_PER_REQUEST && entries < bound) {
    const after = h.requestsTotal === undefined ? '' : ` after ${h.requestsTotal.toLocaleString('en-US')} requests`;
    return {
      why: 'still-growing',
      holder: h.holder,
      detail:
        `${h.holder} gains ${perRequest.toFixed(2)} entries per request and holds ${entries.toLocaleString('en-US')}${after}; ` +
        `a cache bounded above ${entries.toLocaleString('en-US')} entries looks the same until it fills ` +
        `(sure past ${bound.toLocaleString('en-US')} entries)`,
    };
  }
  return undefined;
}

/**
 * True for each step whose growth is positive and at least `share` of the mean per-work growth
 * over the whole sequence (`values[0]` is the baseline value).
 */
export function growsAtSteps(values: number[], workPerStep: number[], share: number): boolean[] {
  const last = values.length - 1;
  const total = values[last]! - values[0]!;
  const totalWork = workPerStep.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return workPerStep.map(() => false);
  const meanRate = total / totalWork;
  return workPerStep.map((work, k) => {
    const delta = values[k + 1]! - values[k]!;
    return delta > 0 && delta / work >= share * meanRate;
  });
}

/**
 * The container to report for a holder. Usually the holder itself; but when almost all of its new
 * bytes sit under one new container (a listener array created after the baseline, an Array a
 * module variable was re-assigned to), that container is what grows, so it is reported instead.
 */
function effectiveContainer(g: HeapGraph, attr: Attribution, c: Candidate): number {
  const entry = c.largestEntry;
  if (entry < 0 || c.largestEntryBytes < 0.8 * attr.newBytesByHolder[c.holderOrdinal]!) return c.holderOrdinal;
  const kind = containerKind(g, entry);
  if (kind === 'object' || kind === 'context') return c.holderOrdinal;
  return entryCount(g, entry, kind) >= 8 ? entry : c.holderOrdinal;
}

/** Entries of a container seen so far (new since the baseline). */
interface EntryTally {
  topLevel: number;
  closures: number;
  /** New objects among the first entries, with the name of the edge that holds each. */
  chainStarts: Array<{ ordinal: number; via: string }>;
}

/** Counts one entry of a container; `viaEdge` (or -1) is named only for the few chain starts kept. */
function visitEntry(g: HeapGraph, attr: Attribution, tally: EntryTally, target: number, viaEdge: number): void {
  if (attr.isOld[target] === 1) return;
  tally.topLevel++;
  if (tally.chainStarts.length < 64 && g.nodeType(target) === 'object') {
    tally.chainStarts.push({ ordinal: target, via: viaEdge < 0 ? '' : g.edgeName(viaEdge) });
  }
  if (g.nodeType(target) === 'closure' || holdsClosure(g, target)) tally.closures++;
}

/** Collects the pattern evidence of a container from its entries in the last snapshot. */
function patternEvidence(
  g: HeapGraph,
  attr: Attribution,
  c: Candidate,
  container: number,
  kind: ContainerKind,
): MechanismEvidence {
  const entries: EntryTally = { topLevel: 0, closures: 0, chainStarts: [] };
  if (kind === 'timer-list') {
    let at = edgeTargetByName(g, container, '_idleNext');
    for (let guard = 0; at >= 0 && at !== container && guard < 50_000_000; guard++) {
      visitEntry(g, attr, entries, at, -1);
      at = edgeTargetByName(g, at, '_idleNext');
    }
  } else {
    const table = kind === 'map' || kind === 'set' || kind === 'weak-collection' ? edgeTargetByName(g, container, 'table') : -1;
    const from = table >= 0 ? table : container;
    for (let e = g.firstEdge(from), end = g.edgesEnd(from); e < end; e++) {
      const type = g.edgeType(e);
      const isEntry =
        type === 'element' ||
        type === 'context' ||
        (type === 'property' && !g.edgeNameIs(e, '__proto__')) ||
        (table >= 0 && type === 'internal' && !g.edgeNameIs(e, 'map'));
      if (isEntry) visitEntry(g, attr, entries, g.edgeTarget(e), e);
    }
  }
  // A linked chain: from each new entry, follow a property that leads to a new object of the
  // same class, and keep following the same property name.
  let chainLength = 0;
  let chainLink: string | undefined;
  let chainClass: string | undefined;
  let chainHead: string | undefined;
  for (const start of entries.chainStarts) {
    const found = longestChainFrom(g, attr, start.ordinal);
    if (found.length > chainLength) {
      chainLength = found.length;
      chainLink = found.link;
      chainClass = g.nodeName(start.ordinal);
      chainHead = start.via;
    }
  }
  const tally = (name: string): ClassTally => c.classes.get(name) ?? { count: 0, bytes: 0 };
  const stringTallies = [tally('string'), tally('concatenated string'), tally('sliced string')];
  let promiseReactions = 0;
  for (const [name, t] of c.classes) if (name.includes('PromiseReaction')) promiseReactions += t.count;
  const last = c.newBytes.length - 1;
  return {
    ...(chainLink !== undefined && chainClass !== undefined ? { chainLink, chainClass, chainHead: chainHead ?? '' } : {}),
    chainLength,
    chainClassCount: chainClass === undefined ? 0 : tally(chainClass).count,
    kind,
    className: g.nodeName(container),
    topLevelEntries: entries.topLevel,
    closureEntries: entries.closures,
    contexts: tally('system / Context').count,
    newObjects: c.newCount[last]!,
    newBytes: c.newBytes[last]!,
    externalBytes: tally('system / JSArrayBufferData').bytes,
    strings: stringTallies.reduce((sum, t) => sum + t.count, 0),
    stringBytes: stringTallies.reduce((sum, t) => sum + t.bytes, 0),
    promiseReactions,
    members: c.members.length,
  };
}

/**
 * Length of the chain starting at `start`: objects new since the baseline, of the start's class,
 * each reached from the previous through one property of the same name.
 */
function longestChainFrom(g: HeapGraph, attr: Attribution, start: number): { length: number; link?: string } {
  const className = g.nodeName(start);
  let best: { length: number; link?: string } = { length: 1 };
  for (let e = g.firstEdge(start), end = g.edgesEnd(start); e < end; e++) {
    if (g.edgeType(e) !== 'property') continue;
    const next = g.edgeTarget(e);
    if (attr.isOld[next] === 1 || g.nodeType(next) !== 'object' || !g.nodeNameIs(next, className)) continue;
    const link = g.edgeName(e);
    let length = 2;
    // The guard bounds a cyclic chain (a ring of records); a ring is still a chain of its length.
    for (let at = next, guard = 0; guard < 10_000_000; guard++) {
      const following = edgeTargetByName(g, at, link);
      if (following < 0 || following === start || attr.isOld[following] === 1 || !g.nodeNameIs(following, className)) break;
      at = following;
      length++;
    }
    if (length > best.length) best = { length, link };
  }
  return best;
}

/**
 * A step's new objects count as kept when at least this share of them (by count, backing stores
 * aside) is still in the next snapshot. A leak keeps ~all; a map swept every second keeps ~none
 * three seconds later; a full LRU keeps most (it evicts only what a step pushes out), and is told
 * from a leak by its flat count instead.
 */
export const SURVIVAL_SHARE = 0.5;

/** Fewer new objects than this in a holder at a snapshot say nothing about survival. */
export const SURVIVAL_MIN_OBJECTS = 64;

/**
 * A keyed collection that kept less than this share of the entries it held at the baseline (by
 * id, in the last snapshot) turns its entries over, whatever its count does. A leak keeps ~all;
 * a TTL cache keeps none once the window is longer than its TTL. Low, because a leak may sit
 * beside entries that do go (a map of requests in flight that loses a few on an error path holds
 * mostly in-flight entries at any moment, yet keeps the leaked ones it had at the baseline).
 */
export const BASELINE_KEPT_SHARE = 0.1;

/**
 * Share of a keyed collection's entries at the baseline (`first`, at `ordinal`) that are still
 * objects of the last snapshot, by id; NaN below {@link SURVIVAL_MIN_OBJECTS} entries. Counted:
 * heap objects a key or value points at; not numbers (a boxed number is replaced when the value
 * changes, a counter is not dropped) nor V8's hidden objects (empty slots).
 */
export function baselineEntriesKept(first: HeapGraph, ordinal: number, last: HeapGraph, kind: ContainerKind): number {
  const table = kind === 'map' || kind === 'set' ? edgeTargetByName(first, ordinal, 'table') : ordinal;
  if (table < 0) return Number.NaN;
  let total = 0;
  let kept = 0;
  for (let e = first.firstEdge(table), end = first.edgesEnd(table); e < end; e++) {
    const type = first.edgeType(e);
    const entry = table === ordinal ? type === 'element' || (type === 'property' && !first.edgeNameIs(e, '__proto__')) : !first.edgeNameIs(e, 'map');
    if (!entry) continue;
    const target = first.edgeTarget(e);
    const nodeType = first.nodeType(target);
    if (nodeType === 'hidden' || nodeType === 'number' || nodeType === 'synthetic' || nodeType === 'code') continue;
    total++;
    if (last.ordinalOfId(first.nodeId(target)) >= 0) kept++;
  }
  return total < SURVIVAL_MIN_OBJECTS ? Number.NaN : kept / total;
}

/**
 * Fills each candidate's `survival`: for every snapshot but the first and the last, the share of
 * the new objects charged to it (through the growth tree) that the next snapshot still has, by
 * id. Backing stores do not count: V8 replaces a Map's table or an Array's store as it grows, so
 * a growing container's old store is gone by design.
 */
function survivalAtSteps(graphs: readonly HeapGraph[], attributions: ReadonlyArray<Attribution | undefined>, trees: ReadonlyArray<GrowthTree | undefined>, list: Candidate[]): void {
  for (let i = 1; i < graphs.length - 1; i++) {
    const g = graphs[i]!;
    const next = graphs[i + 1]!;
    const holderOf = attributions[i]!.holderOf;
    const parentOf = trees[i]!.parentOf;
    // Memo: ordinal → index of the candidate whose subtree it is in; -1 none; -2 not yet known.
    const pointOf = new Int32Array(g.nodeCount).fill(-2);
    list.forEach((c, k) => {
      const o = g.ordinalOfId(c.holderId);
      if (o >= 0) pointOf[o] = k;
    });
    const total = new Float64Array(list.length);
    const kept = new Float64Array(list.length);
    const path: number[] = [];
    for (let o = 0; o < g.nodeCount; o++) {
      const h = holderOf[o]!;
      if (h < 0 || isBackingStoreNode(g, o)) continue;
      let at = h;
      path.length = 0;
      while (at >= 0 && pointOf[at] === -2) {
        path.push(at);
        at = parentOf[at]!;
      }
      const k = at >= 0 ? pointOf[at]! : -1;
      for (const p of path) pointOf[p] = k;
      if (k < 0) continue;
      total[k]! += 1;
      if (next.ordinalOfId(g.nodeId(o)) >= 0) kept[k]! += 1;
    }
    list.forEach((c, k) => c.survival.push(total[k]! < SURVIVAL_MIN_OBJECTS ? Number.NaN : kept[k]! / total[k]!));
  }
}

/**
 * Share of a holder's new bytes that its retained size must have grown by (when its entry count did
 * not grow at every step) for the growth to count as kept rather than turned over.
 */
const KEPT_SHARE = 0.5;

/** Synthetic roots that hold only what is in flight: JS stack frames and handle scopes. */
const TRANSIENT_ROOTS = new Set(['(Stack roots)', '(Handle scope)']);

/** True when the shortest path from the GC roots to `ordinal` starts at the stack or a handle scope. */
function heldFromStack(g: HeapGraph, ordinal: number): boolean {
  const steps = g.pathToRoot(ordinal);
  if (steps === undefined) return false;
  return steps.some((step) => g.nodeType(step.nodeOrdinal) === 'synthetic' && TRANSIENT_ROOTS.has(g.nodeName(step.nodeOrdinal)));
}

/** True when an object holds a function in one of its own properties (a Timeout's `_onTimeout`). */
function holdsClosure(g: HeapGraph, ordinal: number): boolean {
  if (g.nodeType(ordinal) !== 'object') return false;
  for (let e = g.firstEdge(ordinal), end = g.edgesEnd(ordinal); e < end; e++) {
    // The name is compared last: it is the costly test, and most properties hold no function.
    if (g.edgeType(e) === 'property' && g.nodeType(g.edgeTarget(e)) === 'closure' && !g.edgeNameIs(e, '__proto__')) {
      return true;
    }
  }
  return false;
}

/** `Map keyCache (module scope of app.js)`, `Array globalThis.log`, `listener array bus._events.data …`. */
export function describeHolder(
  g: HeapGraph,
  container: number,
  kind: ContainerKind,
): { holder: string; eventName?: string } {
  const name = holderName(g, container);
  const cls = kind === 'listener-array' || kind === 'timer-list' || kind === 'dictionary' ? kindWord(kind) : nodeLabel(g, container);
  let holder = `${cls} ${name.expression}`;
  if (name.owner !== '') holder += ` (${name.owner})`;
  if (name.eventName !== undefined && name.emitterName !== undefined) {
    holder += ` — listeners of event '${name.eventName}' on ${name.emitterName}`;
  }
  const out: { holder: string; eventName?: string } = { holder };
  if (name.eventName !== undefined) out.eventName = name.eventName;
  return out;
}

/**
 * The structural bound of a growing point: the largest fixed-capacity Array among the point and
 * its first members whose capacity is the same in every snapshot while its filled slots grew. The
 * plateau is today's retained size plus, for each empty slot, the new bytes each filled slot
 * brought.
 */
function structuralBound(
  graphs: HeapGraph[],
  container: number,
  members: number[],
  retainedBytesNow: number,
  newBytesNow: number,
  bytesPerRequest: number | undefined,
): StructuralBound | undefined {
  const final = graphs[graphs.length - 1]!;
  let best: { capacity: number; filled: number; firstFilled: number } | undefined;
  for (const o of [container, ...members.slice(0, 8)]) {
    const now = fixedCapacity(final, o);
    if (now === undefined || (best !== undefined && now.capacity <= best.capacity)) continue;
    const id = final.nodeId(o);
    let steady = true;
    let firstFilled = now.filled;
    for (let i = 0; i < graphs.length - 1 && steady; i++) {
      const then = graphs[i]!.ordinalOfId(id);
      const shape = then < 0 ? undefined : fixedCapacity(graphs[i]!, then);
      if (shape === undefined || shape.capacity !== now.capacity) steady = false;
      else if (i === 0) firstFilled = shape.filled;
    }
    if (steady && now.filled > firstFilled) best = { ...now, firstFilled };
  }
  if (best === undefined) return undefined;
  // Each slot filled since the baseline brought this many new bytes; the empty slots will too.
  const bytesPerSlot = newBytesNow / (best.filled - best.firstFilled);
  const out: StructuralBound = {
    capacity: best.capacity,
    filled: best.filled,
    plateauBytes: Math.round(retainedBytesNow + (best.capacity - best.filled) * bytesPerSlot),
  };
  if (bytesPerRequest !== undefined) out.bytesPerRequest = round2(bytesPerRequest);
  return out;
}

/** `Map x is bounded at max = 200,000 (32,000 filled): it will plateau near 27.0 MiB`. */
export function boundText(b: { holder: string } & StructuralBound): string {
  return (
    `${b.holder} grows but is bounded at max = ${groupDigits(b.capacity)} ` +
    `(${groupDigits(b.filled)} filled): it will plateau near ${formatBytes(b.plateauBytes)}`
  );
}

/** The name of the context variable through which scope `context` holds `target`, if any. */
function contextVariableOf(g: HeapGraph, context: number, target: number): string | undefined {
  for (let e = g.firstEdge(context), end = g.edgesEnd(context); e < end; e++) {
    if (g.edgeType(e) === 'context' && g.edgeTarget(e) === target) return g.edgeName(e);
  }
  return undefined;
}

/** `string`, `Map`, `function`: what a node is, in one word for a holder's name. */
function nodeTypeWord(g: HeapGraph, ordinal: number): string {
  const type = g.nodeType(ordinal);
  if (type === 'concatenated string' || type === 'sliced string' || type === 'string') return 'string';
  if (type === 'closure') return 'function';
  return g.nodeType(ordinal) === 'object' ? g.nodeName(ordinal) : type;
}

/** Members of a spread point: how many, and the largest five by name and new bytes. */
function describeMembers(
  g: HeapGraph,
  members: number[],
  tree: GrowthTree,
): NonNullable<Finding['members']> {
  return {
    count: members.length,
    largest: members.slice(0, 5).map((m) => ({
      holder: describeHolder(g, m, containerKind(g, m)).holder,
      newBytes: Math.round(tree.subtreeBytes[m]!),
    })),
  };
}

/**
 * The other holders that share objects with this point (objects reachable from both, whose bytes
 * were split between them), largest first, by name.
 */
function sharedWith(g: HeapGraph, attr: Attribution, c: Candidate, container: number): NonNullable<Finding['sharedWith']> {
  const mine = new Set([c.holderOrdinal, container, ...c.members]);
  const byName = new Map<string, number>();
  for (const holder of mine) {
    const row = attr.sharedBytes.get(holder);
    if (row === undefined) continue;
    for (const [other, bytes] of row) {
      if (mine.has(other)) continue;
      const name = describeHolder(g, other, containerKind(g, other)).holder;
      byName.set(name, (byName.get(name) ?? 0) + bytes);
    }
  }
  return [...byName.entries()]
    .map(([holder, bytes]) => ({ holder, bytes: Math.round(bytes) }))
    .sort((a, b) => b.bytes - a.bytes || compareText(a.holder, b.holder))
    .slice(0, 5);
}

/**
 * Orders text by UTF-16 code units: the same order on every machine (`localeCompare` depends on
 * the ICU locale, and its first call loads a collator, several milliseconds of a one-second run).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `200,000` (no locale lookup: see {@link compareText}). */
function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** `12.3 MB`, `4.0 KB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}
