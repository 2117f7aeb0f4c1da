/**
 * A pool of node-sized `Uint32Array`s shared by the analysis passes. Each pass (shallow sizes,
 * distances, page ownership, Lengauer–Tarjan, class aggregates) needs a few n-sized temporaries;
 * taking them from one pool makes peak memory the largest single pass instead of the sum of all
 * passes (dead typed arrays are only returned to the OS when V8 happens to collect them).
 */
export class ScratchPool {
  private readonly free: Uint32Array[] = [];

  /** @param length length of every array in the pool (nodeCount + 1 for the graph passes) */
  constructor(readonly length: number) {}

  /** A zero-filled array of `length` entries. */
  take(): Uint32Array {
    const a = this.free.pop();
    if (a === undefined) return new Uint32Array(this.length);
    a.fill(0);
    return a;
  }

  /** Returns arrays to the pool; the caller must not use them afterwards. */
  give(...arrays: Uint32Array[]): void {
    for (const a of arrays) if (a.length === this.length) this.free.push(a);
  }
}
