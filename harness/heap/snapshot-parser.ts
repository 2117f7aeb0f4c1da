/**
 * A push parser for `.heapsnapshot` JSON: feed it chunks of bytes, get typed arrays back.
 *
 * Why hand-written: `JSON.parse` on a whole snapshot fails above V8's string limit (~512 MB) and
 * doubles memory; DevTools' `HeapSnapshotLoader` and memlab both tokenize incrementally for the
 * same reason. This parser goes further and never decodes the number sections to text at all: it
 * walks bytes, accumulates digits and writes each value straight into a per-field typed array
 * chosen from `snapshot.meta` (so field order and extra fields of any V8 version are honoured).
 * Only the `strings` section is decoded, one string at a time. Small sections (`snapshot`,
 * `trace_tree`) are captured as bytes and `JSON.parse`d on their own; `locations`, `samples` and
 * unknown sections are skipped.
 *
 * A number split across two chunks is carried in the parser's state; a string or key split across
 * chunks is carried as the few bytes from its opening quote. Every error is a `LeakbenchError`
 * with code `E_SNAPSHOT_PARSE` and the byte offset where the input stopped making sense.
 */
import { LeakbenchError } from '../errors.js';
import type { SnapshotMeta } from './types.js';
import { StringTableBuilder, type StringTable } from './string-table.js';

/** Everything the parser extracts, in flat arrays indexed by node / edge ordinal. */
export interface RawSnapshot {
  meta: SnapshotMeta;
  /** The `snapshot` header object as written (meta, counts, `root_index`, `extra_native_bytes`…). */
  header: Record<string, unknown>;
  nodeCount: number;
  edgeCount: number;
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  nodeId: Uint32Array;
  /**
   * Self sizes as written (before any DevTools-style shallow-size reassignment): 32-bit like
   * DevTools' own arrays, widened to float64 only if a size reaches 4 GiB.
   */
  selfSize: Uint32Array | Float64Array;
  /** nodeCount + 1 entries: holds each node's `edge_count`; the graph turns it into first-edge offsets. */
  firstEdge: Uint32Array;
  /** `trace_node_id` per node, or undefined when the snapshot has none (or all are 0). */
  traceNodeId: Uint32Array | undefined;
  /**
   * `detachedness` per node as written (0 unknown, 1 attached, 2 detached: the DOM state Chromium
   * records for embedder objects), or undefined when the snapshot has none (or all are 0).
   */
  detachedness: Uint8Array | undefined;
  edgeType: Uint8Array;
  /** String index for named edges, the index for `element`/`hidden` edges. */
  edgeName: Uint32Array;
  /** Target node ordinal (V8 writes the node array offset; divided by the node field count here). */
  edgeTo: Uint32Array;
  /**
   * nodeCount + 1 entries: how many edges point to each node, counted while parsing the edges
   * (the retainers index starts from them); undefined when the parser could not count them.
   */
  retainerCounts: Uint32Array | undefined;
  strings: StringTable;
  traceFunctionInfos: number[];
  traceTree: unknown;
  /** Bytes consumed. */
  totalBytes: number;
}

// Parser states.
const S_TOP_OPEN = 0;
const S_TOP_KEY = 1;
const S_TOP_COLON = 2;
const S_VALUE = 3;
const S_ARRAY_OPEN = 4;
const S_NUMBERS = 5;
const S_STRINGS = 6;
const S_CAPTURE = 7;
const S_AFTER_VALUE = 8;
const S_DONE = 9;
/** Skipping a number array nobody reads here (`locations`, `samples`, or the edges another thread parses). */
const S_SKIP_NUMBERS = 10;

// Which section a number array feeds.
const SEC_NODES = 1;
const SEC_EDGES = 2;
const SEC_OTHER_NUMBERS = 3;
const SEC_STRINGS = 4;
const SEC_SKIPPED_NUMBERS = 5;

// Roles of node fields.
const NF_SKIP = 0;
const NF_TYPE = 1;
const NF_NAME = 2;
const NF_ID = 3;
const NF_SELF = 4;
const NF_EDGE_COUNT = 5;
const NF_TRACE = 6;
const NF_DETACHED = 7;

// Roles of edge fields.
const EF_SKIP = 0;
const EF_TYPE = 1;
const EF_NAME = 2;
const EF_TO = 3;

const EMPTY = Buffer.alloc(0);
/** Where edges are counted by target when they cannot be (nothing is counted past its length). */
const NO_COUNTS = new Uint32Array(0);
/** The detachedness array of a layout without that field (never written). */
const NO_DETACHEDNESS = new Uint8Array(0);
/** No trace node ids yet (never written). */
const NO_TRACE = new Uint32Array(0);
/** Numbers tokenized per window (8 MiB of float64): bounds the parser's own memory. */
const MAX_WINDOW_VALUES = 1 << 20;
/** Longest string or key carried across chunks. */
const MAX_TOKEN_BYTES = 64 * 1024 * 1024;
/** Largest small section (`snapshot` header, `trace_tree`) held for `JSON.parse`. */
const MAX_CAPTURE_BYTES = 256 * 1024 * 1024;
const BYTE_QUOTE = 34;
const BYTE_COMMA = 44;
const BYTE_COLON = 58;
const BYTE_LBRACKET = 91;
const BYTE_BACKSLASH = 92;
const BYTE_RBRACKET = 93;
const BYTE_LBRACE = 123;
const BYTE_RBRACE = 125;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function parseError(offset: number, what: string): LeakbenchError {
  return new LeakbenchError('E_SNAPSHOT_PARSE', `heap snapshot unreadable at byte ${offset}: ${what}`);
}

function describeByte(c: number): string {
  return c >= 32 && c < 127 ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * How many bytes before a buffer's end the record fast paths below stop: a record of V8's
 * formatting spans at most ~80 bytes (seven numbers of up to ten digits and their separators),
 * so a record started earlier ends inside the buffer. Closer to the end, and for any record
 * that is not formatted the usual way, the careful state machine takes over.
 */
const FAST_STOP_BYTES = 128;

/** The fast paths' running values: ordinal, then the ranges they measure (and a flag). */
const fastState = new Float64Array(5);

/**
 * Fast path of {@link SnapshotParser.scanEdges} (the 12 MiB bench file's edges: 25 → 14 ms warm,
 * 48 → 37 ms cold, against a field-by-field loop): whole `type,name_or_index,to_node` records as V8 writes them
 * (fields parted by one comma; records by commas and newlines), from ordinal `fastState[0]` on.
 * Stops at the first record it cannot take whole — other whitespace, the closing bracket, a bad
 * value, a full array, or fewer than {@link FAST_STOP_BYTES} bytes left — and leaves that record,
 * from its leading separators, to the state machine, which reports any error. Returns where it
 * stopped; `fastState` holds [ordinal, max type, max target, max named string index]. Counts each
 * edge in `counts` by target (see {@link RawSnapshot.retainerCounts}).
 */
function scanEdgeRecords(
  buf: Uint8Array, p: number, len: number, type: Uint8Array, name: Uint32Array, to: Uint32Array, cap: number,
  nf: number, elementType: number, hiddenType: number, counts: Uint32Array,
): number {
  const countable = counts.length;
  // Ordinals and ranges are below 2^31 (int32, as the optimized loop wants them).
  let o = fastState[0]! | 0, maxType = fastState[1]! | 0, maxTo = fastState[2]! | 0, maxNamed = fastState[3]! | 0;
  const stop = len - FAST_STOP_BYTES;
  while (p < stop && o < cap) {
    let q = p;
    let c = buf[q]!;
    while (c === BYTE_COMMA || c === 10) c = buf[++q]!;
    if (c > 57 || c < 48) break;
    let t = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) t = t * 10 + (c - 48);
    if (c !== BYTE_COMMA) break;
    if ((c = buf[++q]!) > 57 || c < 48) break;
    let n = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) n = n * 10 + (c - 48);
    if (c !== BYTE_COMMA) break;
    if ((c = buf[++q]!) > 57 || c < 48) break;
    let v = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) v = v * 10 + (c - 48);
    const target = (v / nf) >>> 0;
    if (q - p > FAST_STOP_BYTES || t > 255 || target * nf !== v) break;
    type[o] = t;
    name[o] = n;
    to[o] = target;
    if (target < countable) counts[target]!++;
    if (t > maxType) maxType = t;
    if (target > maxTo) maxTo = target;
    if (t !== elementType && t !== hiddenType && name[o]! > maxNamed) maxNamed = name[o]!;
    o++;
    p = q;
  }
  fastState[0] = o; fastState[1] = maxType; fastState[2] = maxTo; fastState[3] = maxNamed;
  return p;
}

/**
 * Fast path of {@link SnapshotParser.scanNodes}, as {@link scanEdgeRecords} for edges: whole
 * `type,name,id,self_size,edge_count[,…]` records whose self size fits 32 bits and whose extra
 * fields are 0, but for the detachedness (field `detachedField`, -1 when none), stored in
 * `detached` whatever its value (a store every node, so V8 never meets it untried), and the
 * trace node id (field `traceField`) once `trace` exists (the state machine makes it at the
 * first id that is not 0: snapshots taken with allocation tracking).
 * `fastState` holds [ordinal, max type, max name, edge count sum, 1 if a detachedness was not 0].
 */
function scanNodeRecords(
  buf: Uint8Array, p: number, len: number, type: Uint8Array, name: Uint32Array, id: Uint32Array,
  self: Uint32Array | Float64Array, edges: Uint32Array, cap: number, nf: number, detachedField: number, detached: Uint8Array,
  traceField: number, trace: Uint32Array,
): number {
  const tracing = trace.length > 0;
  let o = fastState[0]! | 0, maxType = fastState[1]! | 0, maxName = fastState[2]! | 0, edgeSum = fastState[3]!;
  let anyDetached = fastState[4]! | 0;
  const stop = len - FAST_STOP_BYTES;
  record: while (p < stop && o < cap) {
    let q = p;
    let c = buf[q]!;
    while (c === BYTE_COMMA || c === 10) c = buf[++q]!;
    if (c > 57 || c < 48) break;
    let t = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) t = t * 10 + (c - 48);
    if (c !== BYTE_COMMA) break;
    if ((c = buf[++q]!) > 57 || c < 48) break;
    let n = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) n = n * 10 + (c - 48);
    if (c !== BYTE_COMMA) break;
    if ((c = buf[++q]!) > 57 || c < 48) break;
    // Node ids reach 2^31 and more: computed modulo 2^32 (as the Uint32Array store does anyway),
    // so the optimized loop never speculates on small integers and deoptimizes at the first big
    // id. Up to ten digits, where the store of the exact value gives the same bits.
    const idAt = q;
    let i = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) i = (Math.imul(i, 10) + (c - 48)) | 0;
    if (c !== BYTE_COMMA || q - idAt > 10) break;
    if ((c = buf[++q]!) > 57 || c < 48) break;
    let s = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) s = s * 10 + (c - 48);
    if (c !== BYTE_COMMA) break;
    if ((c = buf[++q]!) > 57 || c < 48) break;
    let k = c - 48;
    while ((c = buf[++q]!) <= 57 && c >= 48) k = k * 10 + (c - 48);
    // Extra fields: zeros, and the detachedness. Anything else is the state machine's work.
    let dv = 0;
    let tv = 0;
    for (let f = 5; f < nf; f++) {
      if (c !== BYTE_COMMA) break record;
      c = buf[++q]!;
      if (f === traceField && tracing) {
        if (c > 57 || c < 48) break record;
        tv = c - 48;
        while ((c = buf[++q]!) <= 57 && c >= 48) tv = tv * 10 + (c - 48);
        continue;
      }
      if (f === detachedField) {
        if (c > 57 || c < 48) break record;
        dv = c - 48;
        while ((c = buf[++q]!) <= 57 && c >= 48) dv = dv * 10 + (c - 48);
        if (dv > 255) break record;
        continue;
      }
      if (c !== 48) break record;
      c = buf[++q]!;
      if (c <= 57 && c >= 48) break record;
    }
    if (q - p > FAST_STOP_BYTES || t > 255 || s > 0xffffffff) break;
    type[o] = t;
    name[o] = n;
    id[o] = i;
    self[o] = s;
    edges[o] = k;
    if (detachedField >= 0) detached[o] = dv;
    if (tracing) trace[o] = tv;
    anyDetached |= dv;
    if (t > maxType) maxType = t;
    if (n > maxName) maxName = n;
    edgeSum += k;
    o++;
    p = q;
  }
  fastState[0] = o; fastState[1] = maxType; fastState[2] = maxName; fastState[3] = edgeSum; fastState[4] = anyDetached;
  return p;
}

/**
 * Fast path of {@link SnapshotParser.scanStrings}: strings without escapes, one after another,
 * parted by commas and newlines as V8 writes them. Each is recorded as the span of its bytes
 * (`base` turns buffer offsets into the table's) in `starts`/`ends` from index `fastState[0]` on,
 * up to their length. Stops before the first string it cannot take whole (an escape, cut by the
 * buffer end, other whitespace, the closing bracket, full arrays) and leaves that to the careful
 * path. A byte loop: cheaper than a native search per string (they average ~20 bytes). Returns
 * where it stopped; `fastState[0]` holds the next index.
 */
function scanPlainStrings(buf: Uint8Array, p: number, len: number, starts: Uint32Array, ends: Uint32Array, base: number): number {
  let n = fastState[0]! | 0;
  const cap = starts.length;
  while (n < cap) {
    let q = p;
    while (q < len && (buf[q] === BYTE_COMMA || buf[q] === 10)) q++;
    if (q >= len || buf[q] !== BYTE_QUOTE) break;
    const start = q + 1;
    let e = start;
    let c = 0;
    while (e < len && (c = buf[e]!) !== BYTE_QUOTE && c !== BYTE_BACKSLASH) e++;
    if (e >= len || c !== BYTE_QUOTE) break;
    starts[n] = base + start;
    ends[n] = base + e;
    n++;
    p = e + 1;
  }
  fastState[0] = n;
  return p;
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** Limits of {@link SnapshotParser} (tests lower them). */
export interface ParserLimits {
  /** Longest string or key carried across chunks (default 64 MiB). */
  maxTokenBytes?: number;
  /** Largest `snapshot` header or `trace_tree` held for `JSON.parse` (default 256 MiB). */
  maxCaptureBytes?: number;
}

/** Incremental `.heapsnapshot` parser. Call {@link write} with chunks, then {@link finish}. */
/** Largest values in the edge arrays (-1 when there are none). */
export interface EdgeRanges {
  maxType: number;
  maxTo: number;
  /** Largest string index named by an edge that is not `element`/`hidden` (those hold indexes). */
  maxNamedString: number;
}

/** Largest values in the node arrays, and the sum of the nodes' edge counts. */
interface NodeRanges {
  maxType: number;
  maxName: number;
  edgeSum: number;
}

/** The edge field arrays as a worker hands them over. */
export interface ParsedEdgeArrays {
  edgeType: Uint8Array;
  edgeName: Uint32Array;
  edgeTo: Uint32Array;
  edgeCount: number;
  ranges?: EdgeRanges;
  /** See {@link RawSnapshot.retainerCounts}. */
  retainerCounts?: Uint32Array;
}

/** One pass over the edges for {@link EdgeRanges}. */
export function edgeRanges(
  edgeType: Uint8Array, edgeName: Uint32Array, edgeTo: Uint32Array, edgeCount: number, elementType: number, hiddenType: number,
): EdgeRanges {
  let maxType = -1;
  let maxTo = -1;
  let maxNamedString = -1;
  for (let e = 0; e < edgeCount; e++) {
    const t = edgeType[e]!;
    if (t > maxType) maxType = t;
    const to = edgeTo[e]!;
    if (to > maxTo) maxTo = to;
    if (t !== elementType && t !== hiddenType) {
      const name = edgeName[e]!;
      if (name > maxNamedString) maxNamedString = name;
    }
  }
  return { maxType, maxTo, maxNamedString };
}

export class SnapshotParser {
  private readonly maxTokenBytes: number;
  private readonly maxCaptureBytes: number;

  constructor(limits: ParserLimits = {}) {
    this.maxTokenBytes = limits.maxTokenBytes ?? MAX_TOKEN_BYTES;
    this.maxCaptureBytes = limits.maxCaptureBytes ?? MAX_CAPTURE_BYTES;
  }

  private buf: Buffer = EMPTY;
  /** File offset of buf[0]. */
  private base = 0;
  private state = S_TOP_OPEN;
  private key = '';
  private section = 0;
  // Number accumulator carried across chunks.
  private acc = 0;
  private inNumber = false;
  // Capture state.
  private capDepth = 0;
  private capInString = false;
  private capEscape = false;
  private capStartOffset = 0;
  private capPieces: Uint8Array[] | undefined;
  private capBytes = 0;

  private header: Record<string, unknown> | undefined;
  private meta: SnapshotMeta | undefined;
  private nodeFieldCount = 0;
  private edgeFieldCount = 0;
  private nodeRoles = new Uint8Array(0);
  private edgeRoles = new Uint8Array(0);
  // Sections.
  private nodeType = new Uint8Array(0);
  private nodeName = new Uint32Array(0);
  private nodeId = new Uint32Array(0);
  private selfSize: Uint32Array | Float64Array = new Uint32Array(0);
  private firstEdge = new Uint32Array(1);
  private traceNodeId: Uint32Array | undefined;
  /** Made with the node arrays when the layout has the field; kept only if a value was not 0. */
  private detachedness: Uint8Array | undefined;
  private detachedSeen = false;
  private nodeCap = 0;
  private nodeOrdinal = 0;
  private nodeField = 0;
  private edgeType: Uint8Array = new Uint8Array(0);
  private edgeName: Uint32Array = new Uint32Array(0);
  private edgeTo: Uint32Array = new Uint32Array(0);
  private edgeCap = 0;
  private edgeOrdinal = 0;
  /** See {@link RawSnapshot.retainerCounts}: sized from the header's node count. */
  private retainerCounts: Uint32Array | undefined;
  private edgeField = 0;
  private sawNodes = false;
  private sawEdges = false;
  private sawStrings = false;
  private otherNumbers: number[] = [];
  private strings = new StringTableBuilder();
  private stringTable: StringTable | undefined;
  private traceFunctionInfos: number[] = [];
  private traceTree: unknown = [];
  private decoder = new TextDecoder('utf-8');

  /** V8's usual field order: the spread fast paths apply. */
  private standardNodeLayout = false;
  private standardEdgeLayout = false;

  /** File offset of the edges array's '[' when another thread parses that array. */
  private skipEdgesAt = -1;
  private edgesSkipped = false;
  private edgesOnly = false;
  private edgesOnlyDone = false;

  /**
   * Parallel parsing, main side: when the edges array's '[' is at file offset `offset`, skip the
   * array (another thread parses it) and expect {@link installEdges} before {@link finish}.
   */
  skipEdgesArrayAt(offset: number): void {
    this.skipEdgesAt = offset;
  }

  /** True when the edges array was skipped (so {@link installEdges} is required). */
  get skippedEdges(): boolean {
    return this.edgesSkipped;
  }

  /**
   * Parallel parsing, worker side: parse only an edges array whose '[' is at file offset
   * `offset`, with the field layout of `header` (the `snapshot` object). Feed bytes from `offset`.
   */
  startEdgesOnly(header: Record<string, unknown>, offset: number, sharedTargets = false): void {
    this.sharedEdgeTargets = sharedTargets;
    this.edgesOnly = true;
    this.setHeader(header, offset);
    this.base = offset;
    this.key = 'edges';
    this.section = SEC_EDGES;
    this.sawEdges = true;
    this.edgesOnly = true;
    this.state = S_ARRAY_OPEN;
  }

  /** Worker side: true once the edges array has been closed. */
  get edgesDone(): boolean {
    return this.edgesOnlyDone;
  }

  /**
   * Worker side: the parsed edges (trimmed to the count), with the largest type, target and
   * string index they hold (so the main thread can validate them without another pass).
   */
  takeEdges(): ParsedEdgeArrays {
    const n = this.edgeOrdinal;
    if (!this.edgesOnlyDone || this.edgeField !== 0) {
      throw parseError(this.base + this.buf.length, 'the edges array is truncated or not a multiple of the edge field count');
    }
    const trim = <T extends Uint8Array | Uint32Array>(a: T): T => (a.length === n ? a : (a.slice(0, n) as T));
    const edgeType = trim(this.edgeType), edgeName = trim(this.edgeName), edgeTo = trim(this.edgeTo);
    const types = this.meta?.edgeTypes ?? [];
    const ranges = this.installedRanges ?? edgeRanges(edgeType, edgeName, edgeTo, n, types.indexOf('element'), types.indexOf('hidden'));
    return { edgeType, edgeName, edgeTo, edgeCount: n, ranges, ...(this.retainerCounts === undefined ? {} : { retainerCounts: this.retainerCounts }) };
  }

  /** Ranges of the installed edges when the parsing thread measured them (skips a validation pass). */
  private installedRanges: EdgeRanges | undefined;

  /** Main side: installs the edges another thread parsed. */
  installEdges(e: ParsedEdgeArrays): void {
    this.edgeType = e.edgeType;
    this.edgeName = e.edgeName;
    this.edgeTo = e.edgeTo;
    this.edgeCap = e.edgeCount;
    this.edgeOrdinal = e.edgeCount;
    this.edgeField = 0;
    this.installedRanges = e.ranges;
    this.retainerCounts = e.retainerCounts;
  }

  private nodesDone = false;

  /**
   * Once the nodes array has been parsed: a copy of the per-node edge counts (nodeCount + 1
   * entries, last 0), for a worker that builds the retainers index. Undefined before.
   */
  edgeCountsCopy(): Uint32Array | undefined {
    if (!this.nodesDone || this.nodeField !== 0) return undefined;
    const copy = new Uint32Array(this.nodeOrdinal + 1);
    copy.set(this.firstEdge.subarray(0, this.nodeOrdinal));
    return copy;
  }

  /** The `snapshot` header once parsed. */
  get parsedHeader(): Record<string, unknown> | undefined {
    return this.header;
  }

  /** Feeds the next chunk. The parser copies what it keeps, so the caller may reuse `chunk`. */
  write(chunk: Uint8Array): void {
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.buf.length === 0 ? view : Buffer.concat([this.buf, view]);
    const keepFrom = this.run(false);
    const rest = this.buf.length - keepFrom;
    // V8 truncates the strings it writes to 1024 characters; a string still open after 64 MiB
    // means a corrupt file, and carrying it further would make every chunk copy it again.
    if (rest > this.maxTokenBytes) throw parseError(this.base + keepFrom, `a string runs on for more than ${this.maxTokenBytes} bytes (corrupt file?)`);
    this.base += keepFrom;
    // Copy the carried tail: the caller's chunk buffer may be overwritten by the next read.
    this.buf = rest === 0 ? EMPTY : Buffer.from(this.buf.subarray(keepFrom));
  }

  /** Ends the input and returns the parsed snapshot, or throws `E_SNAPSHOT_PARSE`. */
  finish(): RawSnapshot {
    this.run(true);
    const end = this.base + this.buf.length;
    if (this.state !== S_DONE) {
      if (this.state === S_TOP_OPEN) throw parseError(end, 'empty input, not a heap snapshot');
      throw parseError(end, 'unexpected end of input (truncated file?)');
    }
    const meta = this.meta;
    if (meta === undefined || this.header === undefined) throw parseError(end, 'not a heap snapshot (no snapshot.meta)');
    if (!this.sawNodes || !this.sawEdges || !this.sawStrings) {
      throw parseError(end, 'not a heap snapshot (nodes, edges or strings missing)');
    }
    if (this.nodeField !== 0) throw parseError(end, 'the nodes array length is not a multiple of the node field count');
    if (this.edgeField !== 0) throw parseError(end, 'the edges array length is not a multiple of the edge field count');
    const nodeCount = this.nodeOrdinal;
    const edgeCount = this.edgeOrdinal;
    const declaredNodes = this.header['node_count'];
    const declaredEdges = this.header['edge_count'];
    if (typeof declaredNodes === 'number' && declaredNodes > 0 && declaredNodes !== nodeCount) {
      throw parseError(end, `snapshot declares ${declaredNodes} nodes but holds ${nodeCount}`);
    }
    if (typeof declaredEdges === 'number' && declaredEdges > 0 && declaredEdges !== edgeCount) {
      throw parseError(end, `snapshot declares ${declaredEdges} edges but holds ${edgeCount}`);
    }
    if (nodeCount === 0) throw parseError(end, 'heap snapshot has no nodes');
    const nodeType = this.nodeType.length === nodeCount ? this.nodeType : this.nodeType.slice(0, nodeCount);
    const nodeName = this.nodeName.length === nodeCount ? this.nodeName : this.nodeName.slice(0, nodeCount);
    const nodeId = this.nodeId.length === nodeCount ? this.nodeId : this.nodeId.slice(0, nodeCount);
    const selfSize = this.selfSize.length === nodeCount ? this.selfSize : this.selfSize.slice(0, nodeCount);
    const firstEdge = this.firstEdge.length === nodeCount + 1 ? this.firstEdge : this.firstEdge.slice(0, nodeCount + 1);
    firstEdge[nodeCount] = 0;
    let traceNodeId = this.traceNodeId;
    if (traceNodeId !== undefined && traceNodeId.length !== nodeCount) traceNodeId = traceNodeId.slice(0, nodeCount);
    let detachedness = this.detachedSeen ? this.detachedness : undefined;
    if (detachedness !== undefined && detachedness.length !== nodeCount) detachedness = detachedness.slice(0, nodeCount);
    const edgeType = this.edgeType.length === edgeCount ? this.edgeType : this.edgeType.slice(0, edgeCount);
    const edgeName = this.edgeName.length === edgeCount ? this.edgeName : this.edgeName.slice(0, edgeCount);
    const edgeTo = this.edgeTo.length === edgeCount ? this.edgeTo : this.edgeTo.slice(0, edgeCount);

    // Validate cross references once, so nothing downstream can index out of range.
    const stringCount = this.strings.length;
    const nodeTypeCount = meta.nodeTypes.length;
    // Nodes parsed by scanNodes come with their ranges: when those are valid, every node is, and
    // the pass below runs only to name the first bad node.
    const nr = this.nodeRanges;
    let edgeSum = nr?.edgeSum ?? 0;
    const nodesValid = nr !== undefined && nr.maxType < nodeTypeCount && nr.maxName < stringCount;
    if (!nodesValid) edgeSum = 0;
    for (let i = nodesValid ? nodeCount : 0; i < nodeCount; i++) {
      if (nodeType[i]! >= nodeTypeCount) throw parseError(end, `node ${i} has unknown type ${nodeType[i]}`);
      if (nodeName[i]! >= stringCount) throw parseError(end, `node ${i} names string ${nodeName[i]} of ${stringCount}`);
      edgeSum += firstEdge[i]!;
    }
    if (edgeSum !== edgeCount) throw parseError(end, `node edge counts sum to ${edgeSum} but there are ${edgeCount} edges`);
    const edgeTypeCount = meta.edgeTypes.length;
    const elementType = meta.edgeTypes.indexOf('element');
    const hiddenType = meta.edgeTypes.indexOf('hidden');
    // Edges parsed by the worker come with their ranges: when those are valid, every edge is, and
    // the per-edge pass below (on the critical path after the worker) is skipped. Otherwise it
    // runs to name the first bad edge.
    const r = this.installedRanges;
    const valid = r !== undefined && r.maxType < edgeTypeCount && r.maxTo < nodeCount && r.maxNamedString < stringCount;
    for (let e = valid ? edgeCount : 0; e < edgeCount; e++) {
      const t = edgeType[e]!;
      if (t >= edgeTypeCount) throw parseError(end, `edge ${e} has unknown type ${t}`);
      if (edgeTo[e]! >= nodeCount) throw parseError(end, `edge ${e} points past the last node`);
      if (t !== elementType && t !== hiddenType && edgeName[e]! >= stringCount) {
        throw parseError(end, `edge ${e} names string ${edgeName[e]} of ${stringCount}`);
      }
    }
    return {
      meta,
      header: this.header,
      nodeCount,
      edgeCount,
      nodeType,
      nodeName,
      nodeId,
      selfSize,
      firstEdge,
      traceNodeId,
      detachedness,
      edgeType,
      edgeName,
      edgeTo,
      retainerCounts: this.retainerCounts?.length === nodeCount + 1 ? this.retainerCounts : undefined,
      strings: this.stringTable ??= this.strings.finish(),
      traceFunctionInfos: this.traceFunctionInfos,
      traceTree: this.traceTree,
      totalBytes: end,
    };
  }

  /**
   * Runs the state machine over `this.buf`. Returns the index from which bytes must be kept for
   * the next chunk (an incomplete key or string), or buf.length.
   */
  private run(atEnd: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    this.nextBackslash = -1;
    let p = 0;
    while (p < len) {
      switch (this.state) {
        case S_TOP_OPEN: {
          const c = buf[p]!;
          if (isSpace(c)) { p++; break; }
          // A UTF-8 byte order mark is harmless.
          if (c === 0xef && this.base + p === 0 && len >= 3 && buf[1] === 0xbb && buf[2] === 0xbf) { p += 3; break; }
          if (c !== BYTE_LBRACE) throw parseError(this.base + p, `expected '{', found ${describeByte(c)} (not a heap snapshot)`);
          p++;
          this.state = S_TOP_KEY;
          break;
        }
        case S_TOP_KEY: {
          const c = buf[p]!;
          if (isSpace(c)) { p++; break; }
          if (c === BYTE_RBRACE) { p++; this.state = S_DONE; break; }
          if (c !== BYTE_QUOTE) throw parseError(this.base + p, `expected a key, found ${describeByte(c)}`);
          const end = this.scanString(buf, p + 1, len);
          if (end < 0) {
            if (atEnd) throw parseError(this.base + len, 'unexpected end of input in a key');
            return p;
          }
          this.key = this.decodeString(buf, p + 1, end, this.lastHadEscape, p);
          p = end + 1;
          this.state = S_TOP_COLON;
          break;
        }
        case S_TOP_COLON: {
          const c = buf[p]!;
          if (isSpace(c)) { p++; break; }
          if (c !== BYTE_COLON) throw parseError(this.base + p, `expected ':', found ${describeByte(c)}`);
          p++;
          this.state = S_VALUE;
          break;
        }
        case S_VALUE: {
          const c = buf[p]!;
          if (isSpace(c)) { p++; break; }
          this.beginValue(this.base + p);
          break;
        }
        case S_ARRAY_OPEN: {
          const c = buf[p]!;
          if (isSpace(c)) { p++; break; }
          if (c !== BYTE_LBRACKET) throw parseError(this.base + p, `expected '[' to open "${this.key}", found ${describeByte(c)}`);
          if (this.section === SEC_EDGES && this.skipEdgesAt === this.base + p) {
            this.edgesSkipped = true;
            p++;
            this.state = S_SKIP_NUMBERS;
            break;
          }
          p++;
          this.state = this.section === SEC_STRINGS ? S_STRINGS : this.section === SEC_SKIPPED_NUMBERS ? S_SKIP_NUMBERS : S_NUMBERS;
          break;
        }
        case S_SKIP_NUMBERS: {
          // A number array holds only digits, commas and whitespace: its end is the next ']'.
          const end = (buf as Buffer).indexOf(BYTE_RBRACKET, p);
          if (end < 0 || end >= len) { p = len; break; }
          p = end + 1;
          this.state = S_AFTER_VALUE;
          break;
        }
        case S_NUMBERS:
          p = this.scanNumbers(buf, p, len);
          break;
        case S_STRINGS: {
          const keep = this.scanStrings(buf, p, len);
          if (keep >= 0) {
            if (atEnd) throw parseError(this.base + len, 'unexpected end of input in "strings" (truncated file?)');
            return keep;
          }
          p = -keep - 1;
          break;
        }
        case S_CAPTURE:
          p = this.scanCapture(buf, p, len);
          break;
        case S_AFTER_VALUE: {
          const c = buf[p]!;
          if (isSpace(c)) { p++; break; }
          if (c === BYTE_COMMA) { p++; this.state = S_TOP_KEY; break; }
          if (c === BYTE_RBRACE) { p++; this.state = S_DONE; break; }
          throw parseError(this.base + p, `expected ',' or '}' after "${this.key}", found ${describeByte(c)}`);
        }
        case S_DONE: {
          if (this.edgesOnly) return len; // the worker stops after its array
          const c = buf[p]!;
          if (!isSpace(c) && c !== 0) throw parseError(this.base + p, `unexpected ${describeByte(c)} after the end of the snapshot`);
          p++;
          break;
        }
        default:
          throw parseError(this.base + p, 'internal parser state');
      }
    }
    return len;
  }

  private beginValue(offset: number): void {
    const key = this.key;
    if (key === 'nodes' || key === 'edges') {
      if (this.meta === undefined) throw parseError(offset, `"${key}" comes before snapshot.meta (not a V8 heap snapshot?)`);
      this.section = key === 'nodes' ? SEC_NODES : SEC_EDGES;
      if (key === 'nodes') this.sawNodes = true;
      else this.sawEdges = true;
      this.state = S_ARRAY_OPEN;
    } else if (key === 'strings') {
      this.section = SEC_STRINGS;
      this.sawStrings = true;
      this.strings = new StringTableBuilder();
      this.state = S_ARRAY_OPEN;
    } else if (key === 'trace_function_infos') {
      this.section = SEC_OTHER_NUMBERS;
      this.otherNumbers = [];
      this.state = S_ARRAY_OPEN;
    } else if (key === 'locations' || key === 'samples') {
      // Script positions of closures and allocation-sample times: not used by the analysis.
      this.section = SEC_SKIPPED_NUMBERS;
      this.state = S_ARRAY_OPEN;
    } else {
      // `snapshot`, `trace_tree` (small, nested) are captured and parsed; others skipped.
      this.capDepth = 0;
      this.capInString = false;
      this.capEscape = false;
      this.capStartOffset = offset;
      this.capPieces = key === 'snapshot' || key === 'trace_tree' ? [] : undefined;
      this.capBytes = 0;
      this.state = S_CAPTURE;
    }
  }

  private endNumberSection(): void {
    if (this.section === SEC_NODES) this.nodesDone = true;
    if (this.section === SEC_EDGES && this.edgesOnly) {
      this.state = S_DONE;
      this.edgesOnlyDone = true;
      return;
    }
    if (this.section === SEC_OTHER_NUMBERS) {
      if (this.key === 'trace_function_infos') this.traceFunctionInfos = this.otherNumbers;
      this.otherNumbers = [];
    }
    this.state = S_AFTER_VALUE;
  }

  private setHeader(header: unknown, offset: number): void {
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      throw parseError(offset, 'not a heap snapshot ("snapshot" is not an object)');
    }
    const h = header as Record<string, unknown>;
    const m = h['meta'] as Record<string, unknown> | undefined;
    const nodeFields = stringArray(m?.['node_fields']);
    const edgeFields = stringArray(m?.['edge_fields']);
    const nodeTypesRaw = m?.['node_types'];
    const edgeTypesRaw = m?.['edge_types'];
    if (!nodeFields || !edgeFields || !Array.isArray(nodeTypesRaw) || !Array.isArray(edgeTypesRaw)) {
      throw parseError(offset, 'not a heap snapshot (snapshot.meta lacks node_fields/edge_fields/node_types/edge_types)');
    }
    for (const f of ['type', 'name', 'id', 'self_size', 'edge_count']) {
      if (!nodeFields.includes(f)) throw parseError(offset, `snapshot.meta.node_fields lacks "${f}"`);
    }
    for (const f of ['type', 'name_or_index', 'to_node']) {
      if (!edgeFields.includes(f)) throw parseError(offset, `snapshot.meta.edge_fields lacks "${f}"`);
    }
    const nodeTypes = stringArray(nodeTypesRaw[nodeFields.indexOf('type')]);
    const edgeTypes = stringArray(edgeTypesRaw[edgeFields.indexOf('type')]);
    if (!nodeTypes || !edgeTypes) throw parseError(offset, 'snapshot.meta lacks the node or edge type names');
    if (nodeTypes.length > 255 || edgeTypes.length > 255) throw parseError(offset, 'snapshot.meta lists more than 255 node or edge types');
    const meta: SnapshotMeta = { nodeFields, nodeTypes, edgeFields, edgeTypes };
    const opt = (k: string): string[] | undefined => stringArray(m?.[k]);
    const lf = opt('location_fields');
    if (lf) meta.locationFields = lf;
    const tf = opt('trace_function_info_fields');
    if (tf) meta.traceFunctionInfoFields = tf;
    const tn = opt('trace_node_fields');
    if (tn) meta.traceNodeFields = tn;
    const sf = opt('sample_fields');
    if (sf) meta.sampleFields = sf;
    this.header = h;
    this.meta = meta;
    this.nodeFieldCount = nodeFields.length;
    this.edgeFieldCount = edgeFields.length;
    this.nodeRoles = new Uint8Array(nodeFields.map((f) => {
      switch (f) {
        case 'type': return NF_TYPE;
        case 'name': return NF_NAME;
        case 'id': return NF_ID;
        case 'self_size': return NF_SELF;
        case 'edge_count': return NF_EDGE_COUNT;
        case 'trace_node_id': return NF_TRACE;
        case 'detachedness': return NF_DETACHED;
        default: return NF_SKIP;
      }
    }));
    this.edgeRoles = new Uint8Array(edgeFields.map((f) => (f === 'type' ? EF_TYPE : f === 'name_or_index' ? EF_NAME : f === 'to_node' ? EF_TO : EF_SKIP)));
    const r = this.nodeRoles;
    this.standardNodeLayout = r[0] === NF_TYPE && r[1] === NF_NAME && r[2] === NF_ID && r[3] === NF_SELF && r[4] === NF_EDGE_COUNT &&
      r.subarray(5).every((x, i) => x === NF_SKIP || x === NF_DETACHED || (x === NF_TRACE && i === 0));
    const er = this.edgeRoles;
    this.standardEdgeLayout = er.length === 3 && er[0] === EF_TYPE && er[1] === EF_NAME && er[2] === EF_TO;
    this.elementEdgeType = edgeTypes.indexOf('element');
    this.hiddenEdgeType = edgeTypes.indexOf('hidden');
    const nodeCount = typeof h['node_count'] === 'number' && h['node_count'] > 0 ? h['node_count'] : 1024;
    const edgeCount = typeof h['edge_count'] === 'number' && h['edge_count'] > 0 ? h['edge_count'] : 4096;
    // Each side of a parallel parse allocates only the arrays it fills.
    if (!this.edgesOnly && this.nodeRoles.includes(NF_DETACHED)) this.detachedness = new Uint8Array(0);
    if (!this.edgesOnly) this.allocNodes(nodeCount);
    if (this.skipEdgesAt < 0) {
      this.allocEdges(edgeCount);
      // Only V8's usual edge layout goes through the scanners that count.
      if (this.standardEdgeLayout && nodeCount === h['node_count']) this.retainerCounts = new Uint32Array(nodeCount + 1);
    }
  }

  private allocNodes(cap: number): void {
    const grow = <T extends Uint8Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T, n: number): T => {
      const a = make(n);
      a.set(old.subarray(0, Math.min(old.length, n)) as never);
      return a;
    };
    this.nodeType = grow(this.nodeType, (n) => new Uint8Array(n), cap);
    this.nodeName = grow(this.nodeName, (n) => new Uint32Array(n), cap);
    this.nodeId = grow(this.nodeId, (n) => new Uint32Array(n), cap);
    this.selfSize = this.selfSize instanceof Float64Array
      ? grow(this.selfSize, (n) => new Float64Array(n), cap)
      : grow(this.selfSize, (n) => new Uint32Array(n), cap);
    this.firstEdge = grow(this.firstEdge, (n) => new Uint32Array(n), cap + 1);
    if (this.traceNodeId !== undefined) this.traceNodeId = grow(this.traceNodeId, (n) => new Uint32Array(n), cap);
    if (this.detachedness !== undefined) this.detachedness = grow(this.detachedness, (n) => new Uint8Array(n), cap);
    this.nodeCap = cap;
  }

  /** Edge targets in shared memory (the worker keeps reading them after handing them over). */
  private sharedEdgeTargets = false;

  private allocEdges(cap: number): void {
    const t = new Uint8Array(cap);
    t.set(this.edgeType.subarray(0, Math.min(this.edgeType.length, cap)));
    const n = new Uint32Array(cap);
    n.set(this.edgeName.subarray(0, Math.min(this.edgeName.length, cap)));
    const to = this.sharedEdgeTargets ? new Uint32Array(new SharedArrayBuffer(4 * cap)) : new Uint32Array(cap);
    to.set(this.edgeTo.subarray(0, Math.min(this.edgeTo.length, cap)));
    this.edgeType = t;
    this.edgeName = n;
    this.edgeTo = to;
    this.edgeCap = cap;
  }

  /** Values of the current chunk's numbers, before they are spread over the field arrays. */
  private vals = new Float64Array(64);

  /**
   * Tokenizes the numbers of an array section from `p` into `this.vals` (count returned in
   * `this.valCount`). Stops at the closing bracket (sets state) or at the end of the buffer; a
   * number cut by the buffer end is carried in `acc`/`inNumber`. Kept small and branch-light
   * so V8 optimizes it well: this loop sees almost every byte of the file.
   */
  private valCount = 0;
  private tokenizeNumbers(buf: Uint8Array, p: number, len: number): number {
    // At most one number per two bytes (plus a carried one): scan a window that fits `vals`;
    // the caller loops over windows, so `vals` never grows.
    if (this.vals.length < MAX_WINDOW_VALUES && this.vals.length < ((len - p) >>> 1) + 2) {
      this.vals = new Float64Array(Math.min(MAX_WINDOW_VALUES, ((len - p) >>> 1) + 2));
    }
    const vals = this.vals;
    len = Math.min(len, p + 2 * (vals.length - 2));
    let v = this.acc;
    let inNumber = this.inNumber;
    let k = 0;
    let closed = false;
    // A number carried from the previous chunk continues here.
    if (inNumber) {
      let c = 0;
      while (p < len && (c = buf[p]!) <= 57 && c >= 48) { v = v * 10 + (c - 48); p++; }
      if (p < len) { vals[k++] = v; v = 0; inNumber = false; }
    }
    while (p < len) {
      let c = buf[p]!;
      if (c <= 57 && c >= 48) {
        // Inner loop over the digits of one number: most numbers are 1–7 digits.
        v = c - 48;
        p++;
        while (p < len && (c = buf[p]!) <= 57 && c >= 48) { v = v * 10 + (c - 48); p++; }
        if (p === len) { inNumber = true; break; }
        vals[k++] = v;
        v = 0;
      }
      p++;
      if (c === BYTE_COMMA || c === 10 || c === 32 || c === 13 || c === 9) continue;
      if (c === BYTE_RBRACKET) { closed = true; break; }
      this.valCount = 0;
      throw parseError(this.base + p - 1, `unexpected ${describeByte(c)} in "${this.key}"`);
    }
    this.acc = v;
    this.inNumber = inNumber;
    this.valCount = k;
    if (closed) {
      this.acc = 0;
      this.inNumber = false;
    }
    return closed ? -(p + 1) : p;
  }

  /** Number sections: tokenize, then spread values over per-field arrays with strided loops. */
  private scanNumbers(buf: Uint8Array, p: number, len: number): number {
    if (this.section === SEC_EDGES && this.standardEdgeLayout) return this.scanEdges(buf, p, len);
    if (this.section === SEC_NODES && this.standardNodeLayout) return this.scanNodes(buf, p, len);
    let r = p;
    while (r >= 0 && r < len) r = this.scanNumberWindow(buf, r, len);
    return r < 0 ? -r - 1 : r;
  }

  /** Largest node type and name index, and the sum of edge counts, seen by {@link scanNodes}. */
  private nodeMax: NodeRanges = { maxType: -1, maxName: -1, edgeSum: 0 };
  /** Set once every node came through {@link scanNodes} (finish() then validates by ranges). */
  private nodeRanges: NodeRanges | undefined;

  /**
   * The nodes array in V8's layout (`type,name,id,self_size,edge_count[,trace_node_id,…]`), as
   * {@link scanEdges} does for edges: straight from the bytes into the field arrays, measuring
   * the ranges `finish` validates.
   */
  private scanNodes(buf: Uint8Array, p: number, len: number): number {
    const nf = this.nodeFieldCount;
    const traceField = this.nodeRoles[5] === NF_TRACE ? 5 : -1;
    const detachedField = this.nodeRoles.indexOf(NF_DETACHED);
    let type = this.nodeType, name = this.nodeName, id = this.nodeId, self = this.selfSize, edges = this.firstEdge;
    let cap = this.nodeCap;
    let o = this.nodeOrdinal;
    let field = this.nodeField;
    let v = this.acc;
    let inNumber = this.inNumber;
    let { maxType, maxName, edgeSum } = this.nodeMax;
    let closed = false;
    const fastStop = len - FAST_STOP_BYTES;
    while (true) {
      let c = 0;
      if (field === 0 && !inNumber && p < fastStop && self instanceof Uint32Array) {
        fastState[0] = o; fastState[1] = maxType; fastState[2] = maxName; fastState[3] = edgeSum; fastState[4] = 0;
        p = scanNodeRecords(
          buf, p, len, type, name, id, self, edges, cap, nf, detachedField, this.detachedness ?? NO_DETACHEDNESS,
          traceField, this.traceNodeId ?? NO_TRACE,
        );
        o = fastState[0]!; maxType = fastState[1]!; maxName = fastState[2]!; edgeSum = fastState[3]!;
        if (fastState[4] !== 0) this.detachedSeen = true;
      }
      if (!inNumber) {
        while (p < len) {
          c = buf[p]!;
          if (c <= 57 && c >= 48) break;
          p++;
          if (c === BYTE_COMMA || c === 10 || c === 32 || c === 13 || c === 9) continue;
          if (c === BYTE_RBRACKET) { closed = true; break; }
          this.nodeOrdinal = o;
          throw parseError(this.base + p - 1, `unexpected ${describeByte(c)} in "nodes"`);
        }
        if (closed || p === len) break;
        v = 0;
      }
      while (p < len && (c = buf[p]!) <= 57 && c >= 48) { v = v * 10 + (c - 48); p++; }
      if (p === len) { inNumber = true; break; }
      inNumber = false;
      switch (field) {
        case 0:
          if (v > 255) throw parseError(this.base + p, `node type ${v} out of range`);
          if (o === cap) {
            this.nodeOrdinal = o;
            this.allocNodes(Math.max(16, cap * 2));
            type = this.nodeType; name = this.nodeName; id = this.nodeId; self = this.selfSize; edges = this.firstEdge;
            cap = this.nodeCap;
          }
          type[o] = v;
          if (v > maxType) maxType = v;
          break;
        case 1:
          name[o] = v;
          if (v > maxName) maxName = v;
          break;
        case 2:
          id[o] = v;
          break;
        case 3:
          if (v > 0xffffffff && self instanceof Uint32Array) {
            self = Float64Array.from(self);
            this.selfSize = self;
          }
          self[o] = v;
          break;
        case 4:
          edges[o] = v;
          edgeSum += v;
          break;
        default:
          if (v === 0) break;
          if (field === traceField) {
            if (this.traceNodeId === undefined) this.traceNodeId = new Uint32Array(cap);
            this.traceNodeId[o] = v;
          } else if (field === detachedField) {
            if (v > 255) throw parseError(this.base + p, `node detachedness ${v} out of range`);
            if (this.detachedness === undefined) this.detachedness = new Uint8Array(cap);
            this.detachedness[o] = v;
            this.detachedSeen = true;
          }
      }
      if (++field === nf) {
        field = 0;
        o++;
      }
    }
    this.nodeOrdinal = o;
    this.nodeField = field;
    this.nodeMax = { maxType, maxName, edgeSum };
    if (closed) {
      this.acc = 0;
      this.inNumber = false;
      this.nodeRanges = this.nodeMax;
      this.endNumberSection();
    } else {
      this.acc = v;
      this.inNumber = inNumber;
    }
    return p;
  }

  /** Largest edge type, target and named string index seen by {@link scanEdges}. */
  private edgeMax: EdgeRanges = { maxType: -1, maxTo: -1, maxNamedString: -1 };
  private elementEdgeType = -1;
  private hiddenEdgeType = -1;

  /**
   * The edges array in V8's layout (`type,name_or_index,to_node`), the bulk of every snapshot:
   * numbers go straight from the bytes into the three field arrays (no intermediate window), and
   * the ranges that validate them are measured on the way, so `finish` needs no pass over the
   * edges. A number cut by the end of the buffer is carried in `acc`/`inNumber`, the field in
   * `edgeField`. Returns where parsing continues (after the ']' once the array is closed).
   */
  private scanEdges(buf: Uint8Array, p: number, len: number): number {
    const nf = this.nodeFieldCount;
    const elementType = this.elementEdgeType;
    const hiddenType = this.hiddenEdgeType;
    const counts = this.retainerCounts ?? NO_COUNTS;
    let type = this.edgeType, name = this.edgeName, to = this.edgeTo;
    let cap = this.edgeCap;
    let o = this.edgeOrdinal;
    let field = this.edgeField;
    let v = this.acc;
    let inNumber = this.inNumber;
    let { maxType, maxTo, maxNamedString } = this.edgeMax;
    let closed = false;
    const fastStop = len - FAST_STOP_BYTES;
    while (true) {
      let c = 0;
      if (field === 0 && !inNumber && p < fastStop) {
        fastState[0] = o; fastState[1] = maxType; fastState[2] = maxTo; fastState[3] = maxNamedString;
        p = scanEdgeRecords(buf, p, len, type, name, to, cap, nf, elementType, hiddenType, counts);
        o = fastState[0]!; maxType = fastState[1]!; maxTo = fastState[2]!; maxNamedString = fastState[3]!;
      }
      if (!inNumber) {
        // Separators up to the next number, the closing bracket, or the end of the buffer.
        while (p < len) {
          c = buf[p]!;
          if (c <= 57 && c >= 48) break;
          p++;
          if (c === BYTE_COMMA || c === 10 || c === 32 || c === 13 || c === 9) continue;
          if (c === BYTE_RBRACKET) { closed = true; break; }
          this.edgeOrdinal = o;
          throw parseError(this.base + p - 1, `unexpected ${describeByte(c)} in "edges"`);
        }
        if (closed || p === len) break;
        v = 0;
      }
      while (p < len && (c = buf[p]!) <= 57 && c >= 48) { v = v * 10 + (c - 48); p++; }
      if (p === len) { inNumber = true; break; }
      inNumber = false;
      if (field === 0) {
        if (v > 255) throw parseError(this.base + p, `edge type ${v} out of range`);
        if (o === cap) {
          this.edgeOrdinal = o;
          this.allocEdges(Math.max(16, cap * 2));
          type = this.edgeType; name = this.edgeName; to = this.edgeTo; cap = this.edgeCap;
        }
        type[o] = v;
        if (v > maxType) maxType = v;
        field = 1;
      } else if (field === 1) {
        name[o] = v;
        field = 2;
      } else {
        const target = (v / nf) >>> 0;
        if (target * nf !== v) throw parseError(this.base + p, `edge ${o} points into the middle of a node (${v})`);
        to[o] = target;
        if (target < counts.length) counts[target]!++;
        if (target > maxTo) maxTo = target;
        const t = type[o]!;
        if (t !== elementType && t !== hiddenType && name[o]! > maxNamedString) maxNamedString = name[o]!;
        o++;
        field = 0;
      }
    }
    this.edgeOrdinal = o;
    this.edgeField = field;
    this.edgeMax = { maxType, maxTo, maxNamedString };
    if (closed) {
      this.acc = 0;
      this.inNumber = false;
      // Every edge came through here: finish() validates them by these ranges.
      this.installedRanges = this.edgeMax;
      this.endNumberSection();
    } else {
      this.acc = v;
      this.inNumber = inNumber;
    }
    return p;
  }

  private scanNumberWindow(buf: Uint8Array, p: number, len: number): number {
    const r = this.tokenizeNumbers(buf, p, len);
    const k = this.valCount;
    if (k > 0) {
      if (this.section === SEC_NODES) this.spreadNodesGeneric(k, p);
      else if (this.section === SEC_EDGES) this.spreadEdgesGeneric(k, p);
      else for (let i = 0; i < k; i++) this.otherNumbers.push(this.vals[i]!);
    }
    if (r < 0) this.endNumberSection();
    return r;
  }

  /** Nodes in a layout other than V8's usual one (standard layouts go through scanNodes). */
  private spreadNodesGeneric(k: number, offset: number): void {
    const nf = this.nodeFieldCount;
    const field0 = this.nodeField;
    const ord0 = this.nodeOrdinal;
    const totalField = field0 + k;
    const lastOrdinal = ord0 + Math.floor(totalField / nf);
    // Highest ordinal written is lastOrdinal only when a node is left incomplete.
    const needed = totalField % nf === 0 ? lastOrdinal : lastOrdinal + 1;
    while (needed > this.nodeCap) this.allocNodes(this.nodeCap * 2);
    const vals = this.vals;
    for (let f = 0; f < nf; f++) {
      // First value in this chunk that belongs to field f, and its node ordinal.
      let i = (f - field0 + nf) % nf;
      let o = ord0 + (f < field0 ? 1 : 0);
      switch (this.nodeRoles[f]) {
        case NF_TYPE: {
          const a = this.nodeType;
          for (; i < k; i += nf, o++) {
            const x = vals[i]!;
            if (x > 255) throw parseError(this.base + offset, `node type ${x} out of range`);
            a[o] = x;
          }
          break;
        }
        case NF_NAME: { const a = this.nodeName; for (; i < k; i += nf, o++) a[o] = vals[i]!; break; }
        case NF_ID: { const a = this.nodeId; for (; i < k; i += nf, o++) a[o] = vals[i]!; break; }
        case NF_SELF: {
          let a = this.selfSize;
          for (; i < k; i += nf, o++) {
            const x = vals[i]!;
            if (x > 0xffffffff && a instanceof Uint32Array) {
              a = Float64Array.from(a);
              this.selfSize = a;
            }
            a[o] = x;
          }
          break;
        }
        case NF_EDGE_COUNT: { const a = this.firstEdge; for (; i < k; i += nf, o++) a[o] = vals[i]!; break; }
        case NF_TRACE:
          for (; i < k; i += nf, o++) {
            const x = vals[i]!;
            if (x !== 0) {
              if (this.traceNodeId === undefined) this.traceNodeId = new Uint32Array(this.nodeCap);
              this.traceNodeId[o] = x;
            }
          }
          break;
        case NF_DETACHED:
          for (; i < k; i += nf, o++) {
            const x = vals[i]!;
            if (x !== 0) {
              if (x > 255) throw parseError(this.base + offset, `node detachedness ${x} out of range`);
              if (this.detachedness === undefined) this.detachedness = new Uint8Array(this.nodeCap);
              this.detachedness[o] = x;
              this.detachedSeen = true;
            }
          }
          break;
        default:
          break;
      }
    }
    this.nodeOrdinal = lastOrdinal;
    this.nodeField = totalField % nf;
  }

  /** Edges in a layout other than V8's usual one (standard layouts go through scanEdges). */
  private spreadEdgesGeneric(k: number, offset: number): void {
    const ef = this.edgeFieldCount;
    const nf = this.nodeFieldCount;
    const field0 = this.edgeField;
    const ord0 = this.edgeOrdinal;
    const totalField = field0 + k;
    const lastOrdinal = ord0 + Math.floor(totalField / ef);
    const needed = totalField % ef === 0 ? lastOrdinal : lastOrdinal + 1;
    while (needed > this.edgeCap) this.allocEdges(this.edgeCap * 2);
    const vals = this.vals;
    for (let f = 0; f < ef; f++) {
      let i = (f - field0 + ef) % ef;
      let o = ord0 + (f < field0 ? 1 : 0);
      switch (this.edgeRoles[f]) {
        case EF_TYPE: {
          const a = this.edgeType;
          for (; i < k; i += ef, o++) {
            const x = vals[i]!;
            if (x > 255) throw parseError(this.base + offset, `edge type ${x} out of range`);
            a[o] = x;
          }
          break;
        }
        case EF_NAME: { const a = this.edgeName; for (; i < k; i += ef, o++) a[o] = vals[i]!; break; }
        case EF_TO: {
          const a = this.edgeTo;
          for (; i < k; i += ef, o++) {
            const x = vals[i]!;
            const to = (x / nf) >>> 0;
            if (to * nf !== x) throw parseError(this.base + offset, `edge ${o} points into the middle of a node (${x})`);
            a[o] = to;
          }
          break;
        }
        default:
          break;
      }
    }
    this.edgeOrdinal = lastOrdinal;
    this.edgeField = totalField % ef;
  }

  private lastHadEscape = false;

  /**
   * Finds the closing quote of a string whose body starts at `p`. Returns its index, or -1 when
   * the buffer ends first. Sets `lastHadEscape`.
   */
  private scanString(buf: Buffer, p: number, len: number): number {
    // memchr for the closing quote; only strings with a backslash need a byte walk.
    const q = buf.indexOf(BYTE_QUOTE, p);
    if (q < 0 || q >= len) return -1;
    if (this.nextBackslash < p) {
      const b = buf.indexOf(BYTE_BACKSLASH, p);
      this.nextBackslash = b < 0 ? Number.MAX_SAFE_INTEGER : b;
    }
    if (this.nextBackslash > q) {
      this.lastHadEscape = false;
      return q;
    }
    while (p < len) {
      const c = buf[p]!;
      if (c === BYTE_QUOTE) {
        this.lastHadEscape = true;
        this.nextBackslash = -1;
        return p;
      }
      p += c === BYTE_BACKSLASH ? 2 : 1;
    }
    this.nextBackslash = -1;
    return -1;
  }

  /** Position of the next backslash in `buf` at or after the last scan (-1 = unknown). */
  private nextBackslash = -1;

  private decodeString(buf: Buffer, start: number, end: number, hasEscape: boolean, quoteIndex: number): string {
    if (!hasEscape) return buf.toString('utf8', start, end);
    try {
      return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
    } catch {
      throw parseError(this.base + quoteIndex, 'invalid escape in a string');
    }
  }

  /**
   * The strings loop. Returns `-(p + 1)` when the section ended (p = next index), or the index
   * of an incomplete string's opening quote (to be carried to the next chunk).
   */
  private scanStrings(buf: Buffer, p: number, len: number): number {
    const strings = this.strings;
    // The bytes from here to where this call stops are appended to the table as they are; each
    // string is recorded as a span into them and decoded only when asked for (string-table.ts).
    const regionStart = p;
    const base = strings.byteLength - regionStart;
    let result = -(len + 1);
    while (p < len) {
      const spans = strings.spanArrays();
      fastState[0] = strings.length;
      p = scanPlainStrings(buf, p, len, spans.starts, spans.ends, base);
      strings.setSpanCount(fastState[0]!);
      if (p >= len) break;
      const c = buf[p]!;
      if (c === BYTE_QUOTE) {
        const end = this.scanString(buf, p + 1, len);
        if (end < 0) {
          result = p;
          break;
        }
        if (this.lastHadEscape) strings.addDecoded(this.decodeString(buf, p + 1, end, true, p));
        else strings.addSpan(base + p + 1, base + end);
        p = end + 1;
        continue;
      }
      p++;
      if (c === BYTE_COMMA || isSpace(c)) continue;
      if (c === BYTE_RBRACKET) {
        this.state = S_AFTER_VALUE;
        result = -(p + 1);
        break;
      }
      throw parseError(this.base + p - 1, `unexpected ${describeByte(c)} in "strings"`);
    }
    strings.appendBytes(buf, regionStart, result >= 0 ? result : -result - 1);
    return result;
  }

  /** Captures (or skips) one JSON value by bracket depth; strings may contain brackets. */
  private scanCapture(buf: Uint8Array, p: number, len: number): number {
    const start = p;
    let depth = this.capDepth;
    let inString = this.capInString;
    let escape = this.capEscape;
    let done = false;
    for (; p < len; p++) {
      const c = buf[p]!;
      if (inString) {
        if (escape) escape = false;
        else if (c === BYTE_BACKSLASH) escape = true;
        else if (c === BYTE_QUOTE) inString = false;
        continue;
      }
      if (c === BYTE_QUOTE) inString = true;
      else if (c === BYTE_LBRACE || c === BYTE_LBRACKET) depth++;
      else if (c === BYTE_RBRACE || c === BYTE_RBRACKET) {
        if (depth === 0) { done = true; break; }
        depth--;
        if (depth === 0) { p++; done = true; break; }
      } else if (c === BYTE_COMMA && depth === 0) { done = true; break; }
    }
    if (this.capPieces !== undefined) {
      this.capPieces.push(Uint8Array.prototype.slice.call(buf, start, p));
      this.capBytes += p - start;
      if (this.capBytes > this.maxCaptureBytes) throw parseError(this.capStartOffset, `"${this.key}" is larger than ${this.maxCaptureBytes} bytes (corrupt file?)`);
    }
    this.capDepth = depth;
    this.capInString = inString;
    this.capEscape = escape;
    if (done) {
      const pieces = this.capPieces;
      this.capPieces = undefined;
      this.state = S_AFTER_VALUE;
      if (pieces !== undefined) {
        let total = 0;
        for (const x of pieces) total += x.length;
        const all = new Uint8Array(total);
        let o = 0;
        for (const x of pieces) { all.set(x, o); o += x.length; }
        let value: unknown;
        try {
          value = JSON.parse(this.decoder.decode(all));
        } catch (err) {
          throw parseError(this.capStartOffset, `"${this.key}" is not valid JSON (${(err as Error).message})`);
        }
        if (this.key === 'snapshot') this.setHeader(value, this.capStartOffset);
        else this.traceTree = value;
      }
    }
    return p;
  }
}
