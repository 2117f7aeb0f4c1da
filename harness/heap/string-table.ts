/**
 * A snapshot's string table, decoded on demand. A server's heap holds hundreds of thousands of
 * strings (API keys, URLs, header values) and analysis reads few of them: class names, property
 * names on retainer paths, a handful of special names. So the parser keeps the `strings` section
 * as UTF-8 bytes with the byte span of each string and a JS string is made only when one is
 * asked for (then cached). That saves the decoding and the garbage-collector work of creating
 * every string at load time, and the bytes take less memory than the strings would.
 *
 * Strings written with JSON escapes (rare: control characters, quotes, backslashes) are decoded
 * while parsing, so an invalid escape is still a parse error with its byte offset.
 */

/** The strings of one snapshot, by index. */
export class StringTable {
  /** Number of strings. */
  readonly length: number;
  private readonly bytes: Buffer;
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly cache: Array<string | undefined>;
  /** Indexes of strings decoded while parsing (their byte span is empty). */
  private readonly escaped: readonly number[];

  /**
   * @param bytes UTF-8 bytes holding every string's body
   * @param starts byte offset where string i begins, `length` entries at least
   * @param ends byte offset where string i ends (exclusive)
   * @param decoded strings decoded while parsing (JSON escapes), by index
   */
  constructor(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, length: number, decoded: ReadonlyMap<number, string> = new Map()) {
    this.length = length;
    this.bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.starts = starts;
    this.ends = ends;
    this.cache = new Array<string | undefined>(length);
    for (const [i, s] of decoded) this.cache[i] = s;
    this.escaped = [...decoded.keys()];
  }

  /** String `i`, or undefined past the end. */
  get(i: number): string | undefined {
    const known = this.cache[i];
    if (known !== undefined) return known;
    if (!(i >= 0 && i < this.length)) return undefined;
    const s = this.bytes.toString('utf8', this.starts[i]!, this.ends[i]!);
    this.cache[i] = s;
    return s;
  }

  /** `get(i) === value`, comparing bytes when string `i` was not decoded yet. */
  equals(i: number, value: string): boolean {
    const known = this.cache[i];
    if (known !== undefined) return known === value;
    if (!(i >= 0 && i < this.length)) return false;
    const s = this.starts[i]!;
    const n = this.ends[i]! - s;
    // A UTF-8 string of n bytes has between n/3 and n UTF-16 code units: most strings are ruled
    // out on length alone.
    if (value.length > n || 3 * value.length < n) return false;
    let encoded = this.encoded.get(value);
    if (encoded === undefined) {
      encoded = Buffer.from(value, 'utf8');
      if (this.encoded.size < 64) this.encoded.set(value, encoded);
    }
    return encoded.length === n && this.bytes.compare(encoded, 0, n, s, s + n) === 0;
  }

  /** UTF-8 forms of the values {@link equals} compares against (a handful of constant names). */
  private readonly encoded = new Map<string, Buffer>();

  /**
   * Indexes of every string equal to `value` (compares bytes; decodes nothing). Results are
   * kept: the graph passes ask for the same few names.
   */
  indexesOf(value: string): Set<number> {
    let found = this.found.get(value);
    if (found === undefined) {
      this.findAll([value]);
      found = this.found.get(value)!;
    }
    return found;
  }

  /**
   * Finds every occurrence of several values in one pass over the table and keeps the results for
   * {@link indexesOf}; with `digitsThen`, the same pass also keeps the indexes of the strings that
   * are ASCII digits followed by it (see {@link digitsThenIndexes}). The loop reads bytes only and
   * compares a string with the values (out of line) only when its length is one of theirs, so V8
   * compiles it small and fast (it runs once per graph, cold).
   */
  findAll(values: readonly string[], digitsThen?: string): void {
    const wanted = values.filter((v) => !this.found.has(v));
    const prefixKey = digitsThen !== undefined && !this.digitsFound.has(digitsThen) ? digitsThen : undefined;
    if (wanted.length === 0 && prefixKey === undefined) return;
    // The wanted values as UTF-8, and per byte length the first value of that length.
    const encoded = wanted.map((v) => Buffer.from(v, 'utf8'));
    const out = wanted.map(() => new Set<number>());
    const maxLength = encoded.reduce((m, b) => Math.max(m, b.length), 0);
    const byLength = new Int32Array(maxLength + 1).fill(-1);
    for (let w = encoded.length - 1; w >= 0; w--) byLength[encoded[w]!.length] = w;
    const prefix = prefixKey === undefined ? new Uint8Array(0) : Buffer.from(prefixKey, 'utf8');
    const prefixLength = prefixKey === undefined ? -1 : prefix.length;
    const digitHits: number[] = [];
    const { bytes, starts, ends } = this;
    for (let i = 0, n = this.length; i < n; i++) {
      const s = starts[i]!;
      const len = ends[i]! - s;
      if (len === 0) continue; // decoded while parsing (or ""): compared as strings below
      const c = bytes[s]!;
      if (c <= 57 && c >= 48 && len > prefixLength && prefixLength > 0) {
        let p = s + 1;
        const e = ends[i]!;
        while (p < e && bytes[p]! <= 57 && bytes[p]! >= 48) p++;
        if (e - p >= prefixLength) {
          let k = 0;
          while (k < prefixLength && bytes[p + k] === prefix[k]) k++;
          if (k === prefixLength) digitHits.push(i);
        }
      }
      if (len <= maxLength && byLength[len]! >= 0) matchValues(bytes, s, len, i, encoded, byLength[len]!, out);
    }
    for (const i of this.escaped) {
      const decoded = this.cache[i]!;
      for (let w = 0; w < wanted.length; w++) if (decoded === wanted[w]) out[w]!.add(i);
      if (prefixKey !== undefined && /^\d+/.test(decoded) && decoded.replace(/^\d+/, '').startsWith(prefixKey)) digitHits.push(i);
    }
    // "" has an empty span too (escapes never decode to "").
    const empty = wanted.indexOf('');
    if (empty >= 0) for (let i = 0; i < this.length; i++) if (starts[i] === ends[i] && (this.cache[i] ?? '') === '') out[empty]!.add(i);
    for (let w = 0; w < wanted.length; w++) this.found.set(wanted[w]!, out[w]!);
    if (prefixKey !== undefined) this.digitsFound.set(prefixKey, digitHits.sort((a, b) => a - b));
  }

  /**
   * Indexes (ascending) of every string that is one or more ASCII digits followed by `next`: V8
   * names the edges of WeakMap entries this way (`12 / part of key (…)`). Results are kept.
   */
  digitsThenIndexes(next: string): readonly number[] {
    if (!this.digitsFound.has(next)) this.findAll([], next);
    return this.digitsFound.get(next)!;
  }

  private readonly digitsFound = new Map<string, number[]>();
  private readonly found = new Map<string, Set<number>>();

  /** The table's parts, for moving it to another thread (the buffers can be transferred). */
  parts(): StringTableParts {
    const decoded: Array<[number, string]> = [];
    for (const i of this.escaped) decoded.push([i, this.cache[i]!]);
    return { bytes: this.bytes, starts: this.starts, ends: this.ends, length: this.length, decoded };
  }

  /** The table {@link parts} describes. */
  static fromParts(p: StringTableParts): StringTable {
    return new StringTable(p.bytes, p.starts, p.ends, p.length, new Map(p.decoded));
  }
}

/**
 * The slow part of {@link StringTable.findAll}, out of its loop: compares the `len` bytes at `s`
 * with each wanted value of that length (from index `first` on) and records string `i` in `out`.
 */
function matchValues(bytes: Buffer, s: number, len: number, i: number, encoded: Buffer[], first: number, out: Array<Set<number>>): void {
  for (let w = first; w < encoded.length; w++) {
    const value = encoded[w]!;
    if (value.length !== len) continue;
    let k = 0;
    while (k < len && bytes[s + k] === value[k]) k++;
    if (k === len) out[w]!.add(i);
  }
}

/** A {@link StringTable} as plain data. */
export interface StringTableParts {
  bytes: Uint8Array;
  starts: Uint32Array;
  ends: Uint32Array;
  length: number;
  decoded: Array<[number, string]>;
}

/** Collects string bodies as the parser meets them: byte regions appended, spans recorded. */
export class StringTableBuilder {
  private bytes = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private starts = new Uint32Array(1 << 14);
  private ends = new Uint32Array(1 << 14);
  private count = 0;
  private readonly decoded = new Map<number, string>();

  /** Number of strings added so far. */
  get length(): number {
    return this.count;
  }

  /** Where the next appended region will start in the table's bytes. */
  get byteLength(): number {
    return this.used;
  }

  /** Appends raw bytes (a region of the section holding string bodies); spans refer into them. */
  appendBytes(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.used + n > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < this.used + n) size *= 2;
      const bigger = Buffer.allocUnsafe(size);
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.bytes.set(src.subarray(from, to), this.used);
    this.used += n;
  }

  /** Records string `length` as the bytes [start, end) of the table (offsets from {@link byteLength}). */
  addSpan(start: number, end: number): void {
    if (this.count === this.starts.length) this.grow();
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  /**
   * For a writer of many spans at once: the span arrays, with room for at least one more span
   * from index {@link length} on (their length is the room); then {@link setSpanCount}.
   */
  spanArrays(): { starts: Uint32Array; ends: Uint32Array } {
    if (this.count === this.starts.length) this.grow();
    return { starts: this.starts, ends: this.ends };
  }

  /** The writer of {@link spanArrays} filled the spans below `count`. */
  setSpanCount(count: number): void {
    this.count = count;
  }

  /** Records a string already decoded (escapes resolved); its span is empty. */
  addDecoded(s: string): void {
    this.decoded.set(this.count, s);
    this.addSpan(this.used, this.used);
  }

  /** The finished table (the builder must not be used afterwards). */
  finish(): StringTable {
    const n = this.count;
    return new StringTable(this.bytes.subarray(0, this.used), this.starts.subarray(0, n), this.ends.subarray(0, n), n, this.decoded);
  }

  private grow(): void {
    const s = new Uint32Array(this.starts.length * 2);
    s.set(this.starts);
    const e = new Uint32Array(this.ends.length * 2);
    e.set(this.ends);
    this.starts = s;
    this.ends = e;
  }
}
