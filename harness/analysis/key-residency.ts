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
 * A holder "grows" when it keeps at least this many more keys in the final snapshot than in the
 * middle one, and at least {@link GROWTH_MIN_RATIO} times as many.
 */
export const GROWTH_MIN_KEYS = 16;
export const GROWTH_MIN_RATIO = 1.2;

/** What the scan needs besides the graphs. */
export interface KeyResidencyInput {
  secrets: SentSecrets;
  /** Label and requests completed at each graph given (same order; the last is the final snapshot). */
  snapshots: Array<{ label: string; requests: number }>;
  /** ArrayBuffer contents searched through the inspector after the final snapshot, if they were. */
  buffers?: BufferScan;
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

/** One place key material was found: a node, and per credential the best part it holds. */
interface Hit {
  node: number;
  form: KeyForm;
  parts: Map<number, number>;
  /** Bytes of memory holding it when not the node's self size (an ArrayBuffer's contents). */
  bytes?: number;
}

/** The scan of one graph. */
interface GraphScan {
  /** Best part resident per completed credential (-1: none). */
  best: Int8Array;
  hits: Hit[];
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
  const needles = buildNeedles(input.secrets.secrets, finalRequests);
  const scans = graphs.map((g) => scanGraph(g, needles));
  const final = graphs[finalIndex]!;
  const finalScan = scans[finalIndex]!;
  const n = needles.completed.length;

  // Buffers found through the inspector count as resident too (final snapshot's id space).
  const bufferHits: Hit[] = [];
  let bufferKeys = 0;
  if (input.buffers?.state === 'scanned') {
    const position = new Map<number, number>();
    needles.originalIndex.forEach((orig, i) => position.set(orig, i));
    const seen = new Set<number>();
    for (const b of input.buffers.hits) {
      const parts = new Map<number, number>();
      for (const f of b.found) {
        const i = position.get(f.secret);
        if (i === undefined) continue;
        const part = f.whole ? WHOLE : SECRET;
        parts.set(i, Math.max(parts.get(i) ?? -1, part));
        if (part > finalScan.best[i]!) finalScan.best[i] = part;
        seen.add(i);
      }
      const node = b.nodeId > 0 ? final.ordinalOfId(b.nodeId) : -1;
      if (node >= 0 && parts.size > 0) bufferHits.push({ node, form: 'buffer', parts, bytes: b.sizeBytes });
    }
    bufferKeys = seen.size;
  }

  // Holders of the final snapshot, and their key counts in the middle one (by node id).
  const holders = collectHolders(final, [...finalScan.hits, ...bufferHits], needles, input.secrets.shape);
  const middleScan = graphs.length > 1 ? scans[finalIndex - 1] : undefined;
  const middle = graphs.length > 1 ? graphs[finalIndex - 1] : undefined;
  if (middle !== undefined && middleScan !== undefined) {
    const atMiddle = collectHolders(middle, middleScan.hits, needles, input.secrets.shape);
    const byId = new Map(atMiddle.map((h) => [h.holderId, h.keys]));
    for (const h of holders) h.keysAtMiddle = h.holderId === undefined ? 0 : byId.get(h.holderId) ?? 0;
  }

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
  const trend = resident === 0 ? 'none' : holders.some(holderGrows) ? 'grows' : 'steady';
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

/** True when a holder keeps clearly more keys at the final snapshot than at the middle one. */
export function holderGrows(h: Pick<KeyHolder, 'keys' | 'keysAtMiddle'>): boolean {
  if (h.keysAtMiddle === undefined) return false;
  return h.keys - h.keysAtMiddle >= GROWTH_MIN_KEYS && h.keys >= GROWTH_MIN_RATIO * h.keysAtMiddle;
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
  const hits: Hit[] = [];
  const scan: GraphScan = { best, hits, truncated: 0, consSkipped: 0 };
  if (n === 0) return scan;
  const types = g.meta.nodeTypes;
  const tString = types.indexOf('string');
  const tCons = types.indexOf('concatenated string');
  const tSliced = types.indexOf('sliced string');
  const arrays = flatArrays(g);
  const typeOf = arrays ? (o: number): number => arrays.nodeType[o]! : (o: number): number => types.indexOf(g.nodeType(o));

  // 1. Which texts reachable string nodes hold (V8 names equal strings alike, and the string
  // table holds each text once), and which concatenations head a tree of parts.
  const reachable = bulkArrays(g).reachable;
  const consRoots: number[] = [];
  const record = (node: number, form: KeyForm, parts: Map<number, number>): void => {
    hits.push({ node, form, parts });
    for (const [i, p] of parts) if (p > best[i]!) best[i] = p;
  };
  if (arrays) {
    const { nodeType, nodeName } = arrays;
    const table = arrays.strings.parts();
    const used = new Uint8Array(table.length);
    for (let o = 0, count = g.nodeCount; o < count; o++) {
      const t = nodeType[o]!;
      if ((t !== tString && t !== tCons) || reachable[o] === 0) continue;
      if (t === tString) used[nodeName[o]!] = 1;
      else if (isConsRoot(g, o, typeOf, tCons, tSliced)) consRoots.push(o);
    }
    // 2. Search each text once; then charge its nodes.
    const found = new Map<number, TextHits>();
    const decoded = new Map(table.decoded);
    const long = new Uint8Array(table.length);
    const { bytes, starts, ends } = table;
    for (let name = 0; name < table.length; name++) {
      if (used[name] === 0) continue;
      const text = decoded.get(name);
      if ((text?.length ?? ends[name]! - starts[name]!) >= SNAPSHOT_STRING_LIMIT) long[name] = 1;
      const hit = text !== undefined ? hitsInString(text, needles) : hitsInBytes(bytes, starts[name]!, ends[name]!, needles, needles.index);
      if (hit !== undefined) found.set(name, hit);
    }
    for (let o = 0, count = g.nodeCount; o < count; o++) {
      if (nodeType[o] !== tString || reachable[o] === 0) continue;
      const name = nodeName[o]!;
      // A name of the limit's length on a string larger than that many characters was cut.
      if (long[name] === 1 && g.selfSize(o) > SNAPSHOT_STRING_LIMIT + 24) scan.truncated++;
      const hit = found.get(name);
      if (hit !== undefined) record(o, hit.form, hit.parts);
    }
  } else {
    for (let o = 0; o < g.nodeCount; o++) {
      const t = typeOf(o);
      if ((t !== tString && t !== tCons) || reachable[o] === 0) continue;
      if (t === tCons) {
        if (isConsRoot(g, o, typeOf, tCons, tSliced)) consRoots.push(o);
        continue;
      }
      const text = g.nodeName(o);
      if (text.length >= SNAPSHOT_STRING_LIMIT && g.selfSize(o) > SNAPSHOT_STRING_LIMIT + 24) scan.truncated++;
      const hit = hitsInString(text, needles);
      if (hit !== undefined) record(o, hit.form, hit.parts);
    }
  }

  // 3. Concatenations, rebuilt from their parts (a slice's offset is not in the snapshot: its text
  // is unknown and stands as a separator; its parent string was searched in step 2).
  for (const root of consRoots) {
    const text = consText(g, root, typeOf, tString, tCons);
    if (text === undefined) {
      scan.consSkipped++;
      continue;
    }
    const found = hitsInString(text, needles);
    if (found !== undefined) record(root, 'concatenated', found.parts);
  }
  return scan;
}

/** A concatenation that is not itself a part of another concatenation (or is also held elsewhere). */
function isConsRoot(g: HeapGraph, o: number, typeOf: (o: number) => number, tCons: number, tSliced: number): boolean {
  for (let r = g.firstRetainer(o), end = g.retainersEnd(o); r < end; r++) {
    const t = typeOf(g.retainerNode(r));
    if (t !== tCons && t !== tSliced) return true;
  }
  return false;
}

/** The text of a concatenation (parts that are not plain strings become U+0000), or undefined when too long. */
function consText(g: HeapGraph, root: number, typeOf: (o: number) => number, tString: number, tCons: number): string | undefined {
  const parts: string[] = [];
  let length = 0;
  const stack = [root];
  while (stack.length > 0) {
    const o = stack.pop()!;
    const t = typeOf(o);
    if (t === tCons) {
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
    const piece = t === tString ? g.nodeName(o) : '\u0000';
    length += piece.length;
    if (length > MAX_CONCAT_CHARS) return undefined;
    parts.push(piece);
  }
  return parts.join('');
}

/** Material found in one text: the best part per credential, and the form. */
interface TextHits {
  form: KeyForm;
  parts: Map<number, number>;
}

function hitsInBytes(bytes: Uint8Array, start: number, end: number, needles: Needles, index: MaterialIndex): TextHits | undefined {
  if (end - start < index.minLength) return undefined;
  let parts: Map<number, number> | undefined;
  let exact = false;
  index.searchBytes(bytes, start, end, (v, offset) => {
    const i = needles.secretOf[v]!;
    let part = needles.partOf[v]!;
    const wo = needles.secretOffset[i]!;
    if (part === SECRET && wo >= 0 && offset >= wo && wholeAt(bytes, start + offset - wo, end, needles.completed[i]!.whole)) {
      part = WHOLE;
      offset -= wo;
    }
    parts ??= new Map();
    if ((parts.get(i) ?? -1) < part) parts.set(i, part);
    if (part === WHOLE && offset === 0 && end - start === Buffer.byteLength(needles.completed[i]!.whole)) exact = true;
  });
  if (parts === undefined) return undefined;
  const first = bytes[start];
  return { form: exact ? 'exact' : first === 0x7b || first === 0x5b ? 'json' : 'embedded', parts };
}

/** True when the ASCII text `whole` is at `bytes[at…]` (before `end`). */
function wholeAt(bytes: Uint8Array, at: number, end: number, whole: string): boolean {
  if (at + whole.length > end) return false;
  for (let k = 0; k < whole.length; k++) if (bytes[at + k] !== whole.charCodeAt(k)) return false;
  return true;
}

function hitsInString(text: string, needles: Needles): TextHits | undefined {
  if (text.length < needles.index.minLength) return undefined;
  let parts: Map<number, number> | undefined;
  let exact = false;
  needles.index.searchString(text, (v, offset) => {
    const i = needles.secretOf[v]!;
    let part = needles.partOf[v]!;
    const wo = needles.secretOffset[i]!;
    if (part === SECRET && wo >= 0 && offset >= wo && text.startsWith(needles.completed[i]!.whole, offset - wo)) {
      part = WHOLE;
      offset -= wo;
    }
    parts ??= new Map();
    if ((parts.get(i) ?? -1) < part) parts.set(i, part);
    if (part === WHOLE && offset === 0 && text.length === needles.completed[i]!.whole.length) exact = true;
  });
  if (parts === undefined) return undefined;
  return { form: exact ? 'exact' : text.startsWith('{') || text.startsWith('[') ? 'json' : 'embedded', parts };
}

/** Container kinds that end the walk up from a string (what accumulates entries). */
const COLLECTIONS: ReadonlySet<ContainerKind> = new Set(['map', 'set', 'weak-collection', 'array', 'listener-array', 'dictionary', 'timer-list']);

/** How far up a string's shortest path the walk looks for a collection. */
const MAX_WALK = 12;

/** Groups hits by holder and describes each holder. */
function collectHolders(g: HeapGraph, hits: Hit[], needles: Needles, shape: string): KeyHolder[] {
  const distances = (g as { distanceArray?: () => Int32Array }).distanceArray?.();
  const weak = g.meta.edgeTypes.indexOf('weak');
  const memo = new Map<number, number>();
  const groups = new Map<number, { parts: Map<number, number>; forms: Set<KeyForm>; nodes: Map<number, number> }>();
  for (const hit of hits) {
    const found = holderOf(g, hit.node, distances, weak, memo);
    let group = groups.get(found.holder);
    if (group === undefined) groups.set(found.holder, (group = { parts: new Map(), forms: new Set(), nodes: new Map() }));
    group.forms.add(found.via ?? hit.form);
    group.nodes.set(hit.node, hit.bytes ?? g.selfSize(hit.node));
    for (const [i, p] of hit.parts) if ((group.parts.get(i) ?? -1) < p) group.parts.set(i, p);
  }
  const marker = shape === 'leakbench-key' ? 'lk_…#' : 'secret…#';
  const out: KeyHolder[] = [];
  for (const [holder, group] of groups) {
    const counts = [0, 0, 0];
    for (const p of group.parts.values()) counts[p]!++;
    const secretKeys = counts[WHOLE]! + counts[SECRET]!;
    const part: KeyPart = secretKeys === 0 ? 'id-only' : counts[WHOLE]! >= counts[SECRET]! ? 'whole-key' : 'secret-part';
    let bytes = 0;
    for (const size of group.nodes.values()) bytes += size;
    const examples = [...group.parts.keys()].slice(0, 3).map((i) => secretFingerprint(needles.completed[i]!.whole, marker));
    const label = holder === g.rootOrdinal ? { holder: '(GC roots)' } : describeHolder(g, holder, containerKind(g, holder));
    const entry: KeyHolder = {
      holder: redactKnown(label.holder, needles, marker),
      path: redactPath(humanPath(g, holder), needles, marker),
      holderId: g.nodeId(holder),
      part,
      forms: [...group.forms].sort(),
      keys: group.parts.size,
      secretKeys,
      bytes,
      examples,
    };
    out.push(entry);
  }
  out.sort((a, b) => b.secretKeys - a.secretKeys || b.keys - a.keys || b.bytes - a.bytes || (a.holderId ?? 0) - (b.holderId ?? 0));
  return out;
}

/**
 * The holder of a string (or buffer) node: walks its shortest retainer path towards the root,
 * through strings (noting a slice or a concatenation on the way) and backing stores, to the first
 * collection; else the first object that owns it.
 */
function holderOf(
  g: HeapGraph,
  start: number,
  distances: Int32Array | undefined,
  weak: number,
  memo: Map<number, number>,
): { holder: number; via: KeyForm | undefined } {
  let via: KeyForm | undefined;
  let cur = start;
  let firstOwner = -1;
  const visited: number[] = [];
  for (let step = 0; step < MAX_WALK; step++) {
    const known = memo.get(cur);
    if (known !== undefined) {
      for (const v of visited) memo.set(v, known);
      return { holder: known, via };
    }
    const parent = shortestParent(g, cur, distances, weak);
    if (parent < 0) break;
    const type = g.nodeType(parent);
    if (type === 'sliced string' || type === 'concatenated string' || type === 'string') {
      via ??= type === 'sliced string' ? 'sliced' : type === 'concatenated string' ? 'concatenated' : undefined;
      cur = parent;
      continue;
    }
    visited.push(cur);
    let at = parent;
    if (isBackingStoreNode(g, at)) {
      const owner = backingStoreOwner(g, at);
      if (owner < 0) {
        cur = at;
        continue;
      }
      at = owner;
    }
    if (COLLECTIONS.has(containerKind(g, at))) {
      for (const v of visited) memo.set(v, at);
      return { holder: at, via };
    }
    if (firstOwner < 0) firstOwner = at;
    cur = at;
  }
  const holder = firstOwner >= 0 ? firstOwner : cur;
  for (const v of visited) memo.set(v, holder);
  return { holder, via };
}

/** The retainer one step closer to the root on a shortest path (as HeapGraph.pathToRoot), or -1. */
function shortestParent(g: HeapGraph, o: number, distances: Int32Array | undefined, weak: number): number {
  const d = distances ? distances[o]! : g.distance(o);
  if (d <= 0) return -1;
  const root = g.rootOrdinal;
  for (let r = g.firstRetainer(o), end = g.retainersEnd(o); r < end; r++) {
    const from = g.retainerNode(r);
    if (from === o) continue;
    const e = g.retainerEdge(r);
    if (weak >= 0 && g.edgeType(e) === 'weak') continue;
    const want = d === 1 ? from === root : (distances ? distances[from]! : g.distance(from)) === d - 1;
    if (want) return from;
  }
  return -1;
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
