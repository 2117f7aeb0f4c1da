/**
 * `measureLeak(fn)`: does calling `fn` again and again keep memory? Runs `fn` in this process —
 * warm-up iterations, then rounds of iterations — and after the warm-up and after each round lets
 * its work settle, forces a full GC and takes a heap snapshot, all through one in-process
 * inspector session. The snapshots go to a private temporary folder (0700, files 0600) and are
 * deleted afterwards; the leak finder (`harness/analysis`) diffs them with the iteration counts as
 * the "requests", so its three-snapshot rule applies as in a server run: a container is a leak only
 * if it grew at every round in proportion to the iterations.
 *
 * Noise, and why it is not a finding:
 * - Allocations the iterations drop are collected by the forced GC before each snapshot: churn
 *   leaves nothing new behind.
 * - A lazy singleton, a cache filled, code compiled during the warm-up predate the baseline snapshot;
 *   a one-off after it grows in one round only and is dismissed as a plateau.
 * - The measurement allocates nothing per iteration, and its own and the test framework's objects
 *   are filtered out by {@link isHarnessFinding}.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSnapshots, type AnalysisThresholds, type DismissedHolder } from '../analysis/index.js';
import type { SamplingHeapProfile } from '../analysis/allocation-sites.js';
import { LeakbenchError } from '../errors.js';
import type { Finding } from '../types.js';
import { InProcessInspector } from './in-process-inspector.js';
import { activeResourceCounts, settle } from './settle.js';
import { allocationSitesOption, SnapshotPipeline } from './snapshot-pipeline.js';

/** The function under test; it gets the iteration number and may return a promise (awaited). */
export type LeakTestFunction = (iteration: number) => unknown;

/** Byte floors of a test measurement (see {@link DEFAULT_TEST_THRESHOLDS}). */
export interface LeakTestThresholds {
  /** A holder is examined when the objects it gained since the baseline reach this many bytes. */
  candidateMinBytes: number;
  /** A finding needs at least this much growth over all rounds. */
  minLeakBytes: number;
  /** …and at least this many bytes per iteration. */
  minBytesPerIteration: number;
}

/**
 * Floors for a function called in a test. A server run's floors (`DEFAULT_THRESHOLDS` of the
 * analysis: 128 KiB in all, 2 B/request) sit above the compiled code and inline-cache data of a
 * busy server over ~100k requests; a test makes a few thousand calls, so a leak of one small object
 * per call (~50 B) must show: 2,000 measured iterations × 50 B = 100 kB. The floors sit below that
 * and above what a settled, GC'd test process gains otherwise (measured: a few kB of framework and
 * compiler data per round, and none of it grows at every round).
 */
export const DEFAULT_TEST_THRESHOLDS: LeakTestThresholds = {
  candidateMinBytes: 4 * 1024,
  minLeakBytes: 16 * 1024,
  minBytesPerIteration: 4,
};

/** Options of {@link measureLeak}. */
export interface MeasureLeakOptions {
  /** Calls per measured round (default 1,000). */
  iterations?: number;
  /**
   * Calls before the baseline snapshot (default: `iterations`). Must fill whatever the function
   * fills once — a lazy singleton, a bounded cache up to its capacity — or that filling is measured.
   */
  warmup?: number;
  /** Measured rounds, each followed by a snapshot (default 2, so 3 snapshots: the fewest that tell growth from a one-off). */
  rounds?: number;
  /** Longest wait for timers, sockets and other work the function started, before each snapshot (default 1,000 ms). */
  settleTimeoutMs?: number;
  /**
   * How "allocated at" is recorded: `sampling` (default: V8's sampling heap profiler, one sample
   * per ~4 KiB allocated, cheap), `tracking` (exact stacks for every object — but through an
   * inspector session V8 then runs a full GC and a heap walk every 50 ms while the calls run,
   * measured ~10× slower here; see harness/probe/allocation-recorder.ts) or `off`.
   */
  allocationSites?: 'tracking' | 'sampling' | 'off';
  /** Floors of the verdict; defaults in {@link DEFAULT_TEST_THRESHOLDS}. */
  thresholds?: Partial<LeakTestThresholds>;
  /** Parent of the private snapshot folder (default: the OS temp folder). */
  tmpDir?: string;
}

/** What {@link measureLeak} returns. */
export interface LeakMeasurement {
  /** `leak` when a container grew at every round; `inconclusive` says why it cannot tell. */
  verdict: 'leak' | 'no-leak' | 'inconclusive';
  /** Bytes kept per call, summed over the findings (0 without findings). */
  bytesPerIteration: number;
  /** What accumulates, where it is held, and where it was allocated; largest first. */
  findings: Finding[];
  /** One or two sentences: why the verdict is what it is. */
  reason: string;
  /** Holders that grew and were judged not to leak, with why. */
  dismissed: DismissedHolder[];
  /** Calls completed at each snapshot, counted from the baseline. */
  iterationsAtSnapshot: number[];
  /** Work still pending when a snapshot was taken (settle deadline reached), e.g. `1000 Timeout`. */
  unsettled?: string;
  /** Wall time of the whole measurement, ms. */
  durationMs: number;
  /** Where the time went, ms. */
  timingsMs: LeakTimings;
}

/**
 * Phases of a measurement, ms (`callsMs`: the calls themselves; `settleMs`: waiting for their work
 * to end; `analysisMs`: from the last snapshot to the verdict), and CPU time: `cpuMs` of the whole
 * process meanwhile (all threads, the snapshot reader's included), `analysisCpuMs` of the whole
 * process in the analysis phase, and, on Linux, `threadCpuMs` of the calling thread before it and
 * `analysisThreadCpuMs` in it. On a loaded machine wall times stretch; the CPU times say what the
 * measurement costs: on an idle machine with two CPUs it takes about `threadCpuMs + settleMs` plus
 * the larger of the two threads' shares of the analysis phase (`npm run bench:assertions -- --direct`).
 */
export interface LeakTimings {
  callsMs: number;
  settleMs: number;
  gcMs: number;
  snapshotMs: number;
  analysisMs: number;
  totalMs: number;
  cpuMs: number;
  analysisCpuMs: number;
  threadCpuMs?: number;
  analysisThreadCpuMs?: number;
}

/**
 * Mean bytes between samples of the sampling heap profiler when `allocationSites: 'sampling'`. A
 * test's leak is small (2,000 calls × 72 B = 144 kB: ~35 samples at 4 KiB, enough to rank its
 * site first), while V8's server default (32 KiB) would leave it a handful; 1 KiB doubled the call
 * time of a function allocating 40 kB per call (measured: 6.9 s vs 2.9 s without sampling, load 25).
 */
const SAMPLING_INTERVAL_BYTES = 4096;

/** Options with their defaults applied. */
export interface ResolvedLeakOptions {
  iterations: number;
  warmup: number;
  rounds: number;
  settleTimeoutMs: number;
  allocationSites: 'tracking' | 'sampling' | 'off';
  thresholds: LeakTestThresholds;
  tmpDir: string;
}

/** Validates and completes the options. @throws LeakbenchError `E_USAGE` on a bad value. */
export function resolveLeakOptions(options: MeasureLeakOptions = {}): ResolvedLeakOptions {
  const count = (name: string, value: number | undefined, fallback: number, min: number): number => {
    const v = value ?? fallback;
    if (!Number.isSafeInteger(v) || v < min) throw new LeakbenchError('E_USAGE', `measureLeak: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
    return v;
  };
  const iterations = count('iterations', options.iterations, 1000, 1);
  const thresholds = { ...DEFAULT_TEST_THRESHOLDS, ...options.thresholds };
  for (const [name, v] of Object.entries(thresholds)) {
    if (!(typeof v === 'number' && v >= 0)) throw new LeakbenchError('E_USAGE', `measureLeak: thresholds.${name} must be a number ≥ 0`);
  }
  const allocationSites = options.allocationSites ?? 'sampling';
  if (!['tracking', 'sampling', 'off'].includes(allocationSites)) {
    throw new LeakbenchError('E_USAGE', `measureLeak: allocationSites must be tracking, sampling or off, got ${String(allocationSites)}`);
  }
  return {
    iterations,
    warmup: count('warmup', options.warmup, iterations, 0),
    rounds: count('rounds', options.rounds, 2, 1),
    settleTimeoutMs: count('settleTimeoutMs', options.settleTimeoutMs, 1000, 0),
    allocationSites,
    thresholds,
    tmpDir: options.tmpDir ?? tmpdir(),
  };
}

/** Measurements run one at a time: two at once would share V8's one heap-id map and sampler. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Calls `fn` `warmup + rounds × iterations` times and tells whether the calls keep memory.
 *
 * ```ts
 * const result = await measureLeak(() => handler(request()), { iterations: 500 });
 * if (result.verdict === 'leak') console.log(result.findings[0].holder, result.bytesPerIteration);
 * ```
 *
 * @throws LeakbenchError `E_USAGE` for bad options, `E_INSPECTOR` when the inspector cannot be
 *   used; an error thrown by `fn` is passed through.
 */
export function measureLeak(fn: LeakTestFunction, options: MeasureLeakOptions = {}): Promise<LeakMeasurement> {
  if (typeof fn !== 'function') return Promise.reject(new LeakbenchError('E_USAGE', `measureLeak: expected a function, got ${typeof fn}`));
  let resolved: ResolvedLeakOptions;
  try {
    resolved = resolveLeakOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const run = queue.then(() => measure(fn, resolved));
  queue = run.catch(() => undefined);
  return run;
}

async function measure(fn: LeakTestFunction, o: ResolvedLeakOptions): Promise<LeakMeasurement> {
  const started = performance.now();
  const dir = await mkdtemp(join(o.tmpDir, 'leakbench-test-'));
  await chmod(dir, 0o700);
  const inspector = InProcessInspector.open();
  // Started before the baseline (its handle is in every snapshot); it reads each snapshot while
  // the next round runs.
  const pipeline = SnapshotPipeline.start(o.rounds + 1);
  // Everything the loop needs is allocated here, before the baseline, and never grows.
  const paths = Array.from({ length: o.rounds + 1 }, (_, i) => join(dir, `${i}.heapsnapshot`));
  const iterationsAtSnapshot = Array.from({ length: o.rounds + 1 }, (_, i) => i * o.iterations);
  const unsettled: string[] = [];
  const timings: LeakTimings = { callsMs: 0, settleMs: 0, gcMs: 0, snapshotMs: 0, analysisMs: 0, totalMs: 0, cpuMs: 0, analysisCpuMs: 0 };
  const cpuAtStart = process.cpuUsage();
  const threadCpuAtStart = threadCpuMs();
  try {
    await inspector.post('HeapProfiler.enable');
    const before = activeResourceCounts();
    let iteration = 0;
    const timed = async <T>(phase: keyof LeakTimings, work: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await work();
      } finally {
        timings[phase] += performance.now() - t;
      }
    };
    const runAndSettle = async (count: number): Promise<void> => {
      iteration = await timed('callsMs', () => callMany(fn, iteration, count));
      const pending = await timed('settleMs', () => settle(before, o.settleTimeoutMs));
      if (pending !== '') unsettled.push(pending);
    };
    const snapshot = async (index: number): Promise<void> => {
      await timed('gcMs', () => inspector.collectGarbage());
      await timed('snapshotMs', () => inspector.takeHeapSnapshot(paths[index]!));
      pipeline?.written(index, paths[index]!);
    };
    await runAndSettle(o.warmup);
    if (o.allocationSites === 'tracking') await inspector.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
    if (o.allocationSites === 'sampling') await inspector.post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL_BYTES });
    await snapshot(0);
    // Checked before each snapshot: a reset during the calls shows as a new id then; the next
    // snapshot may hand the old objects their old ids again by coincidence (same walk order).
    const idAtBaseline = await inspector.processHeapId();
    let idsReset = false;
    for (let round = 1; round <= o.rounds; round++) {
      await runAndSettle(o.iterations);
      if ((await inspector.processHeapId()) !== idAtBaseline) idsReset = true;
      await snapshot(round);
    }
    let samplingProfile: SamplingHeapProfile | undefined;
    if (o.allocationSites === 'sampling') {
      samplingProfile = (await inspector.post<{ profile: SamplingHeapProfile }>('HeapProfiler.getSamplingProfile')).profile;
    }
    const sourceMaps = o.allocationSites === 'off' ? new Map<string, string>() : await inspector.inlineSourceMaps();
    inspector.close();
    const analysisStarted = performance.now();
    const cpuAtAnalysis = process.cpuUsage();
    const threadCpuAtAnalysis = threadCpuMs();
    const thresholds = analysisThresholds(o.thresholds);
    const sites = o.allocationSites === 'off' ? false : samplingProfile === undefined ? { sourceMaps } : { sourceMaps, samplingProfile };
    let analysis = await pipeline?.analyze({ requestsAtSnapshot: iterationsAtSnapshot, thresholds, allocationSites: sites });
    analysis ??= await analyzeSnapshots(paths, { requestsAtSnapshot: iterationsAtSnapshot, thresholds, allocationSites: allocationSitesOption(sites) });
    timings.analysisMs = performance.now() - analysisStarted;
    const analysisCpu = process.cpuUsage(cpuAtAnalysis);
    timings.analysisCpuMs = (analysisCpu.user + analysisCpu.system) / 1000;
    const threadCpuAtEnd = threadCpuMs();
    if (threadCpuAtStart !== undefined && threadCpuAtAnalysis !== undefined && threadCpuAtEnd !== undefined) {
      timings.threadCpuMs = threadCpuAtAnalysis - threadCpuAtStart;
      timings.analysisThreadCpuMs = threadCpuAtEnd - threadCpuAtAnalysis;
    }
    const findings = idsReset ? [] : analysis.findings.filter((f) => !isHarnessFinding(f));
    const dropped = analysis.findings.length - findings.length;
    let verdict = analysis.verdict;
    let reason = analysis.reason;
    if (idsReset) {
      verdict = 'inconclusive';
      reason =
        "V8's heap-object ids were reset during the measurement (another inspector session disconnected — a debugger, " +
        'a profiler or coverage tool, or the code under test), so the snapshots cannot be diffed. Run it again without it.';
    } else if (verdict === 'leak' && findings.length === 0) {
      verdict = 'no-leak';
      reason = `Only the measurement's or the test framework's own objects grew (${dropped} holder${dropped > 1 ? 's' : ''} set aside).`;
    }
    const result: LeakMeasurement = {
      verdict,
      bytesPerIteration: round2(findings.reduce((sum, f) => sum + (f.bytesPerRequest ?? 0), 0)),
      findings: findings.map(perIteration),
      reason: inCallWords(reason),
      dismissed: analysis.dismissed,
      iterationsAtSnapshot,
      durationMs: 0,
      timingsMs: timings,
    };
    if (unsettled.length > 0) result.unsettled = unsettled[unsettled.length - 1]!;
    timings.totalMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    timings.cpuMs = (cpu.user + cpu.system) / 1000;
    for (const k of Object.keys(timings) as Array<keyof LeakTimings>) timings[k] = Math.round(timings[k]!);
    result.durationMs = timings.totalMs;
    return result;
  } finally {
    inspector.close();
    pipeline?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * CPU time of the calling thread, ms, on Linux (`/proc/thread-self/stat`: user + system clock
 * ticks, 100 per second); undefined elsewhere.
 */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `fn` `count` times from `first`, awaiting each promise it returns; returns the next iteration number. */
async function callMany(fn: LeakTestFunction, first: number, count: number): Promise<number> {
  const end = first + count;
  for (let i = first; i < end; i++) {
    const out = fn(i);
    if (isThenable(out)) await out;
  }
  return end;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The analysis thresholds for a test: the floors of {@link LeakTestThresholds}, the analysis's step rule. */
export function analysisThresholds(t: LeakTestThresholds): Partial<AnalysisThresholds> {
  return { candidateMinBytes: t.candidateMinBytes, minLeakBytes: t.minLeakBytes, minBytesPerRequest: t.minBytesPerIteration };
}

/** The analysis speaks of a server's requests; here each request is a call of the function. */
function inCallWords(text: string): string {
  return text.replace(/\brequests\b/g, 'calls').replace(/\brequest\b/g, 'call');
}

/** A finding in per-call words, with its bytes per request carried over as `bytesPerIteration`. */
function perIteration(f: Finding): Finding {
  const out: Finding = { ...f, explanation: inCallWords(f.explanation), fix: inCallWords(f.fix) };
  if (f.bytesPerRequest !== undefined) out['bytesPerIteration'] = f.bytesPerRequest;
  return out;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The measurement's own modules: a holder in their scope is never a finding. */
const OWN_SCOPES = /\((?:module|closure) scope (?:of|in) (?:measure-leak|in-process-inspector|settle|leak-assertions|vitest-matcher)\.[cm]?[jt]s\)/;

/** True when a finding's holder, or a step of its path, is a scope of the measurement's own modules. */
export function isHarnessFinding(f: Finding): boolean {
  return OWN_SCOPES.test(f.holder) || f.path.some((step) => OWN_SCOPES.test(step.node));
}
