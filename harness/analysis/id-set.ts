/**
 * A set of V8 node ids (uint32) as an open-addressing hash table on a `Uint32Array`: the baseline
 * snapshot's ids, asked once per node of every later snapshot. A JS `Set<number>` of a million ids
 * costs ~40 MB and is several times slower to probe; this costs 8 bytes per id.
 */
export class IdSet {
  private readonly table: Uint32Array;
  private readonly mask: number;
  private zeroPresent = false;
  private count = 0;

  /** @param capacity how many ids will be added (the table is sized to stay under half full). */
  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Uint32Array(size);
    this.mask = size - 1;
  }

  /** Number of distinct ids added. */
  get size(): number {
    return this.count;
  }

  /** Adds an id (0 is allowed; it is kept aside because 0 marks an empty slot). */
  add(id: number): void {
    if (id === 0) {
      if (!this.zeroPresent) this.count++;
      this.zeroPresent = true;
      return;
    }
    let slot = hashId(id) & this.mask;
    for (;;) {
      const held = this.table[slot]!;
      if (held === id) return;
      if (held === 0) {
        this.table[slot] = id;
        this.count++;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** True when `id` was added. */
  has(id: number): boolean {
    if (id === 0) return this.zeroPresent;
    let slot = hashId(id) & this.mask;
    for (;;) {
      const held = this.table[slot]!;
      if (held === id) return true;
      if (held === 0) return false;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** Multiplicative (Fibonacci) hashing; V8 ids step by 2, so the low bit alone would halve the table. */
function hashId(id: number): number {
  return Math.imul(id >>> 0, 0x9e3779b1) >>> 7;
}
