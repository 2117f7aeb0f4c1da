/**
 * Finds known values (the credentials a run sent) inside many strings at once: a Rabin–Karp
 * rolling hash per distinct value length over each string's UTF-8 bytes (or a JS string's code
 * units), looked up in one open-addressing table per length and confirmed byte by byte. A pass
 * costs a few operations per byte whatever the number of values, so 100,000 keys are searched in
 * the strings of a 150 MB snapshot in the time of a few passes over its string bytes.
 *
 * Only what is searched for matters here; the caller decides what a hit means (which key, which
 * part). Values are ASCII in practice; a value with other characters is searched by its UTF-8
 * bytes in byte sources and by its code units in string sources.
 */

/** What a hit is: the value's index in the list given to the index, and where it starts. */
export type HitCallback = (valueIndex: number, offset: number) => void;

const BASE = 0x01000193;
/** Bits of the prefilter (2^20: 128 KiB; below 10 % full at 100,000 values). */
const FILTER_BITS = 20;

interface LengthTable {
  length: number;
  /** BASE^(length-1), to drop the outgoing character. */
  topPower: number;
  table: Int32Array;
  mask: number;
  /**
   * One bit per value of the hash's top bits: a window whose bit is clear holds no value. The
   * bitset (128 KiB) stays in cache where the table (8 bytes per value) does not, so most windows
   * cost no memory miss.
   */
  filter: Int32Array;
  /** Value indexes chained by equal hash slot (next[i] = next value index in the slot, -1 ends). */
  next: Int32Array;
}

function hashOf(units: Uint8Array, from: number, to: number): number {
  let h = 0;
  for (let k = from; k < to; k++) h = (Math.imul(h, BASE) + units[k]!) | 0;
  return h;
}

function power(length: number): number {
  let p = 1;
  for (let k = 1; k < length; k++) p = Math.imul(p, BASE);
  return p;
}

/** A searchable set of values. */
export class MaterialIndex {
  private readonly tables: LengthTable[] = [];
  /** Every value's UTF-8 bytes, one after the other: value i is `all[start[i], start[i + 1])`. */
  private readonly all: Buffer;
  private readonly start: Int32Array;
  /** Smallest value length (strings shorter than it are skipped). */
  readonly minLength: number;

  constructor(readonly values: readonly string[]) {
    // One buffer for all values (a Buffer each would be 100,000 objects for the GC).
    const joined = values.join('');
    const ascii = !/[^\x00-\x7f]/.test(joined);
    this.all = Buffer.from(joined, ascii ? 'latin1' : 'utf8');
    this.start = new Int32Array(values.length + 1);
    for (let i = 0, at = 0; i < values.length; i++) {
      at += ascii ? values[i]!.length : Buffer.byteLength(values[i]!);
      this.start[i + 1] = at;
    }
    const byLength = new Map<number, number[]>();
    for (let i = 0; i < values.length; i++) {
      const n = this.start[i + 1]! - this.start[i]!;
      if (n === 0) continue;
      let list = byLength.get(n);
      if (list === undefined) byLength.set(n, (list = []));
      list.push(i);
    }
    for (const [length, list] of byLength) {
      let size = 16;
      while (size < list.length * 2) size *= 2;
      const table = new Int32Array(size).fill(-1);
      const next = new Int32Array(values.length).fill(-1);
      const mask = size - 1;
      const filter = new Int32Array(1 << (FILTER_BITS - 5));
      for (const i of list) {
        const h = hashOf(this.all, this.start[i]!, this.start[i + 1]!);
        const slot = h & mask;
        next[i] = table[slot]!;
        table[slot] = i;
        const f = h >>> (32 - FILTER_BITS);
        filter[f >>> 5]! |= 1 << (f & 31);
      }
      this.tables.push({ length, topPower: power(length), table, mask, next, filter });
    }
    this.tables.sort((a, b) => a.length - b.length);
    this.minLength = this.tables[0]?.length ?? Infinity;
  }

  /** Calls `onHit` for every occurrence of a value in `bytes[start, end)` (offsets from `start`). */
  searchBytes(bytes: Uint8Array, start: number, end: number, onHit: HitCallback): void {
    for (const t of this.tables) {
      if (end - start < t.length) return; // tables are sorted by length
      searchBytesOfLength(bytes, start, end, t, this.all, this.start, onHit);
    }
  }

  /** Calls `onHit` for every occurrence of a value in `text` (offsets in UTF-16 code units). */
  searchString(text: string, onHit: HitCallback): void {
    for (const t of this.tables) {
      if (text.length < t.length) return;
      searchStringOfLength(text, t, this.values, onHit);
    }
  }
}

/** One length's pass over a byte range (a function of its own so V8 optimizes the loop once). */
function searchBytesOfLength(bytes: Uint8Array, start: number, end: number, t: LengthTable, all: Buffer, valueStart: Int32Array, onHit: HitCallback): void {
  const L = t.length;
  const { table, mask, next, topPower, filter } = t;
  let h = 0;
  for (let k = 0; k < L; k++) h = (Math.imul(h, BASE) + bytes[start + k]!) | 0;
  for (let p = start; ; p++) {
    const f = h >>> (32 - FILTER_BITS);
    let i = (filter[f >>> 5]! & (1 << (f & 31))) === 0 ? -1 : table[h & mask]!;
    while (i >= 0) {
      const v = valueStart[i]!;
      if (valueStart[i + 1]! - v === L) {
        let k = 0;
        while (k < L && bytes[p + k] === all[v + k]) k++;
        if (k === L) onHit(i, p - start);
      }
      i = next[i]!;
    }
    if (p + L >= end) return;
    h = (Math.imul(h - Math.imul(bytes[p]!, topPower), BASE) + bytes[p + L]!) | 0;
  }
}

/** One length's pass over a JS string (decoded strings: JSON escapes, reconstructed concatenations). */
function searchStringOfLength(text: string, t: LengthTable, values: readonly string[], onHit: HitCallback): void {
  const L = t.length;
  const { table, mask, next, topPower, filter } = t;
  let h = 0;
  for (let k = 0; k < L; k++) h = (Math.imul(h, BASE) + text.charCodeAt(k)) | 0;
  for (let p = 0; ; p++) {
    const f = h >>> (32 - FILTER_BITS);
    let i = (filter[f >>> 5]! & (1 << (f & 31))) === 0 ? -1 : table[h & mask]!;
    while (i >= 0) {
      if (values[i]!.length === L && text.startsWith(values[i]!, p)) onHit(i, p);
      i = next[i]!;
    }
    if (p + L >= text.length) return;
    h = (Math.imul(h - Math.imul(text.charCodeAt(p), topPower), BASE) + text.charCodeAt(p + L)) | 0;
  }
}
