/**
 * Samples the server's memory while load runs: a reading every `intervalMs` (default 500 ms) and,
 * at the given offsets, a forced full GC followed by a reading: the after-GC samples feed the
 * growth regression, the others show the live curve. The reading is pluggable (the inspector's
 * `process.memoryUsage()`, or RSS from /proc for a black-box server).
 *
 * One loop, one CDP command at a time: samples never pile up behind a slow server, and a stop
 * waits for the command in flight so nothing races the next heap snapshot.
 */
import type { MemoryUsage } from '../probe/heap-probe.js';
import type { LoadPhaseKind, MemorySample } from '../types.js';

/** What the sampler needs from its surroundings. */
export interface SamplerContext {
  /** Reads the server's memory, after a forced full GC when asked (undefined: no reading now). */
  read: (afterGc: boolean) => Promise<MemoryUsage | undefined>;
  /** The stretch of the run the samples belong to. */
  phase: () => LoadPhaseKind;
  /** Cumulative requests completed (the load driver's live counter). */
  requests: () => number;
  /** Milliseconds since the variant's load started. */
  elapsedMs: () => number;
  /** Receives every sample. */
  onSample: (sample: MemorySample) => void;
}

/** A running sampling loop; {@link MemorySampler.stop} ends it. */
export class MemorySampler {
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private failure: unknown;

  /**
   * @param intervalMs period of plain samples
   * @param gcAtMs offsets (ms from start) at which to force a GC before sampling instead
   */
  constructor(
    private readonly ctx: SamplerContext,
    private readonly intervalMs = 500,
    private readonly gcAtMs: readonly number[] = [],
  ) {
    this.loop = this.run().catch((err: unknown) => {
      this.failure = err;
    });
  }

  /**
   * Offsets for after-GC samples spread evenly over a segment of `segmentMs`, about `everyMs`
   * apart, excluding the segment's end (the run loop samples there itself). Even spacing matters:
   * the after-GC floor depends on how long ago the previous full GC ran (measured: two forced GCs
   * a few ms apart read ~0.2 MB lower than ones 2.5 s apart), so irregular gaps add noise.
   */
  static evenGcSchedule(segmentMs: number, everyMs: number | undefined): number[] {
    if (everyMs === undefined || everyMs <= 0) return [];
    const k = Math.max(1, Math.round(segmentMs / everyMs));
    return Array.from({ length: k - 1 }, (_, i) => (segmentMs * (i + 1)) / k);
  }

  /** Takes one sample now (optionally after a forced GC) and reports it. */
  static async sampleOnce(ctx: SamplerContext, afterGc: boolean): Promise<MemorySample | undefined> {
    const m = await ctx.read(afterGc);
    if (!m) return undefined;
    const sample: MemorySample = { tMs: Math.round(ctx.elapsedMs()), requests: ctx.requests(), ...m, afterGc, phase: ctx.phase() };
    ctx.onSample(sample);
    return sample;
  }

  /** Stops the loop and waits for the sample in flight; rethrows a sampling failure. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.failure) throw this.failure;
  }

  private async run(): Promise<void> {
    const started = performance.now();
    const gcTimes = this.gcAtMs.map((offset) => started + offset);
    let nextSampleAt = started + this.intervalMs;
    while (!this.stopped) {
      const nextGcAt = gcTimes[0] ?? Infinity;
      // A GC sample due before (or about at) the next plain sample replaces it.
      const gc = nextGcAt <= nextSampleAt + this.intervalMs / 2;
      await this.sleepUntil(gc ? nextGcAt : nextSampleAt);
      if (this.stopped) break;
      if (gc) gcTimes.shift();
      await MemorySampler.sampleOnce(this.ctx, gc);
      nextSampleAt = (gc ? nextGcAt : nextSampleAt) + this.intervalMs;
      // Fell behind (a slow GC): skip missed ticks instead of bursting.
      if (nextSampleAt < performance.now()) nextSampleAt = performance.now() + this.intervalMs;
    }
  }

  private sleepUntil(at: number): Promise<void> {
    const ms = at - performance.now();
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
