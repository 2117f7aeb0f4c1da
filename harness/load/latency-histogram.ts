/**
 * A log-bucketed latency histogram: constant memory at any request rate, ~1% relative error on
 * percentiles (bucket i covers [g^i, g^(i+1)) microseconds with g = 1.02, the same idea as
 * HdrHistogram's logarithmic buckets). autocannon's own histogram is per instance; the run loop
 * drives several instances (one per load segment), so it keeps this one across all of them.
 */

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Up to ~g^1200 µs ≈ 2e10 µs: far beyond any request timeout. */
const BUCKETS = 1200;

/** Latencies in milliseconds, aggregated across load segments. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;

  /** Records one latency in milliseconds. */
  record(latencyMs: number): void {
    const micros = Math.max(1, latencyMs * 1000);
    const bucket = Math.min(BUCKETS - 1, Math.floor(Math.log(micros) / LOG_GROWTH));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total += 1;
  }

  /** Number of recorded latencies. */
  get count(): number {
    return this.total;
  }

  /** The latency at percentile `p` (0..100) in ms, the bucket's geometric middle; 0 when empty. */
  percentileMs(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return (GROWTH ** (i + 0.5)) / 1000;
    }
    return (GROWTH ** BUCKETS) / 1000;
  }
}
