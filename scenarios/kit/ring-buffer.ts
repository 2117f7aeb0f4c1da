/**
 * A fixed-capacity ring buffer: pushing into a full buffer overwrites the oldest item and counts
 * it as dropped. Memory is bounded by construction (one preallocated slot array), which is what
 * an in-process audit or metrics buffer needs under unbounded traffic.
 */
export class RingBuffer<T> {
  readonly capacity: number;
  private readonly slots: (T | undefined)[];
  /** Index of the oldest item. */
  private head = 0;
  private count = 0;
  /** Items overwritten before anyone drained them. */
  dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Items currently held. */
  get size(): number {
    return this.count;
  }

  /** Appends `item`, overwriting the oldest one when full. */
  push(item: T): void {
    const tail = (this.head + this.count) % this.capacity;
    this.slots[tail] = item;
    if (this.count < this.capacity) {
      this.count++;
    } else {
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    }
  }

  /** Removes and returns every item, oldest first; the slots are cleared so nothing stays reachable. */
  drain(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % this.capacity;
      out.push(this.slots[at] as T);
      this.slots[at] = undefined;
    }
    this.head = 0;
    this.count = 0;
    return out;
  }
}
