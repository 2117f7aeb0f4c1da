/**
 * Measures one server variant end to end:
 *
 *   boot → warm-up load → GC + snapshot `baseline` → load (first half) → GC + snapshot `middle`
 *        → load (second half) → GC + snapshot `final` → growth verdict → kill
 *
 * Load runs in segments so a snapshot (which stops the server for seconds) never races HTTP; the
 * time paused is recorded. One inspector session stays connected from boot to kill, so heap node
 * ids are comparable across the three snapshots. Memory is sampled every 500 ms under load, with a
 * forced-GC sample every ~1.25 s after warm-up (evenly spaced, the last one of each segment still
 * under load) for the regression: twice the brief's 2.5 s, since on a busy 2-core machine the
 * fixed variants' confidence intervals were too wide to rule growth out with half as many points.
 *
 * Outcomes are data: a server that dies is `crashed` (with exit code, signal, heap-limit flag and
 * its output tail), an abort is `interrupted`, and a LeakbenchError becomes the run's `error`.
 * The child is killed in `finally`, and at once when the signal aborts.
 */
import path from 'node:path';
import type { AllocationSiteOptions } from '../analysis/allocation-sites.js';
import { analyzeSnapshots } from '../analysis/analyze-snapshots.js';
import type { AnalyzeOptions } from '../analysis/types.js';
import { decideVerdict, type SnapshotEvidence } from '../analysis/decide-verdict.js';
import { growthTrend } from '../analysis/growth-trend.js';
import { isLeakbenchError, LeakbenchError } from '../errors.js';
import { LoadDriver } from '../load/load-driver.js';
import { createRequestMix, type KeyMode } from '../load/request-mix.js';
import { ensurePrivateDir, takeHeapSnapshot } from '../probe/heap-probe.js';
import { InspectorSession } from '../probe/inspector-session.js';
import {
  finishAllocationRecording,
  startAllocationRecording,
  type AllocationRecording,
  type AllocationRecordingInfo,
  type SamplingProfile,
} from '../probe/allocation-recorder.js';
import { startServer, type ServerHandle } from '../server/start-server.js';
import { renameKeyHeader } from '../load/rename-key-header.js';
import { KeyLedger } from '../load/key-ledger.js';
import { scanBuffersForSecrets } from '../probe/scan-buffers.js';
import type { BufferScan, SecretShape } from '../sent-secrets.js';
import { checkServerAnswers } from './check-server-answers.js';
import { collectNearLimitSnapshot, describeServerEnd, nearLimitSnapshotArgs } from './crash-evidence.js';
import type {
  MemorySample,
  ProgressEvent,
  RunPhase,
  SnapshotRef,
  Variant,
  VariantRun,
} from '../types.js';
import { MemorySampler, type SamplerContext } from './memory-sampler.js';

/** The server to measure. */
export interface VariantTarget {
  variant: Variant;
  /** Compiled JavaScript entry (`dist/scenarios/<name>/<variant>.js`). */
  entry: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Starts the server instead of `startServer(entry)` (`run --cmd`, `attach`). */
  launch?: (signal: AbortSignal) => Promise<ServerHandle>;
  /** Measures the variant another way (black-box mode): {@link runVariant} hands over to it. */
  run?: (ctx: VariantContext) => Promise<VariantRun>;
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
  durationSec: number;
  connections: number;
  rate: number | 'max';
  keys: KeyMode;
  invalidRatio: number;
  postRatio: number;
}

/** Sampling and timeouts; the defaults suit `leakbench run`. */
export interface ProbePlan {
  /** Memory sample period under load (default 500 ms). */
  sampleIntervalMs?: number;
  /** Forced-GC sample period after warm-up (default 1250 ms). */
  gcSampleIntervalMs?: number;
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

/** Snapshot checkpoints, in order. */
const CHECKPOINTS = ['baseline', 'middle', 'final'] as const;

/** Runs one variant and returns its result; throws only on programming errors. */
export async function runVariant(ctx: VariantContext): Promise<VariantRun> {
  const { target, load: plan } = ctx;
  if (target.run) return target.run(ctx);
  const allocation = ctx.probe?.allocation ?? 'sampling';
  // Allocation tracking since launch: no inspector heap-stats timer (see ProbePlan.trackingRoute).
  const trackFlag = allocation === 'tracking' && ctx.probe?.trackingRoute !== 'inspector' && !target.launch ? ['--track-heap-objects'] : [];
  const sampleIntervalMs = ctx.probe?.sampleIntervalMs ?? 500;
  const gcSampleIntervalMs = ctx.probe?.gcSampleIntervalMs ?? 1250;
  const emit = ctx.onProgress ?? (() => {});
  const variantStarted = performance.now();
  const elapsed = (): number => performance.now() - variantStarted;
  const phase = (p: RunPhase, label?: string): void =>
    emit(label === undefined ? { kind: 'phase', variant: target.variant, phase: p, elapsedMs: Math.round(elapsed()) } : { kind: 'phase', variant: target.variant, phase: p, label, elapsedMs: Math.round(elapsed()) });

  const samples: MemorySample[] = [];
  const snapshots: SnapshotRef[] = [];
  let snapshotPauseMs = 0;
  let currentPhase: RunPhase = 'boot';
  let server: ServerHandle | undefined;
  let session: InspectorSession | undefined;
  let loadDriver: LoadDriver | undefined;
  let loadStarted = 0;
  let allocationInfo: AllocationRecordingInfo | undefined;
  let samplingProfile: SamplingProfile | undefined;
  // Key residency: the credentials sent and completed (in memory only), and the server's buffers searched for them.
  const keyLedger = new KeyLedger(target.secretShape);
  let bufferScan: BufferScan | undefined;
  /** When Node wrote its near-heap-limit snapshot while the server lived on (leakbench then stops it). */
  let limitReached: { tMs: number; requests: number } | undefined;

  // Aborted by the caller's signal or by the server dying: either way stop everything now.
  const stop = new AbortController();
  const onOuterAbort = (): void => {
    stop.abort(ctx.signal?.reason);
    void server?.kill();
  };
  if (ctx.signal?.aborted) onOuterAbort();
  else ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const dir = path.relative(ctx.cwd ?? process.cwd(), ctx.variantDir) || '.';
  const base = (): Omit<VariantRun, 'verdict' | 'pattern' | 'bytesPerRequest' | 'reason'> => {
    const run: Omit<VariantRun, 'verdict' | 'pattern' | 'bytesPerRequest' | 'reason'> = {
      variant: target.variant,
      requests: loadDriver?.requests ?? 0,
      durationMs: Math.round(loadDriver?.loadDurationMs ?? 0),
      findings: [],
      dir,
      samples,
      snapshots,
      command: target.command ?? ['node', '--inspect=127.0.0.1:0', ...(target.nodeArgs ?? []), ...trackFlag, path.relative(ctx.cwd ?? process.cwd(), target.entry)],
    };
    if (loadDriver) run.load = loadDriver.summary(snapshotPauseMs);
    if (allocationInfo) {
      run.allocationProfile = { ...allocationInfo };
      if (allocationInfo.path !== undefined) run.allocationProfile.path = path.relative(ctx.cwd ?? process.cwd(), allocationInfo.path);
    }
    return run;
  };

  try {
    await ensurePrivateDir(ctx.variantDir);
    phase('boot');
    server = target.launch ? await target.launch(stop.signal) : await startServer({
      entry: target.entry,
      // A server that runs out of heap leaves its last heap in the variant's private dir.
      nodeArgs: [...nearLimitSnapshotArgs(ctx.variantDir), ...(target.nodeArgs ?? []), ...trackFlag],
      ...(target.env ? { env: target.env } : {}),
      ...(ctx.probe?.startTimeoutMs !== undefined ? { startTimeoutMs: ctx.probe.startTimeoutMs } : {}),
      signal: stop.signal,
    });
    const liveServer = server;
    void liveServer.exited.then((exit) => {
      if (!exit.killedByHarness) stop.abort(new LeakbenchError('E_SERVER_CRASHED', 'server exited during the run'));
    });
    // The heap reached its limit: Node wrote its near-limit snapshot, and V8 raised the limit to
    // let it. Whether the server then dies at once or runs on (for minutes, until the raised limit)
    // depends on V8's collections of the moment; ending the run here gives the same outcome either
    // way, at the limit the user set.
    void liveServer.nearLimitSnapshotWritten?.then(() => {
      if (stop.signal.aborted) return;
      limitReached = { tMs: loadStarted === 0 ? 0 : Math.round(performance.now() - loadStarted), requests: loadDriver?.requests ?? 0 };
      stop.abort(new LeakbenchError('E_SERVER_CRASHED', 'server reached its V8 heap limit'));
      void liveServer.kill();
    });
    if (stop.signal.aborted) throw stop.signal.reason;
    session = await InspectorSession.connect(liveServer.inspectorUrl!);
    const liveSession = session;

    loadDriver = createLoadDriver(ctx, liveServer.baseUrl, keyLedger);
    const driver = loadDriver;
    const samplerCtx: SamplerContext = {
      session: liveSession,
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
    let lastTick: { at: number; requests: number } | undefined;

    // One segment of load. It ends with a forced-GC sample taken while the load still runs, so
    // every regression point sees the same state (in-flight requests, open sockets): measured
    // here, an idle after-GC sample sits ~0.5 MB below an under-load one on a Fastify server,
    // which would otherwise swamp a small slope.
    const segment = async (p: RunPhase, durationMs: number, gcEvery: number | undefined): Promise<MemorySample> => {
      currentPhase = p;
      phase(p);
      if (loadStarted === 0) loadStarted = performance.now();
      lastTick = { at: performance.now(), requests: driver.requests };
      const running = driver.start(stop.signal);
      const sampler = new MemorySampler(samplerCtx, sampleIntervalMs, MemorySampler.evenGcSchedule(durationMs, gcEvery));
      let endSample: MemorySample | undefined;
      try {
        await abortableDelay(durationMs, stop.signal);
        await sampler.stop();
        if (!stop.signal.aborted) endSample = await MemorySampler.sampleOnce(samplerCtx, true);
      } finally {
        running.stop();
        await sampler.stop().catch(() => {});
        await running.done.catch((err: unknown) => {
          if (!stop.signal.aborted) throw err;
        });
      }
      if (stop.signal.aborted || !endSample) throw stop.signal.reason;
      return endSample;
    };

    const checkpoint = async (label: (typeof CHECKPOINTS)[number], index: number, at: MemorySample): Promise<void> => {
      currentPhase = 'snapshot';
      phase('snapshot', label);
      const file = path.join(ctx.variantDir, `${index + 1}-${label}.heapsnapshot`);
      const snap = await takeHeapSnapshot(liveSession, file);
      snapshotPauseMs += snap.durationMs;
      snapshots.push({
        label,
        path: path.relative(ctx.cwd ?? process.cwd(), snap.path),
        tMs: at.tMs,
        requests: driver.requests,
        sizeBytes: snap.sizeBytes,
        durationMs: Math.round(snap.durationMs),
      });
      if (stop.signal.aborted) throw stop.signal.reason;
    };

    const firstHalfMs = (plan.durationSec * 1000) / 2;
    const baseline = await segment('warmup', plan.warmupSec * 1000, undefined);
    if (plan.warmupSec > 0) checkServerAnswers(driver.summary(snapshotPauseMs), liveServer.baseUrl);
    // Before the baseline: every object the diff counts as new is then allocated while recording.
    allocationInfo = await startAllocationRecording(liveSession, allocation, ctx.probe?.samplingIntervalBytes, ctx.probe?.trackingRoute !== 'inspector');
    await checkpoint('baseline', 0, baseline);
    await checkpoint('middle', 1, await segment('load', firstHalfMs, gcSampleIntervalMs));
    await checkpoint('final', 2, await segment('load', plan.durationSec * 1000 - firstHalfMs, gcSampleIntervalMs));
    samplingProfile = await finishAllocationRecording(liveSession, allocationInfo, path.join(ctx.variantDir, 'allocation-sampling.json'));
    bufferScan = await scanBuffersForSecrets(liveSession, keyLedger.snapshot());

    currentPhase = 'analysis';
    phase('analysis');
    // The regression starts at the end of warm-up: JIT and first-touch allocations are behind us.
    const trend = growthTrend(samples.filter((s) => s.afterGc && s.tMs >= baseline.tMs));
    // The server is no longer needed: stop it before the CPU-heavy snapshot analysis.
    await session.close().catch(() => {});
    await liveServer.kill();
    const evidence = await analyzeRunSnapshots(
      snapshots.map((s) => path.resolve(ctx.cwd ?? process.cwd(), s.path ?? '')),
      snapshots.map((s) => s.requests),
      { cwd: ctx.cwd ?? process.cwd(), ...(samplingProfile ? { samplingProfile } : {}) },
      { secrets: keyLedger.snapshot(), buffers: bufferScan, labels: snapshots.map((s) => s.label) },
    );
    const decided = decideVerdict(evidence, trend);
    // A Ctrl-C during the analysis still ends as `interrupted`, as at every other phase.
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    return finish({
      ...base(),
      ...decided,
      statistic: trend.statistic,
      ...(evidence.state === 'analyzed' && evidence.result.keyResidency ? { keyResidency: evidence.result.keyResidency } : {}),
    });
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
      // Out of heap under the load: memory grew to the V8 heap limit, which confirms a leak; the
      // snapshot Node wrote near the limit extends the run's sequence for the leak finder.
      const nearLimit = end.crash.heapLimit
        ? await collectNearLimitSnapshot({
            variantDir: ctx.variantDir,
            earlier: snapshots,
            cwd: ctx.cwd ?? process.cwd(),
            requests: limitReached?.requests ?? loadDriver?.requests ?? 0,
            tMs: limitReached?.tMs ?? (loadStarted === 0 ? 0 : Math.round(performance.now() - loadStarted)),
          })
        : undefined;
      if (nearLimit?.snapshot) snapshots.push(nearLimit.snapshot);
      const found = nearLimit?.analysis;
      return finish({
        ...base(),
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
    await session?.close().catch(() => {});
    await server?.kill();
  }

  function finish(run: VariantRun): VariantRun {
    phase('done');
    return run;
  }
}

/** The load driver of a run: the plan's shape, keys minted with the run's secret, the target's path and key header. */
export function createLoadDriver(ctx: Pick<VariantContext, 'target' | 'load' | 'secret'>, baseUrl: string, ledger?: KeyLedger): LoadDriver {
  const { target, load: plan } = ctx;
  return new LoadDriver({
    ...(ledger ? { ledger } : {}),
    baseUrl,
    connections: plan.connections,
    rate: plan.rate,
    nextRequest: renameKeyHeader(
      createRequestMix({
        keys: plan.keys,
        invalidRatio: plan.invalidRatio,
        postRatio: plan.postRatio,
        secret: ctx.secret,
        ...(target.requestPath ? { path: target.requestPath } : {}),
      }),
      target.keyHeader,
      target.keyTemplate,
    ),
  });
}

/** Runs the snapshot diff; its failure is evidence too (the trend then decides), never a crash. */
async function analyzeRunSnapshots(
  files: string[],
  requestsAtSnapshot: number[],
  allocationSites: AllocationSiteOptions = {},
  keyResidency?: AnalyzeOptions['keyResidency'],
): Promise<SnapshotEvidence> {
  try {
    return { state: 'analyzed', result: await analyzeSnapshots(files, { requestsAtSnapshot, allocationSites, ...(keyResidency ? { keyResidency } : {}) }) };
  } catch (err) {
    if (!isLeakbenchError(err)) throw err;
    return { state: 'errored', error: { code: err.code, message: err.message } };
  }
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
