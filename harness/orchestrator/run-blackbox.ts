/**
 * Black-box mode of `leakbench run --cmd`: a server with no V8 inspector (not Node, or Node that
 * announced none). Without the inspector there is no forced GC and no heap snapshot, so the only
 * signal is the resident memory (RSS) of the server's process group, read from `/proc`:
 *
 *   (booted by the caller) → warm-up load → measured load, sampling RSS → growth verdict → kill
 *
 * The verdict is the same growth-trend statistic the heap runs use (OLS of memory on requests with
 * a 95% CI, a plateau test on the later half), fed with RSS. RSS includes allocator slack and
 * never shrinks after a GC, so it answers "does memory grow with traffic" and nothing about what
 * grows: the pattern is always `unknown`.
 */
import path from 'node:path';
import { growthTrend } from '../analysis/growth-trend.js';
import { isLeakbenchError, LeakbenchError } from '../errors.js';
import { processGroupRssBytes } from '../server/process-memory.js';
import type { ServerHandle } from '../server/start-server.js';
import type { MemorySample, RunPhase, VariantRun } from '../types.js';
import { checkServerAnswers } from './check-server-answers.js';
import { collectNearLimitSnapshot, describeServerEnd } from './crash-evidence.js';
import { createLoadDriver, type VariantContext } from './run-variant.js';
import { combineSitesWithTrend, siteFindings } from '../native/native-sites.js';
import type { SiteEvidenceProbe } from './native-evidence.js';

/**
 * Measures an already started, inspector-less server; kills it before returning. With `sites`
 * (`--native`: heaptrack or tracemalloc), the load is split in two halves around the baseline,
 * middle and final marks, RSS is the server process's own, and the allocation sites that grew
 * at every step become the findings (see native-evidence.ts).
 */
export async function runBlackBox(ctx: VariantContext, server: ServerHandle, sites?: SiteEvidenceProbe): Promise<VariantRun> {
  const { target, load: plan } = ctx;
  const cwd = ctx.cwd ?? process.cwd();
  const intervalMs = ctx.probe?.sampleIntervalMs ?? 500;
  const emit = ctx.onProgress ?? (() => {});
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let currentPhase: RunPhase = 'warmup';
  const phase = (p: RunPhase): void => {
    currentPhase = p;
    emit({ kind: 'phase', variant: target.variant, phase: p, elapsedMs: elapsed() });
  };
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort(ctx.signal?.reason);
  if (ctx.signal?.aborted) onOuterAbort();
  else ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let exitExpected = false;
  void server.exited.then((exit) => {
    if (!exit.killedByHarness && !exitExpected) stop.abort(new LeakbenchError('E_SERVER_CRASHED', 'server exited during the run'));
  });
  // A Node server run black-box still writes its near-heap-limit snapshot: the run ends there, as
  // in runVariant (V8 raised the limit to write it, and the server might otherwise run on).
  let limitReached = false;
  void server.nearLimitSnapshotWritten?.then(() => {
    if (stop.signal.aborted) return;
    limitReached = true;
    stop.abort(new LeakbenchError('E_SERVER_CRASHED', 'server reached its V8 heap limit'));
    void server.kill();
  });

  const samples: MemorySample[] = [];
  let loadStarted = 0;
  const driver = createLoadDriver(ctx, server.baseUrl);
  const base = (): Omit<VariantRun, 'verdict' | 'pattern' | 'bytesPerRequest' | 'reason'> => ({
    variant: target.variant,
    requests: driver.requests,
    durationMs: Math.round(driver.loadDurationMs),
    findings: [],
    dir: path.relative(cwd, ctx.variantDir) || '.',
    samples,
    snapshots: [],
    load: driver.summary(0),
    command: target.command ?? server.command,
  });
  let lastTick = { at: performance.now(), requests: 0 };
  const sample = (): void => {
    const rssBytes = sites ? sites.rssBytes() : processGroupRssBytes(server.pid);
    if (rssBytes === 0) return;
    const now = performance.now();
    const requestsPerSec = now > lastTick.at ? Math.max(0, Math.round(((driver.requests - lastTick.requests) * 1000) / (now - lastTick.at))) : 0;
    lastTick = { at: now, requests: driver.requests };
    samples.push({
      tMs: Math.round(performance.now() - loadStarted),
      requests: driver.requests,
      heapUsedBytes: 0,
      heapTotalBytes: 0,
      externalBytes: 0,
      arrayBuffersBytes: 0,
      rssBytes,
      afterGc: false,
    });
    emit({
      kind: 'tick',
      variant: target.variant,
      phase: currentPhase,
      elapsedMs: elapsed(),
      requests: driver.requests,
      requestsPerSec,
      heapUsedBytes: 0,
      externalBytes: 0,
      rssBytes,
    });
  };
  const segment = async (p: RunPhase, durationMs: number): Promise<void> => {
    phase(p);
    if (loadStarted === 0) loadStarted = performance.now();
    const running = driver.start(stop.signal);
    const timer = setInterval(sample, intervalMs);
    try {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, durationMs);
        stop.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
      if (!stop.signal.aborted) sample();
    } finally {
      clearInterval(timer);
      running.stop();
      await running.done.catch((err: unknown) => {
        if (!stop.signal.aborted) throw err;
      });
    }
    if (stop.signal.aborted) throw stop.signal.reason;
  };

  try {
    await segment('warmup', plan.warmupSec * 1000);
    checkServerAnswers(driver.summary(0), server.baseUrl);
    const warmupEnd = samples.length;
    const requestsAtInstants: number[] = [];
    if (sites) {
      await sites.mark('baseline');
      requestsAtInstants.push(driver.requests);
      await segment('load', (plan.durationSec * 1000) / 2);
      await sites.mark('middle');
      requestsAtInstants.push(driver.requests);
      await segment('load', (plan.durationSec * 1000) / 2);
      await sites.mark('final');
      requestsAtInstants.push(driver.requests);
    } else {
      await segment('load', plan.durationSec * 1000);
    }
    phase('analysis');
    // No GC to force: every RSS sample after warm-up is a regression point.
    const points = samples.slice(warmupEnd).map((s) => ({ ...s, heapUsedBytes: s.rssBytes, afterGc: true }));
    const trend = growthTrend(points);
    const reason = trend.statistic.reason
      .replace('retained memory (heapUsed+external after GC)', 'RSS of the process tree')
      .replace(/outlying after-GC sample/, 'outlying sample');
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    if (sites) {
      exitExpected = true;
      let native;
      try {
        native = await sites.collect(requestsAtInstants);
      } catch (err) {
        if (!isLeakbenchError(err)) throw err;
        return finish({ ...base(), verdict: 'inconclusive', pattern: 'unknown', bytesPerRequest: 0, reason: `no allocation sites: ${err.message}`, error: { code: err.code, message: err.message } });
      }
      const combined = combineSitesWithTrend(native, trend);
      return finish({
        ...base(),
        findings: siteFindings(native),
        verdict: combined.verdict,
        pattern: 'unknown',
        bytesPerRequest: combined.bytesPerRequest,
        reason: `${sites.tool} + RSS of the server process: ${combined.reason}`,
        statistic: { ...trend.statistic, method: 'ols-rss', metric: 'rss (server process)', reason },
        native,
      });
    }
    return finish({
      ...base(),
      verdict: trend.verdict,
      pattern: 'unknown',
      bytesPerRequest: trend.statistic.bytesPerRequest,
      reason: `black-box (no inspector, RSS only): ${reason}`,
      statistic: { ...trend.statistic, method: 'ols-rss', metric: 'rss (process group)', reason },
    });
  } catch (err) {
    const exit = await Promise.race([server.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 200))]);
    if (ctx.signal?.aborted) {
      return finish({ ...base(), verdict: 'interrupted', pattern: 'unknown', bytesPerRequest: 0, reason: `interrupted during ${currentPhase}; the server was stopped` });
    }
    const ended = limitReached ? await server.kill() : exit && !exit.killedByHarness ? exit : undefined;
    if (ended) {
      const end = describeServerEnd(ended, limitReached, currentPhase);
      // A Node server writes its near-limit snapshot in black-box mode too: kept private, referenced.
      const nearLimit = end.crash.heapLimit
        ? await collectNearLimitSnapshot({ variantDir: ctx.variantDir, earlier: [], cwd, requests: driver.requests, tMs: loadStarted === 0 ? 0 : Math.round(performance.now() - loadStarted), blackBox: true })
        : undefined;
      const snapshot = nearLimit?.snapshot;
      return finish({
        ...base(),
        ...(snapshot ? { snapshots: [snapshot] } : {}),
        verdict: 'crashed',
        pattern: 'unknown',
        bytesPerRequest: 0,
        reason: end.reason + (snapshot && nearLimit ? `; ${nearLimit.note}` : ''),
        crash: { ...end.crash, ...(snapshot?.path ? { nearLimitSnapshot: snapshot.path, nearLimitAnalysis: nearLimit!.note } : {}) },
        error: end.error,
      });
    }
    if (isLeakbenchError(err)) {
      return finish({ ...base(), verdict: 'inconclusive', pattern: 'unknown', bytesPerRequest: 0, reason: `no verdict: ${err.message}`, error: { code: err.code, message: err.message } });
    }
    throw err;
  } finally {
    ctx.signal?.removeEventListener('abort', onOuterAbort);
    stop.abort();
    await server.kill();
  }

  function finish(run: VariantRun): VariantRun {
    emit({ kind: 'phase', variant: target.variant, phase: 'done', elapsedMs: elapsed() });
    return run;
  }
}
