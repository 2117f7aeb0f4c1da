/**
 * Drives HTTP load at the server with autocannon, in-process, as a series of segments.
 *
 * The run loop pauses the load while it forces a GC and takes a heap snapshot (a snapshot stops
 * the server for seconds; requests queued behind it would time out and skew latency), so load runs
 * in segments, each its own autocannon instance. The driver keeps what must survive segments: the
 * cumulative request counter (live, from autocannon's `response` events, read by the memory
 * sampler), status counts, errors and one latency histogram.
 *
 * Requests are built per request with autocannon's `requests: [{ setupRequest }]`, so every request
 * can carry a freshly minted key (`setupClient` would set headers once per connection only).
 */
import { createRequire } from 'node:module';
import type autocannon from 'autocannon';

// autocannon (a CommonJS package) is loaded when the first segment starts, not when the CLI starts:
// it and its dependencies take ~0.14 s to load, which `analyze`, `inspect` or `--help` need not pay.
let autocannonFn: typeof autocannon | undefined;
function loadAutocannon(): typeof autocannon {
  autocannonFn ??= createRequire(import.meta.url)('autocannon') as typeof autocannon;
  return autocannonFn;
}
import { LeakbenchError } from '../errors.js';
import type { LoadSummary } from '../types.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { LoadRequest, RequestSource } from './request-source.js';

/** Options of a {@link LoadDriver}. */
export interface LoadDriverOptions {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  connections: number;
  /** Overall requests per second across all connections, or `max` (flat out). */
  rate: number | 'max';
  /** Produces each request (`createRequestMix`, or a workload's `next`). */
  nextRequest: () => LoadRequest;
  /** Hears each response (a workload capturing values from earlier answers). */
  onResponse?: RequestSource['onResponse'];
  /** The workload's endpoints, each with a source of only its requests (`--per-endpoint`). */
  endpoints?: Array<{ endpoint: string; source: RequestSource }>;
  /** Per-request timeout in seconds (default 10). */
  timeoutSec?: number;
  /** Told of every request built and every response received (the key-residency scan's ledger). */
  ledger?: { sent(req: LoadRequest): number; completed(token: number, requestsSoFar: number): void };
}

/** What one segment did. */
export interface SegmentResult {
  requests: number;
  durationMs: number;
  errors: number;
  timeouts: number;
}

/** A segment of load in progress. */
export interface RunningSegment {
  /** Resolves when the segment has stopped. */
  done: Promise<SegmentResult>;
  /** Asks autocannon to stop (it finishes within ~100 ms). */
  stop(): void;
}

/** Load across segments, with a live request counter. */
export class LoadDriver {
  private completed = 0;
  private errorCount = 0;
  private timeoutCount = 0;
  private activeMs = 0;
  private readonly statusCounts: Record<string, number> = {};
  private readonly latency = new LatencyHistogram();
  private running: autocannon.Instance | undefined;
  private runningSince: number | undefined;

  constructor(private readonly options: LoadDriverOptions) {}

  /** The workload's endpoints, each with a source of only its requests (none for the key mix). */
  get endpoints(): Array<{ endpoint: string; source: RequestSource }> | undefined {
    return this.options.endpoints;
  }

  /** Responses received so far, all segments together (live while a segment runs). */
  get requests(): number {
    return this.completed;
  }

  /** Time spent under load so far, ms (pauses excluded; a running segment counts so far). */
  get loadDurationMs(): number {
    return this.activeMs + (this.runningSince === undefined ? 0 : performance.now() - this.runningSince);
  }

  /**
   * Runs load for `durationMs`, or until `signal` aborts (then it stops early and resolves).
   * Rejects with `E_LOAD` when autocannon cannot start.
   */
  async runSegment(durationMs: number, signal?: AbortSignal, source?: RequestSource): Promise<SegmentResult> {
    const segment = this.start(signal, source);
    const timer = setTimeout(() => segment.stop(), durationMs);
    try {
      return await segment.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Starts load that runs until {@link RunningSegment.stop} (or `signal` aborts), so the caller can
   * act while load still runs — the run loop takes its last after-GC sample of a segment under
   * load, keeping every regression point in the same state (in-flight requests included).
   * `source` replaces the driver's requests for this segment only (a per-endpoint segment).
   */
  start(signal?: AbortSignal, source?: RequestSource): RunningSegment {
    if (this.running) throw new Error('a load segment is already running');
    const { baseUrl, connections, rate, ledger } = this.options;
    const nextRequest = source ? () => source.next() : this.options.nextRequest;
    const onResponse = source ? source.onResponse?.bind(source) : this.options.onResponse;
    const before = this.completed;
    const started = performance.now();
    const request: autocannon.Request = {
      setupRequest: (req, context) => {
        const next = nextRequest();
        // autocannon hands the same per-connection context to onResponse (one request in flight per
        // connection): the response finds its request, and the ledger its token, there.
        if (onResponse && context) (context as { sent?: LoadRequest }).sent = next;
        if (ledger && context) (context as Record<string, unknown>)['ledgerToken'] = ledger.sent(next);
        // A new object each time: autocannon reuses `req` as the template for the next request.
        return {
          ...req,
          method: next.method as autocannon.Request['method'],
          path: next.path,
          headers: { ...next.headers },
          body: next.body ?? '',
        };
      },
      ...(onResponse || ledger
        ? {
            onResponse: (status: number, body: string, context: object, headers?: Record<string, unknown>) => {
              if (ledger) ledger.completed(Number((context as Record<string, unknown>)['ledgerToken'] ?? 0), this.completed + 1);
              const sent = (context as { sent?: LoadRequest }).sent;
              if (onResponse && sent) onResponse(sent, status, body, lowerCaseKeys(headers));
            },
          }
        : {}),
    };
    let instance: autocannon.Instance | undefined;
    let startError: unknown;
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      try {
        instance = loadAutocannon()(
          {
            url: baseUrl,
            connections,
            ...(rate === 'max' ? {} : { overallRate: rate }),
            // Stopped by the caller; the duration is only a backstop.
            duration: 24 * 3600,
            // autocannon checks its stop flag on each sample tick: tick often so a stop is prompt.
            sampleInt: 100,
            timeout: this.options.timeoutSec ?? 10,
            requests: [request],
          },
          (err, result) => (err ? reject(err) : resolve(result)),
        );
      } catch (err) {
        startError = err;
        reject(err);
      }
    });
    const inst = instance;
    if (!inst) {
      void finished.catch(() => {});
      throw new LeakbenchError('E_LOAD', `load generator failed against ${baseUrl}: ${(startError as Error)?.message ?? 'no instance'}`, { cause: startError });
    }
    this.running = inst;
    this.runningSince = started;
    inst.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      this.completed += 1;
      const cls = `${Math.floor(statusCode / 100)}xx`;
      this.statusCounts[cls] = (this.statusCounts[cls] ?? 0) + 1;
      this.latency.record(responseTimeMs);
    });
    const stop = (): void => inst.stop();
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    const done = (async (): Promise<SegmentResult> => {
      let result: autocannon.Result;
      try {
        result = await finished;
      } catch (err) {
        throw new LeakbenchError('E_LOAD', `load generator failed against ${baseUrl}: ${(err as Error).message}`, { cause: err });
      } finally {
        signal?.removeEventListener('abort', stop);
        this.running = undefined;
        this.runningSince = undefined;
      }
      const elapsed = performance.now() - started;
      this.activeMs += elapsed;
      this.errorCount += result.errors;
      this.timeoutCount += result.timeouts;
      return { requests: this.completed - before, durationMs: elapsed, errors: result.errors, timeouts: result.timeouts };
    })();
    return { done, stop };
  }

  /** Stops a running segment now (it then resolves). */
  stop(): void {
    this.running?.stop();
  }

  /** The whole load as the report records it. */
  summary(snapshotPauseMs: number): LoadSummary {
    const seconds = this.activeMs / 1000;
    return {
      requests: this.completed,
      durationMs: Math.round(this.activeMs),
      requestsPerSec: seconds > 0 ? Math.round(this.completed / seconds) : 0,
      latencyP50Ms: round2(this.latency.percentileMs(50)),
      latencyP99Ms: round2(this.latency.percentileMs(99)),
      statusCounts: { ...this.statusCounts },
      errors: this.errorCount,
      timeouts: this.timeoutCount,
      snapshotPauseMs: Math.round(snapshotPauseMs),
    };
  }
}

function lowerCaseKeys(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
