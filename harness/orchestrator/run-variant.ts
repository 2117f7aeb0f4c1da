/**
 * The one run lifecycle, for every kind of target (a scenario's server, `run --cmd`, `attach`,
 * black-box), with the evidence pluggable (run-evidence.ts: heap snapshots through the inspector,
 * or RSS from /proc when the server has no inspector):
 *
 *   launch → watchdogs → warm-up → baseline snapshot
 *     → [load segment → after-GC sample → snapshot (id guard) → analysis beside an idle
 *        stretch (no requests) → nextStep]… until `decide` (the idle then runs its full length)
 *     → same-key replay (a growing keyed holder) → self-check (`--self-check`)
 *     → decideVerdict → kill
 *
 * Load runs in segments so a snapshot (which stops the server for a while) never races HTTP; the
 * time paused is recorded. One inspector session stays connected from boot to kill, and the id
 * guard tells before every snapshot whether V8's ids were wiped meanwhile (another session
 * disconnected): then that snapshot becomes a new baseline and no diff crosses the wipe.
 *
 * After the baseline the run asks `nextStep` (harness/analysis) after each snapshot once three
 * exist since the baseline: it stops early when sure, extends past the planned window
 * (`--duration`) in doubling segments while the evidence cannot decide, and stops at the budget
 * (`--max-duration`). Timing: run-schedule.ts. A black-box run (no snapshots) loads for the
 * planned window and decides from the RSS trend.
 *
 * Memory is sampled every 500 ms under load, with a forced-GC sample every ~1.25 s (evenly spaced;
 * the last one of each segment still under load) for the regression.
 *
 * Outcomes are data: a server that dies is `crashed` (with exit code, signal, heap-limit flag and
 * its output tail), an abort is `interrupted`, and a LeakbenchError becomes the run's `error`.
 * The child is killed in `finally`, and at once when the signal aborts.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { decideVerdict, type SnapshotEvidence } from '../analysis/decide-verdict.js';
import { idleGrowth, idleGrows } from '../analysis/growth-drivers.js';
import { growthTrend, type GrowthTrend, type TrendMetric } from '../analysis/growth-trend.js';
import { replayDrivenBy } from '../analysis/replay-driven-by.js';
import { KEYED_BOUND_ENTRIES } from '../analysis/analyze-graphs.js';
import { nextStep } from '../analysis/next-step.js';
import type { AnalysisResult } from '../analysis/types.js';
import { isLeakbenchError, LeakbenchError } from '../errors.js';
import { LoadDriver } from '../load/load-driver.js';
import { createRequestMix, type KeyMode, type MixedRequest } from '../load/request-mix.js';
import { renameKeyHeader } from '../load/rename-key-header.js';
import type { AllocationRecording, SamplingProfile } from '../probe/allocation-recorder.js';
import { ensurePrivateDir } from '../probe/heap-probe.js';
import {
  PLANTED_BYTES_PER_REQUEST,
  PLANTED_HOLDER_NAME,
  plantedCountExpression,
  plantExpression,
  SELF_CHECK_HEADER,
  writeSelfCheckPreload,
} from '../probe/self-check-plant.js';
import { startServer, type ServerHandle } from '../server/start-server.js';
import { compileWorkload, type WorkloadPlan } from '../load/workload.js';
import { withHeaders } from '../load/with-headers.js';
import type { LoadRequest } from '../load/request-source.js';
import type { AnalyzeOptions } from '../analysis/types.js';
import { analyzeEndpointWindows, endpointSegmentMs, type EndpointSegment } from './per-endpoint.js';
import { KeyLedger } from '../load/key-ledger.js';
import { scanBuffersForSecrets } from '../probe/scan-buffers.js';
import type { BufferScan, SecretShape } from '../sent-secrets.js';
import type {
  Finding,
  LoadPhaseKind,
  EndpointGrowth,
  MemorySample,
  PhaseRecord,
  ProgressEvent,
  RunPhase,
  SnapshotRef,
  Variant,
  VariantRun,
} from '../types.js';
import { checkServerAnswers } from './check-server-answers.js';
import { collectNearLimitSnapshot, describeServerEnd, nearLimitSnapshotArgs } from './crash-evidence.js';
import { MemorySampler, type SamplerContext } from './memory-sampler.js';
import { analyzeRunSnapshots, HeapEvidence, RssEvidence, type RunEvidence } from './run-evidence.js';
import { DEFAULT_GC_SAMPLE_MS, DEFAULT_IDLE_MS, DEFAULT_MAX_LOAD_MS, DEFAULT_SEGMENT_MS, decidedHow, nextSegmentMs, type Schedule } from './run-schedule.js';
import { selfCheckResult, type SelfCheck } from './self-check.js';
import { snapshotsDisturb } from './snapshot-disturbance.js';
import { combineSitesWithTrend, siteFindings, type NativeSitesEvidence } from '../native/native-sites.js';
import type { SiteEvidenceProbe } from './native-evidence.js';

/** What a launch may add to the server's Node options (near-limit snapshot, the self-check preload). */
export interface LaunchExtras {
  nodeOptions: string[];
  /** The variant's private directory (a tool that records the server writes its data there). */
  variantDir: string;
  /** Readiness timeout (ProbePlan.startTimeoutMs), when set. */
  startTimeoutMs?: number;
}

/** The server to measure. */
export interface VariantTarget {
  variant: Variant;
  /** Compiled JavaScript entry (`dist/scenarios/<name>/<variant>.js`). */
  entry: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  /**
   * Starts the server instead of `startServer(entry)` (`run --cmd`, `attach`). A handle without an
   * `inspectorUrl` is measured black-box (RSS only).
   */
  launch?: (signal: AbortSignal, extras: LaunchExtras, emit: (event: ProgressEvent) => void) => Promise<ServerHandle>;
  /** True when leakbench did not start the server and cannot add Node options to it (`attach`). */
  attached?: boolean;
  /**
   * Allocation-site evidence for a server with no inspector (`--native`: heaptrack or
   * tracemalloc, native-evidence.ts): marked at the baseline and at every step's end, read at the end.
   */
  siteEvidence?: (server: ServerHandle, cwd: string) => SiteEvidenceProbe;
  /** Path of the data route (default `/v1/data`). */
  requestPath?: string;
  /** Header that carries the key (default `x-api-key`). */
  keyHeader?: string;
  /** The key header's value with `{key}` where the key goes (`Bearer {key}`); default the key alone. */
  keyTemplate?: string;
  /** What a secret looks like in the values sent (`--secret-pattern`; default leakbench keys). */
  secretShape?: SecretShape;
  /** The command as the report records it (default `node --inspect=127.0.0.1:0 … <entry>`). */
  command?: string[];
}

/** The load shape and timing of a run (CLI flags over scenario defaults). */
export interface LoadPlan {
  warmupSec: number;
  /** The planned window after the baseline: a run stops earlier when sure, later when not yet. */
  durationSec: number;
  connections: number;
  rate: number | 'max';
  keys: KeyMode;
  invalidRatio: number;
  postRatio: number;
  /** Load budget after warm-up (`--max-duration`, default 120 s; never below `durationSec`). */
  maxDurationSec?: number;
  /** `--bound-entries`: entries past which a keyed collection's per-request growth is a sure leak (default 100,000). */
  boundEntries?: number;
  /** Quiet period beside the deciding analysis, no requests (`--idle`, default 3 s; 0 = none). */
  idleSec?: number;
  /** A user's requests instead of the key mix above (`--workload`, a config file, `--openapi`). */
  workload?: WorkloadPlan;
  /** Headers on every request (`--header 'Name: value'`, templates allowed). */
  headers?: Record<string, string>;
}

/** Sampling and timeouts; the defaults suit `leakbench run`. */
export interface ProbePlan {
  /** Memory sample period under load (default 500 ms). */
  sampleIntervalMs?: number;
  /** Forced-GC sample period after warm-up (default {@link DEFAULT_GC_SAMPLE_MS}). */
  gcSampleIntervalMs?: number;
  /** Length of the first load segments after the baseline (default {@link DEFAULT_SEGMENT_MS}, at most half the planned window). */
  segmentMs?: number;
  /** Readiness timeout (default 15 s). */
  startTimeoutMs?: number;
  /**
   * Allocation data for each finding's "allocated at", recorded from the end of warm-up:
   * `tracking` (`--allocation-stacks`: exact stacks in the snapshots, slows the server), `sampling`
   * (the sampling heap profiler, cheap; the default) or `off`.
   */
  allocation?: AllocationRecording;
  /** Mean bytes between samples of the sampling heap profiler (default 32 KiB). */
  samplingIntervalBytes?: number;
  /**
   * How `tracking` is turned on for a server the harness starts: `node-flag` (default) launches it
   * with `--track-heap-objects`; `inspector` uses `HeapProfiler.startTrackingHeapObjects` after
   * warm-up, whose 50 ms heap-stats timer costs far more (allocation-recorder.ts). Servers the
   * harness does not start (`attach`) always use the inspector unless they run with the flag.
   */
  trackingRoute?: 'node-flag' | 'inspector';
  /** Plant a known leak and check that the run finds it (`--self-check`). */
  selfCheck?: boolean;
  /** Run the same-key replay for a growing keyed holder (default true). */
  replay?: boolean;
}

/** Everything {@link runVariant} needs. */
export interface VariantContext {
  target: VariantTarget;
  load: LoadPlan;
  probe?: ProbePlan;
  /** Key secret shared with the server. */
  secret: string;
  /** Directory for this variant's artifacts (created 0700). */
  variantDir: string;
  /** Reported `dir` is relative to this (default: the working directory). */
  cwd?: string;
  onProgress?: (event: ProgressEvent) => void;
  /** Aborting kills the child; the run comes back `interrupted`. */
  signal?: AbortSignal;
}

/** Keys of the same-key replay's pool. */
const REPLAY_POOL_KEYS = 16;
/** Length of each half of the same-key replay (repeated keys, then distinct keys as the reference). */
const REPLAY_MS = 1500;
/** While a keyed holder fills: load segments between two live counts of its entries. */
const FILL_POLL_MS = 2000;
/**
 * Forced-GC sample period of a stretch at full rate (a keyed holder filling): the heap is large
 * by then and a full GC under full load costs the server much of its rate. Measured on
 * unbounded-map's leaky twin at 60–100 MB: ~4,000 req/s with a GC every 0.5 s, ~8,000 every 1.25 s.
 * These stretches ask how many entries the holder reaches, not how fast memory grows.
 */
const FULL_RATE_GC_SAMPLE_MS = 1250;
/**
 * After this many id wipes the run stops taking snapshots for its decision: something resets the
 * ids faster than three snapshots can be taken (the trend decides, or the last sequence analysed
 * between two wipes).
 */
const MAX_WIPES_WITHOUT_DIFF = 5;
/** Shortest load segment after repeated id wipes. */
const MIN_SEGMENT_MS = 250;
/** Analysed sequence: the baseline and at most this many later snapshots (the latest). */
const MAX_ANALYSED_STEPS = 4;
/** Idle: after-GC samples about this far apart. */
const IDLE_SAMPLE_MS = 750;

/** A snapshot taken by the run, with what the analysis needs. */
interface TakenSnapshot {
  ref: SnapshotRef;
  file: string;
}

/** Runs one variant and returns its result; throws only on programming errors. */
export async function runVariant(ctx: VariantContext): Promise<VariantRun> {
  const { target, load: plan } = ctx;
  const cwd = ctx.cwd ?? process.cwd();
  const allocation = ctx.probe?.allocation ?? 'sampling';
  // Allocation tracking since launch: no inspector heap-stats timer (see ProbePlan.trackingRoute).
  const trackFlag = allocation === 'tracking' && ctx.probe?.trackingRoute !== 'inspector' && !target.launch ? ['--track-heap-objects'] : [];
  const sampleIntervalMs = ctx.probe?.sampleIntervalMs ?? 500;
  const gcSampleIntervalMs = ctx.probe?.gcSampleIntervalMs ?? DEFAULT_GC_SAMPLE_MS;
  const plannedMs = plan.durationSec * 1000;
  const schedule: Schedule = {
    plannedMs,
    segmentMs: Math.min(ctx.probe?.segmentMs ?? DEFAULT_SEGMENT_MS, plannedMs / 2),
    maxLoadMs: Math.max(plannedMs, (plan.maxDurationSec ?? DEFAULT_MAX_LOAD_MS / 1000) * 1000),
  };
  const idleMs = (plan.idleSec ?? DEFAULT_IDLE_MS / 1000) * 1000;
  // A keyed collection gaining an entry per request is a sure leak past this many entries (--bound-entries).
  const boundEntries = plan.boundEntries ?? KEYED_BOUND_ENTRIES;
  const thresholds: AnalyzeOptions['thresholds'] = { keyedBoundEntries: boundEntries };
  const emit = ctx.onProgress ?? (() => {});
  const variantStarted = performance.now();
  const elapsed = (): number => performance.now() - variantStarted;
  const phase = (p: RunPhase, label?: string): void =>
    emit(label === undefined ? { kind: 'phase', variant: target.variant, phase: p, elapsedMs: Math.round(elapsed()) } : { kind: 'phase', variant: target.variant, phase: p, label, elapsedMs: Math.round(elapsed()) });

  const samples: MemorySample[] = [];
  const taken: TakenSnapshot[] = [];
  const phases: PhaseRecord[] = [];
  const idWipes: NonNullable<VariantRun['idWipes']> = [];
  let snapshotPauseMs = 0;
  let currentPhase: RunPhase = 'boot';
  let loadPhase: LoadPhaseKind = 'warmup';
  let server: ServerHandle | undefined;
  let evidence: RunEvidence | undefined;
  let loadDriver: LoadDriver | undefined;
  let loadStarted = 0;
  let samplingProfile: SamplingProfile | undefined;
  let selfCheckPreload: string | undefined;
  // Key residency: the credentials sent and completed (in memory only), and the server's buffers searched for them.
  const keyLedger = new KeyLedger(target.secretShape);
  let bufferScan: BufferScan | undefined;
  /** When Node wrote its near-heap-limit snapshot while the server lived on (leakbench then stops it). */
  let limitReached: { tMs: number; requests: number } | undefined;
  /** `--native`: the allocation-site tool's probe, and the requests at each of its marks. */
  let siteProbe: SiteEvidenceProbe | undefined;
  const siteMarkRequests: number[] = [];
  /** True once leakbench stops the server itself with a signal it expects to end it (--native). */
  let exitExpected = false;
  const markSites = async (): Promise<void> => {
    if (!siteProbe || !loadDriver) return;
    await siteProbe.mark(siteMarkRequests.length === 0 ? 'baseline' : 'final');
    siteMarkRequests.push(loadDriver.requests);
  };
  const sinceLoad = (): number => (loadStarted === 0 ? 0 : Math.round(performance.now() - loadStarted));

  // Aborted by the caller's signal or by the server dying: either way stop everything now.
  const stop = new AbortController();
  const onOuterAbort = (): void => {
    stop.abort(ctx.signal?.reason);
    void server?.kill();
  };
  if (ctx.signal?.aborted) onOuterAbort();
  else ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const dir = path.relative(cwd, ctx.variantDir) || '.';
  const defaultCommand = ['node', '--inspect=127.0.0.1:0', ...(target.nodeArgs ?? []), ...trackFlag, path.relative(cwd, target.entry)];
  const base = (): Omit<VariantRun, 'verdict' | 'pattern' | 'bytesPerRequest' | 'reason'> => {
    const run: Omit<VariantRun, 'verdict' | 'pattern' | 'bytesPerRequest' | 'reason'> = {
      variant: target.variant,
      requests: loadDriver?.requests ?? 0,
      durationMs: Math.round(loadDriver?.loadDurationMs ?? 0),
      findings: [],
      dir,
      samples,
      snapshots: taken.map((t) => t.ref),
      command: target.command ?? (server && target.launch ? server.command : defaultCommand),
    };
    if (loadDriver) run.load = loadDriver.summary(snapshotPauseMs);
    if (phases.length > 0) run.phases = phases;
    if (idWipes.length > 0) run.idWipes = idWipes;
    const allocations = evidence instanceof HeapEvidence ? evidence.allocations : undefined;
    if (allocations) {
      run.allocationProfile = { ...allocations };
      if (allocations.path !== undefined) run.allocationProfile.path = path.relative(cwd, allocations.path);
    }
    return run;
  };

  try {
    await ensurePrivateDir(ctx.variantDir);
    phase('boot');
    if (ctx.probe?.selfCheck && !target.attached) selfCheckPreload = await writeSelfCheckPreload(ctx.variantDir);
    const preloadArgs = selfCheckPreload ? [`--require=${selfCheckPreload}`] : [];
    server = target.launch
      ? await target.launch(
          stop.signal,
          {
            nodeOptions: [...nearLimitSnapshotArgs(ctx.variantDir), ...preloadArgs],
            variantDir: ctx.variantDir,
            ...(ctx.probe?.startTimeoutMs !== undefined ? { startTimeoutMs: ctx.probe.startTimeoutMs } : {}),
          },
          emit,
        )
      : await startServer({
          entry: target.entry,
          // A server that runs out of heap leaves its last heap in the variant's private dir.
          nodeArgs: [...nearLimitSnapshotArgs(ctx.variantDir), ...preloadArgs, ...(target.nodeArgs ?? []), ...trackFlag],
          ...(target.env ? { env: target.env } : {}),
          ...(ctx.probe?.startTimeoutMs !== undefined ? { startTimeoutMs: ctx.probe.startTimeoutMs } : {}),
          signal: stop.signal,
        });
    const liveServer = server;
    void liveServer.exited.then((exit) => {
      if (!exit.killedByHarness && !exitExpected) stop.abort(new LeakbenchError('E_SERVER_CRASHED', 'server exited during the run'));
    });
    // The heap reached its limit: Node wrote its near-limit snapshot, and V8 raised the limit to
    // let it. Whether the server then dies at once or runs on (for minutes, until the raised limit)
    // depends on V8's collections of the moment; ending the run here gives the same outcome either
    // way, at the limit the user set.
    void liveServer.nearLimitSnapshotWritten?.then(() => {
      if (stop.signal.aborted) return;
      limitReached = { tMs: sinceLoad(), requests: loadDriver?.requests ?? 0 };
      stop.abort(new LeakbenchError('E_SERVER_CRASHED', 'server reached its V8 heap limit'));
      void liveServer.kill();
    });
    if (stop.signal.aborted) throw stop.signal.reason;
    if (liveServer.inspectorUrl !== undefined) {
      evidence = await HeapEvidence.open(liveServer.inspectorUrl);
    } else if (target.siteEvidence) {
      const probe = target.siteEvidence(liveServer, cwd);
      siteProbe = probe;
      evidence = new RssEvidence(liveServer.pid, () => probe.rssBytes());
      emit({ kind: 'message', level: 'info', text: `native mode: ${probe.tool} records allocation sites; RSS of the server process` });
    } else {
      evidence = new RssEvidence(liveServer.pid);
      emit({ kind: 'message', level: 'info', text: 'no Node inspector announced: black-box mode (RSS of the process tree only)' });
    }
    const ev = evidence;
    const heap = ev instanceof HeapEvidence ? ev : undefined;

    // The request source can switch between phases (replay, self-check); one driver keeps the counts.
    let requestSource: () => LoadRequest = withHeaders(requestMix(ctx, plan.keys), plan.headers, ctx.secret);
    // The rate can switch too: an extension that only needs more distinct keys runs flat out.
    let rateNow: number | 'max' = plan.rate;
    // A user's workload (`--workload`, config, `--openapi`) replaces the key mix.
    const workload = plan.workload ? compileWorkload(plan.workload.spec, { secret: ctx.secret, ...(plan.headers ? { extraHeaders: plan.headers } : {}) }) : undefined;
    if (workload) requestSource = () => workload.next();
    loadDriver = new LoadDriver({
      baseUrl: liveServer.baseUrl,
      connections: plan.connections,
      get rate() {
        return rateNow;
      },
      nextRequest: () => requestSource(),
      ledger: keyLedger,
      ...(workload
        ? { onResponse: workload.onResponse!, endpoints: workload.names.map((endpoint) => ({ endpoint, source: workload.only(endpoint) })) }
        : {}),
    });
    const mainSource = requestSource;
    const driver = loadDriver;
    let lastTick: { at: number; requests: number } | undefined;
    const samplerCtx: SamplerContext = {
      read: (afterGc) => ev.read(afterGc && ev.canForceGc),
      phase: () => loadPhase,
      requests: () => driver.requests,
      elapsedMs: () => (loadStarted === 0 ? 0 : performance.now() - loadStarted),
      onSample: (s) => {
        samples.push(s);
        // Throughput over the last sampling interval, for the live display.
        const now = performance.now();
        const requestsPerSec = lastTick && now > lastTick.at ? ((s.requests - lastTick.requests) * 1000) / (now - lastTick.at) : 0;
        lastTick = { at: now, requests: s.requests };
        emit({
          kind: 'tick',
          variant: target.variant,
          phase: currentPhase,
          elapsedMs: Math.round(elapsed()),
          requests: s.requests,
          requestsPerSec: Math.max(0, Math.round(requestsPerSec)),
          heapUsedBytes: s.heapUsedBytes,
          externalBytes: s.externalBytes,
          rssBytes: s.rssBytes,
        });
      },
    };

    // One stretch of the run. Under load it ends with a forced-GC sample taken while the load
    // still runs, so every regression point sees the same state (in-flight requests, open
    // sockets): measured here, an idle after-GC sample sits ~0.5 MB below an under-load one on a
    // Fastify server, which would otherwise swamp a small slope.
    const stretch = async (
      kind: LoadPhaseKind,
      durationMs: number,
      why?: string,
      only?: EndpointSegment,
      cut?: AbortSignal,
      onFirstSample?: () => void,
    ): Promise<MemorySample | undefined> => {
      const loaded = kind !== 'idle';
      loadPhase = kind;
      currentPhase = kind === 'warmup' ? 'warmup' : 'load';
      phase(currentPhase, only?.endpoint ?? (kind === 'warmup' || kind === 'load' ? undefined : kind));
      if (loadStarted === 0) loadStarted = performance.now();
      const record: PhaseRecord = { kind, startMs: sinceLoad(), endMs: 0, requestsStart: driver.requests, requestsEnd: 0, ...(why ? { why } : {}) };
      lastTick = { at: performance.now(), requests: driver.requests };
      const running = loaded ? driver.start(stop.signal, only?.source) : undefined;
      const gcEvery = kind === 'warmup' ? undefined : !loaded ? IDLE_SAMPLE_MS : rateNow === 'max' ? Math.max(gcSampleIntervalMs, FULL_RATE_GC_SAMPLE_MS) : gcSampleIntervalMs;
      const sampler = new MemorySampler(samplerCtx, sampleIntervalMs, MemorySampler.evenGcSchedule(durationMs, gcEvery));
      let endSample: MemorySample | undefined;
      try {
        if (onFirstSample) {
          // An after-GC sample right at the start, before the caller goes on with CPU-heavy work
          // that may hold up the sampling timers: the stretch's samples then span its whole length.
          try {
            await MemorySampler.sampleOnce(samplerCtx, true);
          } finally {
            onFirstSample();
          }
        }
        await abortableDelay(durationMs, cut ? AbortSignal.any([stop.signal, cut]) : stop.signal);
        await sampler.stop();
        if (!stop.signal.aborted) endSample = await MemorySampler.sampleOnce(samplerCtx, true);
      } finally {
        running?.stop();
        await sampler.stop().catch(() => {});
        await running?.done.catch((err: unknown) => {
          if (!stop.signal.aborted) throw err;
        });
      }
      if (stop.signal.aborted) throw stop.signal.reason;
      record.endMs = sinceLoad();
      record.requestsEnd = driver.requests;
      phases.push(record);
      return endSample;
    };

    const snapshot = async (label: string): Promise<{ t: TakenSnapshot; wiped: boolean }> => {
      if (!heap) throw new Error('snapshot without an inspector');
      currentPhase = 'snapshot';
      phase('snapshot', label);
      // An endpoint's name may hold `/` or spaces (`GET /items`): the file name keeps it readable but safe.
      const file = path.join(ctx.variantDir, `${taken.length + 1}-${label.replace(/[^A-Za-z0-9._-]+/g, '-')}.heapsnapshot`);
      const tMs = sinceLoad();
      const snap = await heap.snapshot(file);
      snapshotPauseMs += snap.durationMs;
      const t: TakenSnapshot = {
        file,
        ref: { label, path: path.relative(cwd, snap.path), tMs, requests: driver.requests, sizeBytes: snap.sizeBytes, durationMs: Math.round(snap.durationMs) },
      };
      taken.push(t);
      if (snap.ids.state === 'wiped') {
        idWipes.push({ beforeSnapshot: label, tMs, requests: driver.requests });
        emit({ kind: 'message', level: 'warn', text: `${target.variant}: heap object ids were reset before snapshot ${label} (another inspector session disconnected): a new baseline is taken there` });
      }
      if (stop.signal.aborted) throw stop.signal.reason;
      return { t, wiped: snap.ids.state === 'wiped' };
    };

    // ── warm-up and baseline ──────────────────────────────────────────────────────────────────
    const warm = await stretch('warmup', plan.warmupSec * 1000);
    if (plan.warmupSec > 0) checkServerAnswers(driver.summary(snapshotPauseMs), liveServer.baseUrl);
    const baselineAt = warm?.tMs ?? 0;
    // Before the baseline: every object the diff counts as new is then allocated while recording.
    await heap?.startAllocations(allocation, ctx.probe?.samplingIntervalBytes, ctx.probe?.trackingRoute !== 'inspector');
    /** The snapshots since the last baseline (a wipe starts a new sequence). */
    let sequence: TakenSnapshot[] = heap ? [(await snapshot('baseline')).t] : [];
    await markSites();
    let sequenceStartMs = baselineAt;

    // ── --per-endpoint: a fixed window of two segments per endpoint (per-endpoint.ts) ─────────
    const perEndpoint = heap && plan.workload?.perEndpoint ? driver.endpoints : undefined;
    const windowRequests: number[] = [];
    if (perEndpoint) {
      const segmentMs = endpointSegmentMs(plan.durationSec, perEndpoint.length);
      for (const only of perEndpoint) {
        const before = driver.requests;
        await stretch('load', segmentMs, undefined, only);
        sequence.push((await snapshot(`${only.endpoint} a`)).t);
        await stretch('load', segmentMs, undefined, only);
        sequence.push((await snapshot(`${only.endpoint} b`)).t);
        windowRequests.push(driver.requests - before);
      }
    }

    // ── load segments until the evidence decides ──────────────────────────────────────────────
    let loadMs = 0;
    let previousMs: number | undefined;
    /** Segments since the last baseline, and the first segments' length (shortened by id wipes). */
    let index = 0;
    let steps = 0;
    let segmentSchedule = schedule;
    let analysis: SnapshotEvidence = { state: 'none' };
    let analysedFiles = '';
    /** The last sequence that was analysed, kept when a wipe starts a new one. */
    let lastAnalysed: { analysis: SnapshotEvidence; files: string; sequence: TakenSnapshot[]; startMs: number } | undefined;
    /** Once the run gave up on diffs: the holder the last diff between two resets saw grow. */
    let lastDiffSaw: string | undefined;
    let trend = trendOf(samples, sequenceStartMs, ev.kind);
    let decision: { how: 'planned' | 'early' | 'extended' | 'budget'; why: string } | undefined;
    let fullRate = false;
    /** Why the next segment runs: nextStep's last answer (recorded on the segment). */
    let loadOnWhy: string | undefined;
    /** False once ids are wiped before too many snapshots in a row. */
    let diffUsable = true;
    /** Set after a keyed holder was counted up to its bound: snapshot at once, no further segment. */
    let snapshotNow = false;
    /** Load time (since warm-up) when the deciding analysis and the idle beside it had both ended. */
    let idledAtDecisionMs: number | undefined;
    if (perEndpoint) decision = { how: 'planned', why: `--per-endpoint: a window of two segments per endpoint (${perEndpoint.length})` };
    while (decision === undefined) {
      if (!snapshotNow) {
        const ms = nextSegmentMs(index, loadMs, previousMs, segmentSchedule);
        const kind: LoadPhaseKind = loadMs >= schedule.plannedMs - 1 ? 'extend' : 'load';
        rateNow = fullRate ? 'max' : plan.rate;
        await stretch(kind, ms, fullRate ? `${loadOnWhy ?? 'more distinct keys'} (at full rate: only the count of distinct keys matters)` : loadOnWhy);
        rateNow = plan.rate;
        loadMs += ms;
        previousMs = ms;
        index += 1;
      }
      snapshotNow = false;
      steps += 1;
      await markSites();
      if (heap && diffUsable) {
        const { t, wiped } = await snapshot(`step-${steps}`);
        if (wiped && idWipes.length >= MAX_WIPES_WITHOUT_DIFF) {
          // Ids are wiped faster than three snapshots can be taken: no diff is possible. The rest
          // of the run loads without snapshots and the after-GC trend decides.
          diffUsable = false;
          analysis = { state: 'none' };
          sequence = [t];
          sequenceStartMs = t.ref.tMs;
          emit({ kind: 'message', level: 'warn', text: `${target.variant}: heap ids were reset ${idWipes.length}× under the run: no further snapshot diff is attempted; the growth trend decides` });
        } else if (wiped) {
          if (analysis.state === 'analyzed') lastAnalysed = { analysis, files: analysedFiles, sequence, startMs: sequenceStartMs };
          sequence = [t];
          sequenceStartMs = t.ref.tMs;
          analysis = { state: 'none' };
          // Ids are wiped under the run (periodically, by the server's own session): shorter
          // segments give three snapshots between two wipes a chance.
          index = 0;
          segmentSchedule = { ...schedule, segmentMs: Math.max(MIN_SEGMENT_MS, segmentSchedule.segmentMs / 2) };
        } else sequence.push(t);
      }
      trend = trendOf(samples, sequenceStartMs, ev.kind);
      const budgetSpent = loadMs >= schedule.maxLoadMs - 1;
      // The server has no requests while its snapshots are analysed: that quiet time is the idle
      // phase. It runs its full length beside an analysis that decides, and is cut short when the
      // run loads on (only the last idle stretch is evidence: growth-drivers.ts).
      let idling: { done: Promise<unknown>; cut: AbortController } | undefined;
      if (heap && sequence.length >= 3) {
        if (idleMs > 0) {
          const cut = new AbortController();
          // The analysis runs on this thread and holds up the idle's sampling timers: the idle
          // takes its first after-GC sample before the analysis starts, so its samples span the
          // whole idle (first at the start, the rest once the analysis lets them run).
          let sampled!: () => void;
          const firstSample = new Promise<void>((resolve) => (sampled = resolve));
          idling = { cut, done: stretch('idle', idleMs, 'no requests (while the snapshots are analysed): growth per second, not per request', undefined, cut.signal, sampled) };
          // An abort (Ctrl-C, a crash) ends the idle with an error while the analysis still runs:
          // handled here, and rethrown below to whoever awaits it.
          idling.done.catch(() => {});
          await Promise.race([firstSample, idling.done.catch(() => {})]);
        }
        try {
          analysis = await analyzeSequence(analysedPart(sequence), setPhase, thresholds);
        } catch (err) {
          idling?.cut.abort();
          await idling?.done.catch(() => {});
          throw err;
        }
        analysedFiles = analysedPart(sequence).map((x) => x.file).join('\n');
        // A Ctrl-C during the analysis ends as interrupted during the analysis.
        if (stop.signal.aborted) {
          await idling?.done.catch(() => {});
          throw stop.signal.reason;
        }
      }
      // A holder that grew more slowly in its last step may have filled: the window slides to start
      // where the slow step started, and short segments follow, so the next diffs see only what
      // came after the fill (a plateau, or growth that goes on).
      // A holder that just filled its fixed capacity is asked the same way: does it stop there?
      const slowing = heap && analysis.state === 'analyzed' && (analysis.result.needsMore?.why === 'slowing' || analysis.result.needsMore?.why === 'filled') && loadMs < schedule.maxLoadMs - 1;
      if (slowing) {
        lastAnalysed = { analysis, files: analysedFiles, sequence, startMs: sequenceStartMs };
        sequence = sequence.slice(-2);
        sequenceStartMs = sequence[0]!.ref.tMs;
        trend = trendOf(samples, sequenceStartMs, ev.kind);
        index = 0;
        segmentSchedule = schedule;
      }
      // A black-box run (or one whose ids keep being wiped) loads for the planned window before its trend is asked.
      const evidenceSteps = heap && diffUsable ? sequence.length : loadMs >= schedule.plannedMs - 1 ? steps + 1 : 0;
      const step = slowing ? { action: 'extend' as const, why: `${(analysis as { result: AnalysisResult }).result.needsMore!.detail}; the diff now starts at the last step` } : nextStep({
        ...(analysis.state === 'analyzed' ? { analysis: analysis.result } : {}),
        trend,
        snapshots: evidenceSteps,
        loadMs,
        maxLoadMs: schedule.maxLoadMs,
      });
      fullRate = step.action === 'extend' && step.distinctKeys === true;
      loadOnWhy = step.action === 'extend' ? step.why : undefined;
      if (idling) {
        if (step.action === 'extend' && !budgetSpent) idling.cut.abort();
        await idling.done;
        if (!idling.cut.signal.aborted) idledAtDecisionMs = sinceLoad();
      }
      // The only open question is how many entries a keyed holder reaches: count them live, with
      // no snapshot, until it passes the bound, stops growing, or the budget runs out; the next
      // snapshot then answers with one diff.
      const filling = fullRate && heap && analysis.state === 'analyzed' ? fillingHolder(analysis.result) : undefined;
      if (filling && heap && !budgetSpent && (await heap.idsKept())) {
        let entries = await heap.entriesOf(filling.holderId);
        let entriesPerMs: number | undefined;
        let pollMs = FILL_POLL_MS / 2;
        let counted = false;
        while (entries !== undefined && entries < boundEntries && loadMs < schedule.maxLoadMs - 1) {
          counted = true;
          // Long enough to reach the bound at the rate seen so far (+10 %), at least FILL_POLL_MS and
          // at most twice the previous count's segment: a cache that stops at its own bound is seen
          // stopping soon after, not after one long segment.
          const toBound = entriesPerMs ? (1.1 * (boundEntries - entries)) / entriesPerMs : FILL_POLL_MS;
          const ms = Math.min(Math.max(FILL_POLL_MS, Math.round(toBound)), 2 * pollMs, schedule.maxLoadMs - loadMs);
          pollMs = ms;
          rateNow = 'max';
          await stretch(loadMs >= schedule.plannedMs - 1 ? 'extend' : 'load', ms, `${filling.holder}: ${entries.toLocaleString('en-US')} entries, counting on at full rate`);
          rateNow = plan.rate;
          loadMs += ms;
          const now = await heap.entriesOf(filling.holderId);
          // Stopped growing (a bound reached), or no longer reachable by its id: snapshot now.
          if (now === undefined || now <= entries) break;
          entriesPerMs = (now - entries) / ms;
          entries = now;
        }
        fullRate = false;
        // A snapshot right away only after some load: with none (the holder no longer found by
        // its id, e.g. ids wiped since the check) two snapshots would share one request count,
        // which no diff accepts (measured: own-inspector-session's analysis failed on it).
        if (counted) {
          snapshotNow = true;
          continue;
        }
      }
      if (step.action === 'decide' || budgetSpent) {
        const how = decidedHow(loadMs, schedule, budgetSpent);
        decision = { how, why: step.action === 'decide' ? step.why : `the load budget (${Math.round(schedule.maxLoadMs / 1000)} s) is spent while ${step.why}` };
        // Once the run gave up on diffs it loaded on for the trend since the last reset: that
        // trend decides, as in a black-box run. The last diff between two resets (a few seconds
        // of load) cannot: a keyed holder is not told from a filling cache on so few requests.
        // It only names what it saw grow. Out of budget right after a single wipe: decide on the
        // last sequence that was analysed.
        if (heap && !diffUsable) {
          const last = lastAnalysed?.analysis.state === 'analyzed' ? lastAnalysed.analysis.result : undefined;
          lastDiffSaw = last?.verdict === 'leak' ? last.findings[0]?.holder : undefined;
          analysis = { state: 'errored', error: { code: 'E_HEAP_IDS_RESET', message: `heap ids were reset ${idWipes.length}× under the run, faster than three snapshots could be taken` } };
        } else if (heap && sequence.length < 3 && lastAnalysed) {
          ({ analysis, sequence, startMs: sequenceStartMs } = lastAnalysed);
          analysedFiles = lastAnalysed.files;
          trend = trendOf(samples.filter((x) => x.tMs <= (sequence.at(-1)?.ref.tMs ?? Infinity)), sequenceStartMs, ev.kind);
        }
      }
    }
    // An idle that grew is asked once more, before anything else touches the server: does the
    // growth go on (a timer, an interval), or was it work that settles after the last request?
    // growth-drivers.ts `idlePersists` answers from the two halves of the idle stretch.
    const idleOn = async (): Promise<boolean> => {
      const g = idleGrowth(samples);
      if (idleMs <= 0 || !idleGrows(g) || g!.persists !== undefined) return false;
      const rate = `${((g!.paceBytesPerSecond ?? g!.bytesPerSecond) / 1024).toFixed(1)} KiB/s`;
      await stretch('idle', idleMs, `retained memory grew ${rate} with no requests: does it go on (a timer), or settle?`);
      return true;
    };
    if (idledAtDecisionMs !== undefined && (await idleOn())) idledAtDecisionMs = sinceLoad();

    // Key residency: the server's buffers searched for the keys sent, in the state of the decisive snapshot.
    if (heap) bufferScan = await scanBuffersForSecrets(heap.session, keyLedger.snapshot());

    // ── idle: growth with no requests is driven by time ────────────────────────────────────────
    // Its samples are evidence of the verdict (decideVerdict turns growth per second with no
    // traffic into a leak driven by time). A heap run whose deciding analysis had the idle beside
    // it has it already; black-box and per-endpoint runs idle here, after the decision.
    if (idleMs > 0 && idledAtDecisionMs === undefined) {
      await stretch('idle', idleMs, 'no requests: growth per second, not per request');
      await idleOn();
    }

    // The verdict's evidence was complete when the idle phase and the deciding analysis (or,
    // without an idle, the decisive snapshot or black-box segment) ended; the replay (which only
    // says what drives a leak), the self-check and the final analysis are not counted.
    const decisive = taken.at(-1)?.ref;
    const timeToVerdictMs = idledAtDecisionMs ?? (idleMs > 0 || !decisive ? sinceLoad() : decisive.tMs + decisive.durationMs);

    // ── same-key replay: does a growing keyed holder grow per request or per new key? ─────────
    let drivenBy: VariantRun['drivenBy'];
    let replayNote: string | undefined;
    const keyed = analysis.state === 'analyzed' ? keyedGrowingFinding(analysis.result) : undefined;
    // The holder is found by the id the last snapshot gave it: only while no wipe came since.
    if (heap && keyed && ctx.probe?.replay !== false && plan.keys.kind === 'unique' && !workload && (await heap.idsKept())) {
      const entriesAt = async (): Promise<{ entries: number | undefined; requests: number }> => ({ entries: await heap.entriesOf(keyed.holderId!), requests: driver.requests });
      const why = `${keyed.holder} grew at every step: does it keep growing when ${REPLAY_POOL_KEYS} keys repeat?`;
      const a = await entriesAt();
      if (a.entries !== undefined) {
        requestSource = withHeaders(requestMix(ctx, { kind: 'pool', size: REPLAY_POOL_KEYS }), plan.headers, ctx.secret);
        await stretch('replay', REPLAY_MS, why);
        const b = await entriesAt();
        requestSource = mainSource;
        await stretch('replay', REPLAY_MS, 'reference: the same holder under distinct keys');
        const c = await entriesAt();
        if (b.entries !== undefined && c.entries !== undefined && b.requests > a.requests && c.requests > b.requests) {
          const replayRate = (b.entries - a.entries) / (b.requests - a.requests);
          const distinctRate = (c.entries - b.entries) / (c.requests - b.requests);
          drivenBy = replayDrivenBy(distinctRate, replayRate);
          const figures = `${fmtRate(replayRate)} entries/request with ${REPLAY_POOL_KEYS} keys repeated, ${fmtRate(distinctRate)} with distinct keys`;
          if (drivenBy === 'distinct-keys') replayNote = `grows per distinct key (${figures}): a cache without a bound on a key space the clients choose`;
          if (drivenBy === 'requests') replayNote = `grows per request, whatever the key (${figures})`;
        }
      }
    }

    // ── self-check: the planted leak, found at its rate? ─────────────────────────────────────
    let selfCheck: SelfCheck | undefined;
    if (ctx.probe?.selfCheck) {
      selfCheck = await runSelfCheck();
    }

    if (heap) samplingProfile = (await heap.finishAllocations(ctx.variantDir)) ?? samplingProfile;
    setPhase('analysis');
    // --native: the tool's data is complete once the server stops cleanly (its exit is expected now).
    let native: NativeSitesEvidence | undefined;
    let nativeError: { code: string; message: string } | undefined;
    if (siteProbe) {
      exitExpected = true;
      try {
        native = await siteProbe.collect(siteMarkRequests);
      } catch (err) {
        if (!isLeakbenchError(err)) throw err;
        nativeError = { code: err.code, message: err.message };
      }
    }
    // The server is no longer needed: stop it before the CPU-heavy snapshot analysis.
    await ev.close();
    await liveServer.kill();
    // Final labels and file names first: the key-residency report names the snapshots.
    if (!perEndpoint) relabel(sequence, taken);
    await renameSnapshotFiles(taken, cwd);
    const analysed = analysedPart(sequence);
    // The final analysis adds what the loop's decisions did without: allocation sites (with the
    // sampling profile read at the end) and key residency (the keys sent, the buffers scanned).
    let endpoints: EndpointGrowth[] | undefined;
    const sites = { cwd, ...(samplingProfile ? { samplingProfile } : {}) };
    const residency = (at: readonly TakenSnapshot[]): AnalyzeOptions['keyResidency'] => ({
      secrets: keyLedger.snapshot(),
      ...(bufferScan ? { buffers: bufferScan } : {}),
      labels: at.map((t) => t.ref.label),
    });
    if (perEndpoint) {
      const windows = sequence;
      ({ evidence: analysis, endpoints } = await analyzeEndpointWindows(
        perEndpoint,
        windowRequests,
        (at, last) => analyzeRunSnapshots(at.map((k) => windows[k]!.file), at.map((k) => windows[k]!.ref.requests), sites, last ? residency(at.map((k) => windows[k]!)) : undefined),
        (endpoint) => phase('analysis', endpoint),
      ));
    }
    const finalEvidence = perEndpoint
      ? analysis
      : heap && sequence.length >= 2
        ? await analyzeRunSnapshots(
            analysed.map((t) => t.file),
            analysed.map((t) => t.ref.requests),
            { cwd, ...(samplingProfile ? { samplingProfile } : {}) },
            { secrets: keyLedger.snapshot(), ...(bufferScan ? { buffers: bufferScan } : {}), labels: analysed.map((t) => t.ref.label) },
            thresholds,
          )
        : analysis;
    const disturbance = heap ? snapshotsDisturb(samples, taken.map((t) => t.ref)) : undefined;
    // Heap runs give decideVerdict every sample (idle growth per second, memory outside the JS
    // heap); a black-box run's RSS trend is its only evidence.
    const decided = heap ? decideVerdict(finalEvidence, trend, { samples, baselineMs: sequenceStartMs, snapshotTimesMs: taken.map((t) => t.ref.tMs) }) : decideVerdict(finalEvidence, trend);
    // A Ctrl-C during the analysis still ends as `interrupted`, as at every other phase.
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    const findings = decided.findings.map((f): Finding => (replayNote && keyed && f.holderId === keyed.holderId ? { ...f, explanation: `${f.explanation} It ${replayNote}.` } : f));
    const notes = [
      disturbance ? ` ${disturbance}` : '',
      idWipes.length > 0
        ? diffUsable
          ? ` Heap ids were reset ${idWipes.length}× during the run (another inspector session disconnected); the diff covers only the snapshots since the last reset.`
          : ` Heap ids were reset ${idWipes.length}× during the run (another inspector session connects and disconnects faster than the run can take three snapshots): after ${MAX_WIPES_WITHOUT_DIFF} resets the run stopped taking snapshots and loaded on: the growth trend since the last reset decides${lastDiffSaw ? `. The last diff between two resets saw ${lastDiffSaw} grow at every step` : ''}.`
        : '',
    ].join('');
    let result: VariantRun = {
      ...base(),
      ...decided,
      findings,
      reason: decided.reason + notes,
      statistic: trend.statistic,
      decidedBy: decision,
      timeToVerdictMs,
      ...(endpoints ? { endpoints } : {}),
      ...(finalEvidence.state === 'analyzed' && finalEvidence.result.keyResidency ? { keyResidency: finalEvidence.result.keyResidency } : {}),
      // Time (from the idle phase) beats the replay's answer: a timer's growth is not per key.
      ...(decided.drivenBy ? { drivenBy: decided.drivenBy } : drivenBy ? { drivenBy } : {}),
    };
    if (siteProbe) {
      // Allocation sites that grew at every step, combined with the RSS trend (native-sites.ts).
      result = native
        ? (() => {
            const combined = combineSitesWithTrend(native, trend);
            return { ...result, native, findings: siteFindings(native), verdict: combined.verdict, pattern: 'unknown' as const, bytesPerRequest: combined.bytesPerRequest, reason: `${siteProbe.tool} + RSS of the server process: ${combined.reason}` };
          })()
        : { ...result, verdict: 'inconclusive', pattern: 'unknown', reason: `no allocation sites: ${nativeError?.message ?? 'no data'}`, ...(nativeError ? { error: nativeError } : {}) };
    }
    if (selfCheck) {
      result = { ...result, selfCheck };
      if (selfCheck.state !== 'found') {
        result = { ...result, verdict: 'inconclusive', pattern: 'unknown', reason: `self-check ${selfCheck.state}: ${selfCheck.reason}; no verdict on the server (its own evidence said: ${result.verdict})` };
      }
    }
    return finish(result);

    /** Runs the self-check phase: plants (attach) or arms (preload) the leak and measures what it kept. */
    async function runSelfCheck(): Promise<SelfCheck> {
      if (target.attached) {
        const planted = heap ? await heap.evaluate<boolean>(plantExpression()) : false;
        if (planted !== true) {
          return { state: 'missed', plantedBytesPerRequest: PLANTED_BYTES_PER_REQUEST, reason: 'the planted leak could not be installed in the attached server (it needs Node ≥ 20.16 for process.getBuiltinModule)' };
        }
      }
      const served = (): number => driver.summary(0).statusCounts['2xx'] ?? 0;
      const plantedCount = async (): Promise<number | undefined> => {
        const n = heap ? await heap.evaluate<number>(plantedCountExpression()) : undefined;
        return n === undefined || n < 0 ? undefined : n;
      };
      requestSource = withHeader(mainSource, SELF_CHECK_HEADER, '1');
      const startRequests = driver.requests;
      const startServed = served();
      const startPlanted = (await plantedCount()) ?? 0;
      const why = `the planted leak keeps ${PLANTED_BYTES_PER_REQUEST} B per request served: found at that rate?`;
      let holderBytes: number | undefined;
      let named = false;
      const startSample = samples.length;
      if (heap) {
        // Three snapshots, as the leak finder wants for any leak: the planted one must be found like one.
        const files = [(await snapshot('self-check-start')).t];
        await stretch('self-check', schedule.segmentMs, why);
        files.push((await snapshot('self-check-middle')).t);
        await stretch('self-check', schedule.segmentMs, why);
        files.push((await snapshot('self-check-end')).t);
        setPhase('analysis');
        const check = await analyzeRunSnapshots(files.map((t) => t.file), files.map((t) => t.ref.requests), false);
        const planted = check.state === 'analyzed' ? check.result.findings.find(plantedFinding) : undefined;
        if (planted) {
          named = true;
          const bytes = planted.growth.retainedBytes;
          holderBytes = (bytes.at(-1) ?? 0) - (bytes[0] ?? 0);
        }
      } else {
        await stretch('self-check', 2 * schedule.segmentMs, why);
        // Black-box: the RSS slope over the self-check phase's samples.
        const points = samples.slice(startSample).filter((s) => s.phase === 'self-check');
        holderBytes = rssTrend(points).statistic.bytesPerRequest * (driver.requests - startRequests);
      }
      requestSource = mainSource;
      const servedRequests = served() - startServed;
      const requests = driver.requests - startRequests;
      const endPlanted = await plantedCount();
      return selfCheckResult({ servedRequests, requests, holderBytes, named, blackBox: !heap, ...(endPlanted !== undefined ? { plantedRecords: endPlanted - startPlanted } : {}) });
    }
  } catch (err) {
    // Let the child's exit be observed before deciding what happened.
    const exit = server ? await Promise.race([server.exited, delay(200).then(() => undefined)]) : undefined;
    if (ctx.signal?.aborted) {
      return finish({
        ...base(),
        verdict: 'interrupted',
        pattern: 'unknown',
        bytesPerRequest: 0,
        reason: `interrupted during ${currentPhase} (${reasonText(ctx.signal.reason)}); the server was stopped`,
      });
    }
    // Stopped by leakbench at the heap limit, or dead by itself.
    const ended = limitReached !== undefined && server ? await server.kill() : exit && !exit.killedByHarness ? exit : undefined;
    if (ended) {
      const end = describeServerEnd(ended, limitReached !== undefined, currentPhase);
      const blackBox = evidence?.kind === 'rss';
      // Out of heap under the load: memory grew to the V8 heap limit, which confirms a leak; the
      // snapshot Node wrote near the limit extends the run's sequence for the leak finder.
      const nearLimit = end.crash.heapLimit
        ? await collectNearLimitSnapshot({
            variantDir: ctx.variantDir,
            earlier: taken.map((t) => t.ref),
            cwd,
            requests: limitReached?.requests ?? loadDriver?.requests ?? 0,
            tMs: limitReached?.tMs ?? sinceLoad(),
            ...(blackBox ? { blackBox: true } : {}),
          })
        : undefined;
      const found = nearLimit?.analysis;
      const run = base();
      if (nearLimit?.snapshot) run.snapshots = [...run.snapshots, nearLimit.snapshot];
      return finish({
        ...run,
        verdict: 'crashed',
        pattern: found?.findings[0]?.pattern ?? 'unknown',
        bytesPerRequest: found?.bytesPerRequest ?? 0,
        ...(found ? { findings: found.findings } : {}),
        reason: end.reason + (nearLimit ? `; ${nearLimit.note}` : ''),
        crash: {
          ...end.crash,
          ...(nearLimit?.snapshot?.path ? { nearLimitSnapshot: nearLimit.snapshot.path } : {}),
          ...(nearLimit ? { nearLimitAnalysis: nearLimit.note } : {}),
        },
        error: end.error,
      });
    }
    if (isLeakbenchError(err)) {
      const crashedAtBoot = err.code === 'E_SERVER_CRASHED';
      return finish({
        ...base(),
        verdict: crashedAtBoot ? 'crashed' : 'inconclusive',
        pattern: 'unknown',
        bytesPerRequest: 0,
        reason: `no verdict: ${err.message}`,
        error: { code: err.code, message: err.message },
      });
    }
    throw err;
  } finally {
    ctx.signal?.removeEventListener('abort', onOuterAbort);
    stop.abort();
    await evidence?.close().catch(() => {});
    await server?.kill();
  }

  function setPhase(p: RunPhase): void {
    if (currentPhase === p) return;
    currentPhase = p;
    phase(p);
  }

  function finish(run: VariantRun): VariantRun {
    phase('done');
    return run;
  }
}

/** The growth trend of the load samples since `fromMs` (after-GC heap samples, or every RSS sample). */
function trendOf(samples: readonly MemorySample[], fromMs: number, kind: 'heap' | 'rss'): GrowthTrend {
  const window = samples.filter((s) => s.tMs >= fromMs && (s.phase === undefined || s.phase === 'load' || s.phase === 'extend'));
  return kind === 'rss' ? rssTrend(window) : growthTrend(window);
}

/**
 * The trend of RSS on requests (black-box): no GC can be forced, so every sample is a point; RSS
 * includes allocator slack and never shrinks after a GC, so it answers "does memory grow with
 * traffic" and nothing about what grows.
 */
function rssTrend(samples: readonly MemorySample[]): GrowthTrend {
  const t = growthTrend(
    samples.map((s) => ({ ...s, afterGc: true })),
    { metric: RSS_METRIC },
  );
  return { ...t, statistic: { ...t.statistic, method: 'ols-rss' } };
}

/** The black-box trend's metric: RSS of the server's process group. */
const RSS_METRIC: TrendMetric = { name: 'rss (process group)', label: 'RSS of the process tree', of: (s) => s.rssBytes };

/** The part of a sequence the diff reads: its baseline and its latest steps. */
function analysedPart(sequence: readonly TakenSnapshot[]): TakenSnapshot[] {
  return sequence.length <= MAX_ANALYSED_STEPS + 1 ? [...sequence] : [sequence[0]!, ...sequence.slice(-MAX_ANALYSED_STEPS)];
}

async function analyzeSequence(
  sequence: readonly TakenSnapshot[],
  setPhase: (p: RunPhase) => void,
  thresholds: AnalyzeOptions['thresholds'],
): Promise<SnapshotEvidence> {
  setPhase('analysis');
  // The loop's decisions need the diff only: allocation sites and key residency come with the final analysis.
  return analyzeRunSnapshots(
    sequence.map((t) => t.file),
    sequence.map((t) => t.ref.requests),
    false,
    undefined,
    thresholds,
  );
}

/** The keyed holder a `still-growing` analysis waits on, with its heap id. */
function fillingHolder(result: AnalysisResult): { holder: string; holderId: number } | undefined {
  const more = result.needsMore;
  if (more?.why !== 'still-growing') return undefined;
  const f = result.findings.find((x) => x.holder === more.holder && x.holderId !== undefined);
  return f ? { holder: f.holder, holderId: f.holderId! } : undefined;
}

/** A leak finding on a keyed container (Map, Set, dictionary) with a known holder id. */
function keyedGrowingFinding(result: AnalysisResult): Finding | undefined {
  if (result.verdict !== 'leak') return undefined;
  return result.findings.find((f) => f.holderId !== undefined && /map|set|dictionary|object/i.test(f.containerKind ?? ''));
}

function plantedFinding(f: Finding): boolean {
  return f.holder.includes(PLANTED_HOLDER_NAME) || f.path.some((s) => s.edge === PLANTED_HOLDER_NAME);
}

/**
 * Labels of the kept snapshots: the analysed sequence reads `baseline`, `middle` (one step) or
 * `middle-N`, and `final`; snapshots before an id wipe keep their step label.
 */
function relabel(sequence: readonly TakenSnapshot[], taken: readonly TakenSnapshot[]): void {
  // A baseline left behind by a wipe or a slide reads `step-0`: one `baseline` per report.
  for (const t of taken) if (!sequence.includes(t) && t.ref.label === 'baseline') t.ref.label = 'step-0';
  const n = sequence.length;
  sequence.forEach((t, i) => {
    t.ref.label = i === 0 ? 'baseline' : i === n - 1 ? 'final' : n === 3 ? 'middle' : `middle-${i}`;
  });
}

/** Gives each snapshot file its final label (`<n>-<label>.heapsnapshot`). */
async function renameSnapshotFiles(taken: readonly TakenSnapshot[], cwd: string): Promise<void> {
  for (const [i, t] of taken.entries()) {
    const file = path.join(path.dirname(t.file), `${i + 1}-${t.ref.label}.heapsnapshot`);
    if (file === t.file) continue;
    await rename(t.file, file);
    t.file = file;
    t.ref.path = path.relative(cwd, file);
  }
}

/** The request mix of the run with the given keys, for the target's path and key header. */
function requestMix(ctx: Pick<VariantContext, 'target' | 'load' | 'secret'>, keys: KeyMode): () => MixedRequest {
  const { target, load: plan } = ctx;
  return renameKeyHeader(
    createRequestMix({
      keys,
      invalidRatio: plan.invalidRatio,
      postRatio: plan.postRatio,
      secret: ctx.secret,
      ...(target.requestPath ? { path: target.requestPath } : {}),
    }),
    target.keyHeader,
    target.keyTemplate,
  );
}

function withHeader(next: () => LoadRequest, name: string, value: string): () => LoadRequest {
  return () => {
    const r = next();
    return { ...r, headers: { ...r.headers, [name]: value } };
  };
}

/** The load driver of a run: the plan's shape, keys minted with the run's secret, the target's path and key header. */
export function createLoadDriver(ctx: Pick<VariantContext, 'target' | 'load' | 'secret'>, baseUrl: string, ledger?: KeyLedger): LoadDriver {
  const { load: plan } = ctx;
  return new LoadDriver({ ...(ledger ? { ledger } : {}), baseUrl, connections: plan.connections, rate: plan.rate, nextRequest: requestMix(ctx, plan.keys) });
}

function fmtRate(n: number): string {
  return (Math.round(n * 1000) / 1000).toString();
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
