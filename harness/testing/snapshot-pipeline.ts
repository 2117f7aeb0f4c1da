/**
 * The analysis of a measurement, overlapped with the measurement: a worker thread
 * (analysis-worker.ts) reads each snapshot as soon as it is written, while this thread runs the next
 * round and takes the next snapshot, so when the last snapshot is written only that one remains to
 * be read before the leak finder runs. Reading a snapshot costs about as much CPU as taking it
 * (a test worker's heap: ~13 MB of snapshot), so on two CPUs this takes the reading of all but the
 * last snapshot off the assertion's time.
 *
 * The worker is started before the measurement's baseline and posts nothing until asked for its
 * answer, after the last snapshot: the measured heap holds its handle at every snapshot, and
 * never a message of it.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { SamplingHeapProfile } from '../analysis/allocation-sites.js';
import { SourceMapResolver } from '../analysis/source-map-resolver.js';
import type { AnalysisResult, AnalysisThresholds, AnalyzeOptions } from '../analysis/types.js';
import { LeakbenchError, type ErrorCode } from '../errors.js';
import { startWorker, workerScript } from '../heap/worker-script.js';
import type { AnalysisWorkerAnswer, AnalysisWorkerData, AnalysisWorkerRequest } from './analysis-worker.js';

/** What the leak finder needs besides the snapshots. */
export interface PipelineAnalyzeOptions {
  requestsAtSnapshot: number[];
  thresholds: Partial<AnalysisThresholds>;
  allocationSites: false | { sourceMaps: Iterable<[string, string]>; samplingProfile?: SamplingHeapProfile };
}

/**
 * The leak finder's `allocationSites` option from the inline source maps and the sampling profile
 * of a measurement (`false`: none), for the worker and for the fallback on this thread alike.
 */
export function allocationSitesOption(sites: PipelineAnalyzeOptions['allocationSites']): NonNullable<AnalyzeOptions['allocationSites']> {
  if (sites === false) return false;
  const resolver = new SourceMapResolver();
  for (const [url, map] of sites.sourceMaps) resolver.useSourceMap(url, map);
  return sites.samplingProfile === undefined ? { resolver } : { resolver, samplingProfile: sites.samplingProfile };
}

/** A running worker reading a measurement's snapshots. */
export class SnapshotPipeline {
  private failed: Error | undefined;
  private answer: ((a: AnalysisWorkerAnswer | undefined) => void) | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (a: AnalysisWorkerAnswer) => this.answer?.(a));
    worker.on('error', (err) => {
      this.failed = err;
      this.answer?.(undefined);
    });
    worker.on('exit', () => {
      this.failed ??= new Error('analysis worker exited');
      this.answer?.(undefined);
    });
  }

  /**
   * Starts the worker for a measurement of `snapshots` snapshots; undefined with one CPU (nothing
   * to overlap), without a compiled worker script, or when the thread cannot start: the caller
   * then analyses the files itself, after the measurement.
   */
  static start(snapshots: number): SnapshotPipeline | undefined {
    if (availableParallelism() < 2) return undefined;
    const script = workerScript(import.meta.url, 'analysis-worker');
    if (script === undefined) return undefined;
    try {
      const data: AnalysisWorkerData = { snapshots };
      return new SnapshotPipeline(startWorker(script, data));
    } catch {
      return undefined;
    }
  }

  /** Snapshot `index` is written to `path`: the worker reads it now. */
  written(index: number, path: string): void {
    this.post({ type: 'snapshot', index, path });
  }

  /**
   * The leak finder's result once the worker has read every snapshot; undefined when the worker
   * failed for a reason of its own (the caller then analyses the files itself).
   * @throws LeakbenchError as `analyzeSnapshots` does for a snapshot it cannot read.
   */
  async analyze(options: PipelineAnalyzeOptions): Promise<AnalysisResult | undefined> {
    if (this.failed !== undefined) return undefined;
    const answered = new Promise<AnalysisWorkerAnswer | undefined>((resolve) => (this.answer = resolve));
    const { allocationSites } = options;
    this.post({
      type: 'analyze',
      requestsAtSnapshot: options.requestsAtSnapshot,
      thresholds: options.thresholds,
      allocationSites:
        allocationSites === false
          ? false
          : { sourceMaps: [...allocationSites.sourceMaps], ...(allocationSites.samplingProfile ? { samplingProfile: allocationSites.samplingProfile } : {}) },
    });
    const a = await answered;
    if (a === undefined || (a.type === 'error' && a.code === 'E_INTERNAL')) return undefined;
    if (a.type === 'error') throw new LeakbenchError(a.code as ErrorCode, a.message);
    return a.result;
  }

  /** Ends the worker. */
  stop(): void {
    this.worker.removeAllListeners();
    this.worker.on('error', () => undefined);
    void this.worker.terminate();
  }

  private post(m: AnalysisWorkerRequest): void {
    if (this.failed === undefined) this.worker.postMessage(m);
  }
}
