/**
 * Key residency: which credentials of *completed* requests a server still holds, where, and which
 * part of them. The harness minted every key it sent (canaries), so the ground truth is exact: a
 * key whose request completed has no business being in the heap.
 *
 * The search runs over the heap engine's string table, not over the file's text, and covers the
 * string forms V8 keeps:
 * - sequential / internalized strings: the string node's name is its content (V8 cuts names at
 *   1,024 characters: what lies beyond cannot be seen, and the report says how many were cut);
 * - inside a larger string (a log line, serialized JSON: JSON escapes are decoded by the parser);
 * - concatenations (`(concatenated string)` nodes: the text is rebuilt from the `first`/`second`
 *   parts, so a key split across parts is found on the concatenation);
 * - slices (`(sliced string)`: a substring such as a key id cut from the key by a regex keeps its
 *   whole parent string alive; the parent is searched, and the holder is reached through the slice).
 * Buffer contents are not in snapshots; the probe searches them through the inspector
 * ({@link BufferScan}) and their heap ids lead to holders here.
 *
 * Each string holding material is charged to its *holder*: the nearest container up its shortest
 * retainer path (a Map, Set, Array, listener array, object used as a dictionary, timer list),
 * else the first object that owns it, named as findings are named (analyze-graphs.ts
 * `describeHolder`, human-path.ts).
 */
import type { FlatGraphArrays } from '../heap/flat-graph-arrays.js';
import type { HeapGraph } from '../heap/types.js';
import { secretFingerprint, type BufferScan, type SentSecret, type SentSecrets } from '../sent-secrets.js';
import type { KeyForm, KeyHolder, KeyPart, KeyResidency, PathStep } from '../types.js';
import { describeHolder } from './analyze-graphs.js';
import { bulkArrays } from './bulk-arrays.js';
import { backingStoreOwner, containerKind, isBackingStoreNode, type ContainerKind } from './container-shape.js';
import { humanPath } from './human-path.js';
import { MaterialIndex } from './key-material-index.js';

/** Longest concatenation rebuilt for the search, characters (V8's own name limit is 1,024). */
export const MAX_CONCAT_CHARS = 16_384;

/** V8 cuts string names in snapshots at this many characters. */
export const SNAPSHOT_STRING_LIMIT = 1024;

/**
 * A holder "grows with requests" when, between the middle and the final snapshot, it gained at
 * least this many keys and at least {@link GROWTH_MIN_SHARE} of the keys completed in between. A
 * bounded structure (an LRU, a map swept every second) holds a number of keys unrelated to the
 * traffic so far: measured on rate-limit-counters' fixed twin at ~500 req/s, its swept map went
 * from 142 to 519 keys while 2,570 keys completed (0.15), the leaky twin's from 5,465 to 7,977
 * while 2,655 completed (0.95).
 */
export const GROWTH_MIN_KEYS = 16;
export const GROWTH_MIN_SHARE = 0.25;

/** What the scan needs besides the graphs. */
export interface KeyResidencyInput {
  secrets: SentSecrets;
  /** Label and requests completed at each graph given (same order; the last is the final snapshot). */
  snapshots: Array<{ label: string; requests: number }>;
  /** ArrayBuffer contents searched through the inspector after the final snapshot, if they were. */
  buffers?: BufferScan;
  /** Phase timings (ms) are written here when given: `index`, `strings`, `holders`. */
  timings?: Record<string, number>;
}

/** Which part of a credential a value is. */
const WHOLE = 2;
const SECRET = 1;
const ID = 0;
const PART_NAMES: readonly KeyPart[] = ['id-only', 'secret-part', 'whole-key'];

/** The values searched for, with what each stands for. */
interface Needles {
  index: MaterialIndex;
  /** Per value: the credential (index into the completed list) and the part (WHOLE, SECRET, ID). */
  secretOf: Int32Array;
  partOf: Uint8Array;
  completed: SentSecret[];
  /**
   * Per credential: where its secret part starts inside the whole credential, when the whole is
   * found through its secret part (not searched for itself: one pass less); -1 otherwise.
   */
  secretOffset: Int32Array;
  /** Position of each completed credential in `SentSecrets.secrets`. */
  originalIndex: Int32Array;
}

const FORMS: readonly KeyForm[] = ['exact', 'embedded', 'json', 'concatenated', 'sliced', 'buffer'];
const FORM_BUFFER = 5;
const FORM_CONCATENATED = 3;

/**
 * Where key material was found, one entry per (node, credential): flat arrays, since a leaking
 * server gives one entry per request (hundreds of thousands).
 */
class Hits {
  readonly node: number[] = [];
  readonly secret: number[] = [];
  readonly part: number[] = [];
  readonly form: number[] = [];
  /** Bytes holding it when not the node's self size (an ArrayBuffer's contents), else -1. */
  readonly bytes: number[] = [];

  add(node: number, secret: number, part: number, form: number, bytes = -1): void {
    this.node.push(node);
    this.secret.push(secret);
    this.part.push(part);
    this.form.push(form);
    this.bytes.push(bytes);
  }

  get length(): number {
    return this.node.length;
  }
}

/** The scan of one graph. */
interface GraphScan {
  /** Best part resident per completed credential (-1: none). */
  best: Int8Array;
  hits: Hits;
  truncated: number;
  consSkipped: number;
}

/**
 * Scans the graphs (middle and final snapshots, in that order; at least the final) for the key
 * material of completed requests.
 */
export function scanKeyResidency(graphs: HeapGraph[], input: KeyResidencyInput): KeyResidency {
  const t0 = performance.now();
  const finalIndex = graphs.length - 1;
  const finalRequests = input.snapshots[finalIndex]?.requests ?? Infinity;
  const timings = input.timings ?? {};
  let t = performance.now();
  const needles = buildNeedles(input.secrets.secrets, finalRequests);
  timings['index'] = performance.now() - t;
  t = performance.now();
  const scans = graphs.map((g) => scanGraph(g, needles));
  timings['strings'] = performance.now() - t;
  t = performance.now();
  const final = graphs[finalIndex]!;
  const finalScan = scans[finalIndex]!;
  const n = needles.completed.length;

  // Buffers found through the inspector count as resident too (final snapshot's id space).
  let bufferKeys = 0;
  if (input.buffers?.state === 'scanned') {
    const position = new Map<number, number>();
    needles.originalIndex.forEach((orig, i) => position.set(orig, i));
    const seen = new Set<number>();
    for (const b of input.buffers.hits) {
      const node = b.nodeId > 0 ? final.ordinalOfId(b.nodeId) : -1;
      for (const f of b.found) {
        const i = position.get(f.secret);
        if (i === undefined) continue;
        const part = f.whole ? WHOLE : SECRET;
        if (part > finalScan.best[i]!) finalScan.best[i] = part;
        seen.add(i);
        if (node >= 0) finalScan.hits.add(node, i, part, FORM_BUFFER, b.sizeBytes);
      }
    }
    bufferKeys = seen.size;
  }

  // Holders of the final snapshot, and their key counts in the middle one (by node id).
  const holders = collectHolders(final, finalScan.hits, needles, input.secrets.shape);
  const middleScan = graphs.length > 1 ? scans[finalIndex - 1] : undefined;
  const middle = graphs.length > 1 ? graphs[finalIndex - 1] : undefined;
  if (middle !== undefined && middleScan !== undefined) {
    const atMiddle = collectHolders(middle, middleScan.hits, needles, input.secrets.shape);
    const byId = new Map(atMiddle.map((h) => [h.holderId, h.keys]));
    // Buffers are searched at the final snapshot only: a holder of buffers alone has no middle count.
    for (const h of holders) if ((stringKeysOf.get(h) ?? h.keys) > 0) h.keysAtMiddle = h.holderId === undefined ? 0 : byId.get(h.holderId) ?? 0;
  }

  timings['holders'] = performance.now() - t;
  const byPart: Record<KeyPart, number> = { 'whole-key': 0, 'secret-part': 0, 'id-only': 0 };
  let resident = 0;
  let secretResident = 0;
  for (let i = 0; i < n; i++) {
    const b = finalScan.best[i]!;
    if (b < 0) continue;
    resident++;
    byPart[PART_NAMES[b]!]++;
    if (b >= SECRET) secretResident++;
  }
  const snapshots = graphs.map((_, k) => {
    const at = input.snapshots[k] ?? { label: `snapshot ${k + 1}`, requests: finalRequests };
    let completed = 0;
    let res = 0;
    let sec = 0;
    for (let i = 0; i < n; i++) {
      if (needles.completed[i]!.completedAtRequest > at.requests) continue;
      completed++;
      const b = scans[k]!.best[i]!;
      if (b >= 0) res++;
      if (b >= SECRET) sec++;
    }
    return { label: at.label, keysCompleted: completed, residentKeys: res, secretResidentKeys: sec, share: completed === 0 ? 0 : round4(res / completed) };
  });
  // Growth compares string residency only: buffers are searched at the final snapshot alone.
  const between = snapshots.length > 1 ? snapshots[snapshots.length - 1]!.keysCompleted - snapshots[snapshots.length - 2]!.keysCompleted : 0;
  const grows = holders.some((h) =>
    holderGrows({ keys: stringKeysOf.get(h) ?? h.keys, ...(h.keysAtMiddle === undefined ? {} : { keysAtMiddle: h.keysAtMiddle }) }, between),
  );
  const trend = resident === 0 ? 'none' : grows ? 'grows' : 'steady';
  const bytes = holders.reduce((s, h) => s + h.bytes, 0);

  const limits: string[] = [];
  if (finalScan.truncated > 0) {
    limits.push(
      `${finalScan.truncated} string(s) longer than ${SNAPSHOT_STRING_LIMIT} characters are cut there in the snapshot: key material past that point cannot be seen`,
    );
  }
  if (finalScan.consSkipped > 0) limits.push(`${finalScan.consSkipped} concatenated string(s) longer than ${MAX_CONCAT_CHARS} characters were searched in their parts only`);
  const buffers = bufferSummary(input.buffers, bufferKeys);
  if (buffers.state === 'not-scanned') limits.push(`ArrayBuffer contents were not searched (${buffers.reason}): keys held only in Buffers are not counted`);
  limits.push('memory outside the V8 heap and ArrayBuffers (native allocations, TLS and socket buffers inside Node) is not searched');

  const keysCompleted = n;
  const result: KeyResidency = {
    shape: input.secrets.shape,
    keysSent: input.secrets.secrets.length,
    keysCompleted,
    residentKeys: resident,
    residentShare: keysCompleted === 0 ? 0 : round4(resident / keysCompleted),
    secretResidentKeys: secretResident,
    secretResidentShare: keysCompleted === 0 ? 0 : round4(secretResident / keysCompleted),
    byPart,
    bytes,
    snapshots,
    trend,
    holders,
    buffers,
    limits,
    summary: '',
    durationMs: Math.round(performance.now() - t0),
  };
  result.summary = summarize(result);
  return result;
}

/** True when a holder kept a share of the keys completed between the middle and final snapshots (see {@link GROWTH_MIN_SHARE}). */
export function holderGrows(h: Pick<KeyHolder, 'keys' | 'keysAtMiddle'>, keysCompletedBetween: number): boolean {
  if (h.keysAtMiddle === undefined) return false;
  const gained = h.keys - h.keysAtMiddle;
  return gained >= GROWTH_MIN_KEYS && gained >= GROWTH_MIN_SHARE * keysCompletedBetween;
}

function bufferSummary(scan: BufferScan | undefined, keysFound: number): KeyResidency['buffers'] {
  if (scan === undefined) return { state: 'not-scanned', reason: 'no inspector session to search them through' };
  if (scan.state === 'not-scanned') return { state: 'not-scanned', reason: scan.reason ?? 'unknown' };
  const out: KeyResidency['buffers'] = { state: 'scanned', buffersScanned: scan.buffersScanned, bytesScanned: scan.bytesScanned, keysFound };
  if (scan.reason !== undefined) out.reason = scan.reason;
  return out;
}

function buildNeedles(all: readonly SentSecret[], finalRequests: number): Needles {
  const completed: SentSecret[] = [];
  const originalIndex: number[] = [];
  all.forEach((s, i) => {
    if (s.completedAtRequest > 0 && s.completedAtRequest <= finalRequests) {
      completed.push(s);
      originalIndex.push(i);
    }
  });
  const values: string[] = [];
  const secretOf: number[] = [];
  const partOf: number[] = [];
  const add = (value: string | undefined, i: number, part: number): void => {
    if (value === undefined || value.length < 4) return;
    values.push(value);
    secretOf.push(i);
    partOf.push(part);
  };
  const secretOffset = new Int32Array(completed.length).fill(-1);
  completed.forEach((s, i) => {
    const at = s.secret !== s.whole && s.secret.length >= 4 ? s.whole.lastIndexOf(s.secret) : -1;
    if (at >= 0) secretOffset[i] = at;
    else add(s.whole, i, WHOLE);
    if (s.secret !== s.whole) add(s.secret, i, SECRET);
    if (s.id !== undefined && s.id !== s.secret) add(s.id, i, ID);
  });
  return {
    secretOffset,
    index: new MaterialIndex(values),
    secretOf: Int32Array.from(secretOf),
    partOf: Uint8Array.from(partOf),
    completed,
    originalIndex: Int32Array.from(originalIndex),
  };
}

/** The string table of a graph read by the heap engine, or undefined for other HeapGraphs. */
function flatArrays(g: HeapGraph): FlatGraphArrays | undefined {
  const arrays = (g as { arrays?: FlatGraphArrays }).arrays;
  return arrays !== undefined && typeof arrays.strings?.parts === 'function' ? arrays : undefined;
}

function scanGraph(g: HeapGraph, needles: Needles): GraphScan {
  const n = needles.completed.length;
  const best = new Int8Array(n).fill(-1);
  const hits = new Hits();
  const scan: GraphScan = { best, hits, truncated: 0, consSkipped: 0 };
  if (n === 0) return scan;
  const types = g.meta.nodeTypes;
  const tString = types.indexOf('string');
  const tCons = types.indexOf('concatenated string');
  const tSliced = types.indexOf('sliced string');
  const reachable = bulkArrays(g).reachable;
  const arrays = flatArrays(g);
  const record = (node: number, found: TextHits, formOverride = -1): void => {
    const form = formOverride >= 0 ? formOverride : found.form;
    for (let k = 0; k < found.secrets.length; k++) {
      const i = found.secrets[k]!;
      const p = found.parts[k]!;
      hits.add(node, i, p, form);
      if (p > best[i]!) best[i] = p;
    }
  };
  if (arrays === undefined) {
    // Any other HeapGraph: strings by name, concatenations rebuilt as text.
    const typeOf = (o: number): number => types.indexOf(g.nodeType(o));
    for (let o = 0; o < g.nodeCount; o++) {
      const t = typeOf(o);
      if (reachable[o] === 0) continue;
      if (t === tString) {
        const text = g.nodeName(o);
        if (text.length >= SNAPSHOT_STRING_LIMIT && g.selfSize(o) > SNAPSHOT_STRING_LIMIT + 24) scan.truncated++;
        const found = hitsInText(Buffer.from(text, 'utf8'), 0, Buffer.byteLength(text), needles);
        if (found !== undefined) record(o, found);
      } else if (t === tCons && isConsRoot(g, o, typeOf, tCons, tSliced)) {
        const parts: Uint8Array[] = [];
        let length = 0;
        forEachConsLeaf(g, o, typeOf, tCons, (leaf) => {
          const piece = typeOf(leaf) === tString ? Buffer.from(g.nodeName(leaf), 'utf8') : ZERO;
          length += piece.length;
          parts.push(piece);
          return length <= MAX_CONCAT_CHARS;
        });
        if (length > MAX_CONCAT_CHARS) scan.consSkipped++;
        else {
          const text = Buffer.concat(parts);
          const found = hitsInText(text, 0, text.length, needles);
          if (found !== undefined) record(o, found, FORM_CONCATENATED);
        }
      }
    }
    return scan;
  }

  // 1. Which texts reachable string nodes hold (V8 names equal strings alike, and the string
  // table holds each text once), and which concatenations head a tree of parts.
  const { nodeType, nodeName, firstRetainer, retainerNode, firstEdge, edgeName, edgeTo } = arrays;
  const table = arrays.strings.parts();
  const decoded = new Map(table.decoded);
  const { bytes, starts, ends } = table;
  const used = new Uint8Array(table.length);
  const consRoots: number[] = [];
  for (let o = 0, count = g.nodeCount; o < count; o++) {
    const t = nodeType[o]!;
    if ((t !== tString && t !== tCons) || reachable[o] === 0) continue;
    if (t === tString) {
      used[nodeName[o]!] = 1;
      continue;
    }
    // A concatenation that is not only a part of other concatenations (or slices) heads a tree.
    for (let r = firstRetainer[o]!, end = firstRetainer[o + 1]!; r < end; r++) {
      const rt = nodeType[retainerNode[r]!]!;
      if (rt !== tCons && rt !== tSliced) {
        consRoots.push(o);
        break;
      }
    }
  }
  // 2. Search each text once (UTF-8 bytes; decoded strings, which had JSON escapes, re-encoded),
  // keeping what was found per text in flat arrays; then charge each text's nodes.
  const search = new TextSearch(needles);
  const foundAt = new Int32Array(table.length).fill(-1);
  const foundSecret: number[] = [];
  const foundPart: number[] = [];
  const foundForm: number[] = [];
  const foundEnd: number[] = [];
  const long = new Uint8Array(table.length);
  for (let name = 0; name < table.length; name++) {
    if (used[name] === 0) continue;
    const text = decoded.get(name);
    if ((text?.length ?? ends[name]! - starts[name]!) >= SNAPSHOT_STRING_LIMIT) long[name] = 1;
    let any: boolean;
    if (text === undefined) any = search.run(bytes, starts[name]!, ends[name]!);
    else {
      const b = Buffer.from(text, 'utf8');
      any = search.run(b, 0, b.length);
    }
    if (!any) continue;
    foundAt[name] = foundForm.length;
    foundForm.push(search.form);
    for (let k = 0; k < search.secrets.length; k++) {
      foundSecret.push(search.secrets[k]!);
      foundPart.push(search.parts[k]!);
    }
    foundEnd.push(foundSecret.length);
  }
  for (let o = 0, count = g.nodeCount; o < count; o++) {
    if (nodeType[o] !== tString || reachable[o] === 0) continue;
    const name = nodeName[o]!;
    // A name of the limit's length on a string larger than that many characters was cut.
    if (long[name] === 1 && g.selfSize(o) > SNAPSHOT_STRING_LIMIT + 24) scan.truncated++;
    const f = foundAt[name]!;
    if (f < 0) continue;
    for (let k = f === 0 ? 0 : foundEnd[f - 1]!, end = foundEnd[f]!; k < end; k++) {
      const i = foundSecret[k]!;
      const p = foundPart[k]!;
      hits.add(o, i, p, foundForm[f]!);
      if (p > best[i]!) best[i] = p;
    }
  }
  // 3. Concatenations, rebuilt from their parts' bytes (a slice's offset is not in the snapshot:
  // its text is unknown and stands as a zero byte; its parent string was searched in step 2).
  const firstNames = arrays.strings.indexesOf('first');
  const secondNames = arrays.strings.indexesOf('second');
  let scratch = Buffer.allocUnsafe(4096);
  let stack = new Int32Array(256);
  for (const root of consRoots) {
    let length = 0;
    let sp = 0;
    let fits = true;
    stack[sp++] = root;
    while (sp > 0) {
      const o = stack[--sp]!;
      if (nodeType[o] === tCons) {
        let first = -1;
        let second = -1;
        for (let e = firstEdge[o]!, end = firstEdge[o + 1]!; e < end; e++) {
          const nm = edgeName[e]!;
          if (firstNames.has(nm)) first = edgeTo[e]!;
          else if (secondNames.has(nm)) second = edgeTo[e]!;
        }
        if (sp + 2 > stack.length) {
          const bigger = new Int32Array(stack.length * 2);
          bigger.set(stack);
          stack = bigger;
        }
        if (second >= 0) stack[sp++] = second;
        if (first >= 0) stack[sp++] = first;
        continue;
      }
      let piece: Buffer | undefined;
      let from = 0;
      let to = 1;
      if (nodeType[o] === tString) {
        const name = nodeName[o]!;
        const text = decoded.size > 0 ? decoded.get(name) : undefined;
        if (text === undefined) {
          piece = bytes as Buffer;
          from = starts[name]!;
          to = ends[name]!;
        } else {
          piece = Buffer.from(text, 'utf8');
          to = piece.length;
        }
      }
      const size = to - from;
      if (length + size > MAX_CONCAT_CHARS) {
        fits = false;
        break;
      }
      if (length + size > scratch.length) {
        const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, length + size));
        scratch.copy(bigger, 0, 0, length);
        scratch = bigger;
      }
      if (piece === undefined) scratch[length] = 0;
      else if (size <= 64) for (let k = 0; k < size; k++) scratch[length + k] = piece[from + k]!; // cheaper than a native call
      else piece.copy(scratch, length, from, to);
      length += size;
    }
    if (!fits) {
      scan.consSkipped++;
      continue;
    }
    if (!search.run(scratch, 0, length)) continue;
    for (let k = 0; k < search.secrets.length; k++) {
      const i = search.secrets[k]!;
      const p = search.parts[k]!;
      hits.add(root, i, p, FORM_CONCATENATED);
      if (p > best[i]!) best[i] = p;
    }
  }
  return scan;
}

/**
 * Finds the material in one text at a time: per credential found, the best part (`secrets`,
 * `parts`), and the text's form (index into FORMS). One object per scan, its hit callback made
 * once: the scan runs it on every string of the heap.
 */
class TextSearch {
  secrets: number[] = [];
  parts: number[] = [];
  form = 1;
  private exact = false;
  private bytes: Uint8Array = ZERO;
  private start = 0;
  private end = 0;

  constructor(private readonly needles: Needles) {}

  /** Searches `bytes[start, end)`; true when anything was found. */
  run(bytes: Uint8Array, start: number, end: number): boolean {
    const { index } = this.needles;
    if (end - start < index.minLength) return false;
    this.secrets.length = 0;
    this.parts.length = 0;
    this.exact = false;
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    index.searchBytes(bytes, start, end, this.onHit);
    if (this.secrets.length === 0) return false;
    const first = bytes[start];
    this.form = this.exact ? 0 : first === 0x7b || first === 0x5b ? 2 : 1;
    return true;
  }

  private readonly onHit = (v: number, offset: number): void => {
    const needles = this.needles;
    const i = needles.secretOf[v]!;
    let part = needles.partOf[v]!;
    const wo = needles.secretOffset[i]!;
    if (part === SECRET && wo >= 0 && offset >= wo && wholeAt(this.bytes, this.start + offset - wo, this.end, needles.completed[i]!.whole)) {
      part = WHOLE;
      offset -= wo;
    }
    const k = this.secrets.indexOf(i);
    if (k < 0) {
      this.secrets.push(i);
      this.parts.push(part);
    } else if (this.parts[k]! < part) this.parts[k] = part;
    if (part === WHOLE) {
      // The whole text is the credential, or the header value exactly as it was sent (`Bearer <token>`).
      const sent = needles.completed[i]!;
      const length = this.end - this.start;
      if (offset === 0 && length === sent.whole.length) this.exact = true;
      else if (sent.headerValue !== undefined && length === sent.headerValue.length && offset === sent.headerValue.indexOf(sent.whole)) this.exact = true;
    }
  };
}

const ZERO = new Uint8Array(1);

/** A concatenation that is not itself a part of another concatenation (or is also held elsewhere). */
function isConsRoot(g: HeapGraph, o: number, typeOf: (o: number) => number, tCons: number, tSliced: number): boolean {
  for (let r = g.firstRetainer(o), end = g.retainersEnd(o); r < end; r++) {
    const t = typeOf(g.retainerNode(r));
    if (t !== tCons && t !== tSliced) return true;
  }
  return false;
}

/**
 * Calls `visit` with the leaves of a concatenation tree in text order (first before second);
 * stops and returns false when `visit` does.
 */
function forEachConsLeaf(g: HeapGraph, root: number, typeOf: (o: number) => number, tCons: number, visit: (leaf: number) => boolean): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (typeOf(o) === tCons) {
      let first = -1;
      let second = -1;
      for (let e = g.firstEdge(o), end = g.edgesEnd(o); e < end; e++) {
        if (g.edgeNameIs(e, 'first')) first = g.edgeTarget(e);
        else if (g.edgeNameIs(e, 'second')) second = g.edgeTarget(e);
      }
      if (second >= 0) stack.push(second);
      if (first >= 0) stack.push(first);
      continue;
    }
    if (!visit(o)) return false;
  }
  return true;
}

/** Material found in one text (the fallback path for graphs other than the engine's). */
interface TextHits {
  form: number;
  secrets: number[];
  parts: number[];
}

function hitsInText(bytes: Uint8Array, start: number, end: number, needles: Needles): TextHits | undefined {
  const search = new TextSearch(needles);
  if (!search.run(bytes, start, end)) return undefined;
  return { form: search.form, secrets: [...search.secrets], parts: [...search.parts] };
}

/** True when the ASCII text `whole` is at `bytes[at…]` (before `end`). */
function wholeAt(bytes: Uint8Array, at: number, end: number, whole: string): boolean {
  if (at + whole.length > end) return false;
  for (let k = 0; k < whole.length; k++) if (bytes[at + k] !== whole.charCodeAt(k)) return false;
  return true;
}

/** Container kinds that end the walk up from a string (what accumulates entries). */
const COLLECTIONS: ReadonlySet<ContainerKind> = new Set(['map', 'set', 'weak-collection', 'array', 'listener-array', 'dictionary', 'timer-list']);

/** How far up a string's shortest path the walk looks for a collection. */
const MAX_WALK = 12;

/** Keys a holder keeps in strings (not counting buffers): what its middle-snapshot count compares with. */
const stringKeysOf = new WeakMap<KeyHolder, number>();

/** Groups hits by holder and describes each holder. */
function collectHolders(g: HeapGraph, hits: Hits, needles: Needles, shape: string): KeyHolder[] {
  const walk = new Walker(g);
  interface Group {
    /** Best part per credential (-1: none). */
    parts: Int8Array;
    keys: number;
    /** 1 for credentials found in its strings (the middle snapshot has no buffer scan to compare with). */
    inStrings: Uint8Array;
    stringKeys: number;
    forms: Set<number>;
    bytes: number;
  }
  const n = needles.completed.length;
  const groups = new Map<number, Group>();
  // Per node: its holder (-2 not walked yet) and the form met on the way (-1 none).
  const holderOfNode = new Int32Array(g.nodeCount).fill(-2);
  const viaOfNode = new Int8Array(g.nodeCount);
  const counted = new Uint8Array(g.nodeCount);
  for (let h = 0; h < hits.length; h++) {
    const node = hits.node[h]!;
    if (holderOfNode[node] === -2) {
      const found = walk.holderOf(node);
      holderOfNode[node] = found.holder;
      viaOfNode[node] = found.via;
    }
    const holder = holderOfNode[node]!;
    let group = groups.get(holder);
    if (group === undefined) {
      group = { parts: new Int8Array(n).fill(-1), keys: 0, inStrings: new Uint8Array(n), stringKeys: 0, forms: new Set(), bytes: 0 };
      groups.set(holder, group);
    }
    const via = viaOfNode[node]!;
    group.forms.add(via >= 0 ? via : hits.form[h]!);
    if (counted[node] === 0) {
      counted[node] = 1;
      group.bytes += hits.bytes[h]! >= 0 ? hits.bytes[h]! : g.selfSize(node);
    }
    const i = hits.secret[h]!;
    const p = hits.part[h]!;
    if (group.parts[i] === -1) group.keys++;
    if (hits.form[h] !== FORM_BUFFER && group.inStrings[i] === 0) {
      group.inStrings[i] = 1;
      group.stringKeys++;
    }
    if (group.parts[i]! < p) group.parts[i] = p;
  }
  const marker = shape === 'leakbench-key' ? 'lk_…#' : 'secret…#';
  const out: KeyHolder[] = [];
  for (const [holder, group] of groups) {
    const counts = [0, 0, 0];
    const examples: string[] = [];
    for (let i = 0; i < n; i++) {
      const p = group.parts[i]!;
      if (p < 0) continue;
      counts[p]!++;
      if (examples.length < 3) examples.push(secretFingerprint(needles.completed[i]!.whole, marker));
    }
    const secretKeys = counts[WHOLE]! + counts[SECRET]!;
    const part: KeyPart = secretKeys === 0 ? 'id-only' : counts[WHOLE]! >= counts[SECRET]! ? 'whole-key' : 'secret-part';
    const label = holder === g.rootOrdinal ? { holder: '(GC roots)' } : describeHolder(g, holder, containerKind(g, holder));
    const entry: KeyHolder = {
      holder: redactKnown(label.holder, needles, marker),
      path: redactPath(humanPath(g, holder), needles, marker),
      holderId: g.nodeId(holder),
      part,
      forms: [...group.forms].map((f) => FORMS[f]!).sort(),
      keys: group.keys,
      secretKeys,
      bytes: group.bytes,
      examples,
    };
    stringKeysOf.set(entry, group.stringKeys);
    out.push(entry);
  }
  out.sort((a, b) => b.secretKeys - a.secretKeys || b.keys - a.keys || b.bytes - a.bytes || (a.holderId ?? 0) - (b.holderId ?? 0));
  return out;
}

/**
 * Walks from a node holding material to its holder along shortest retainer paths (as
 * HeapGraph.pathToRoot): through strings, noting a slice or a concatenation on the way, then from
 * the first other node to the first collection (backing stores lifted to their owner), else that
 * first owner. The part above the strings is remembered per node: every key of one Map shares it.
 */
class Walker {
  private readonly memo = new Map<number, number>();
  private readonly distances: Int32Array | undefined;
  private readonly weak: number;
  private readonly arrays: FlatGraphArrays | undefined;
  /** Form index by node type index for the string types (-1 plain string), -2 for other types. */
  private readonly stringForm: Int8Array;

  constructor(private readonly g: HeapGraph) {
    this.distances = (g as { distanceArray?: () => Int32Array }).distanceArray?.();
    this.weak = g.meta.edgeTypes.indexOf('weak');
    this.arrays = flatArrays(g);
    const types = g.meta.nodeTypes;
    this.stringForm = new Int8Array(types.length).fill(-2);
    types.forEach((t, k) => {
      if (t === 'string') this.stringForm[k] = -1;
      else if (t === 'sliced string') this.stringForm[k] = 4;
      else if (t === 'concatenated string') this.stringForm[k] = FORM_CONCATENATED;
    });
  }

  holderOf(start: number): { holder: number; via: number } {
    let via = -1;
    let cur = start;
    for (let step = 0; step < MAX_WALK; step++) {
      const parent = this.parent(cur);
      if (parent < 0) return { holder: cur, via };
      const form = this.stringForm[this.typeIndex(parent)]!;
      if (form === -2) return { holder: this.holderAbove(parent), via };
      if (via < 0) via = form;
      cur = parent;
    }
    return { holder: cur, via };
  }

  private typeIndex(o: number): number {
    return this.arrays ? this.arrays.nodeType[o]! : this.g.meta.nodeTypes.indexOf(this.g.nodeType(o));
  }

  private holderAbove(owner: number): number {
    const g = this.g;
    const known = this.memo.get(owner);
    if (known !== undefined) return known;
    let at = owner;
    let firstOwner = -1;
    let holder = -1;
    for (let step = 0; step < MAX_WALK && at >= 0; step++) {
      if (isBackingStoreNode(g, at)) {
        const lifted = backingStoreOwner(g, at);
        if (lifted < 0) {
          at = this.parent(at);
          continue;
        }
        at = lifted;
      }
      const cached = this.memo.get(at);
      if (cached !== undefined) {
        holder = cached;
        break;
      }
      if (COLLECTIONS.has(containerKind(g, at))) {
        holder = at;
        break;
      }
      if (firstOwner < 0) firstOwner = at;
      at = this.parent(at);
    }
    if (holder < 0) holder = firstOwner >= 0 ? firstOwner : owner;
    this.memo.set(owner, holder);
    return holder;
  }

  /** The retainer one step closer to the root on a shortest path, or -1. */
  private parent(o: number): number {
    const g = this.g;
    const distances = this.distances;
    const d = distances ? distances[o]! : g.distance(o);
    if (d <= 0) return -1;
    const root = g.rootOrdinal;
    const a = this.arrays;
    if (a !== undefined && distances !== undefined) {
      for (let r = a.firstRetainer[o]!, end = a.firstRetainer[o + 1]!; r < end; r++) {
        const from = a.retainerNode[r]!;
        if (from === o || a.edgeType[a.retainerEdge[r]!] === this.weak) continue;
        if (d === 1 ? from === root : distances[from] === d - 1) return from;
      }
      return -1;
    }
    for (let r = g.firstRetainer(o), end = g.retainersEnd(o); r < end; r++) {
      const from = g.retainerNode(r);
      if (from === o || g.edgeType(g.retainerEdge(r)) === 'weak') continue;
      if (d === 1 ? from === root : g.distance(from) === d - 1) return from;
    }
    return -1;
  }
}

/** `text` with every known credential, secret part or header value replaced by its fingerprint. */
function redactKnown(text: string, needles: Needles, marker: string): string {
  const ranges: Array<[number, number, number]> = [];
  needles.index.searchString(text, (v, offset) => {
    if (needles.partOf[v] === ID) return;
    const i = needles.secretOf[v]!;
    const wo = needles.secretOffset[i]!;
    const whole = needles.completed[i]!.whole;
    if (wo >= 0 && offset >= wo && text.startsWith(whole, offset - wo)) ranges.push([offset - wo, offset - wo + whole.length, i]);
    else ranges.push([offset, offset + needles.index.values[v]!.length, i]);
  });
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let at = 0;
  for (const [s, e, i] of ranges) {
    if (e <= at) continue;
    out += text.slice(at, Math.max(at, s)) + secretFingerprint(needles.completed[i]!.whole, marker);
    at = e;
  }
  return out + text.slice(at);
}

function redactPath(path: PathStep[], needles: Needles, marker: string): PathStep[] {
  return path.map((s) => ({ ...s, node: redactKnown(s.node, needles, marker), edge: redactKnown(s.edge, needles, marker) }));
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** One or two sentences: how many keys, which part, where, and the trend. */
function summarize(r: KeyResidency): string {
  if (r.keysCompleted === 0) return 'no completed request carried a key: nothing to look for';
  const pct = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)} %`;
  if (r.residentKeys === 0) {
    const buffers = r.buffers.state === 'scanned' ? 'strings and ArrayBuffers' : 'strings (ArrayBuffers not searched)';
    return `none of the ${r.keysCompleted} completed keys is resident in the final heap's ${buffers}`;
  }
  const top = r.holders[0];
  const where = top === undefined ? '' : `; most are held by ${top.holder}`;
  const secret =
    r.secretResidentKeys === 0
      ? `only key ids remain (${r.residentKeys} of ${r.keysCompleted} keys): no secret part is resident`
      : `${r.secretResidentKeys} of ${r.keysCompleted} completed keys (${pct(r.secretResidentShare)}) still have their secret in memory`;
  const trend = r.trend === 'grows' ? ', and the number grows with requests' : r.trend === 'steady' ? ', a number that does not grow with requests' : '';
  return `${secret}${trend}${where}`;
}
