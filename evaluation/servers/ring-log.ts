/**
 * Control, not a leak: a hand-written ring buffer of the last 120,000 request records. Its slots
 * array is allocated once at its full capacity; the evaluation's ~32,000 requests fill it only in
 * part, so it grows at every step but is bounded by its fixed array.
 */
import { serve } from './serve.js';

class RecentRequests {
  readonly slots: Array<{ atMs: number; keyId: string; path: string } | undefined>;
  next = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(capacity).fill(undefined);
  }

  add(record: { atMs: number; keyId: string; path: string }): void {
    this.slots[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
  }
}

const recent = new RecentRequests(120_000);

serve(({ keyId, path }) => {
  recent.add({ atMs: Date.now(), keyId, path });
  return { ok: true };
});
