/**
 * Searches the server's ArrayBuffer contents for the credentials the run sent, through the run's
 * inspector session, after the final snapshot. Heap snapshots record a buffer's size, never its
 * bytes, so a key kept as raw bytes (a `Buffer` captured by a closure, a slab of Node's 8 KiB
 * Buffer pool that a small view keeps alive) is invisible to the snapshot scan.
 *
 * `Runtime.queryObjects` on `ArrayBuffer.prototype` lists every live ArrayBuffer (V8 collects
 * garbage first); a function evaluated in the server searches their bytes for the values and
 * keeps the buffers that hold any. Their heap object ids (`HeapProfiler.getHeapObjectId`, the id
 * space of the snapshots while this session stays connected) let the analysis name their holders
 * in the final snapshot. The values travel over the loopback inspector socket into a server that
 * received them as requests already; nothing is written.
 */
import type { BufferScan, SentSecrets } from '../sent-secrets.js';
import type { InspectorSession } from './inspector-session.js';

/** Buffers larger than this in total are left out (and the scan says so). */
export const MAX_BUFFER_SCAN_BYTES = 512 * 1024 * 1024;

/** At most this many credentials (the latest completed) travel to the server to be searched for. */
export const MAX_BUFFER_SCAN_KEYS = 200_000;

/** Holders are resolved for at most this many buffers holding material. */
const MAX_HIT_BUFFERS = 500;

const GROUP = 'leakbench-key-residency';

/**
 * Runs in the server: `this` is the array `queryObjects` returned. Values are matched by a
 * two-character prefilter, then by exact lookup per value length. Returns counts and, per buffer
 * holding material, the credential indexes found (and whether whole).
 */
const SEARCH_FUNCTION = `function (payload, maxBytes, maxHits) {
  const list = JSON.parse(payload);
  const byLength = new Map();
  const pair = new Uint8Array(65536);
  const add = (value, index, whole) => {
    if (value.length < 4) return;
    let m = byLength.get(value.length);
    if (m === undefined) byLength.set(value.length, (m = new Map()));
    const known = m.get(value);
    if (known === undefined) m.set(value, [[index, whole]]); else known.push([index, whole]);
    pair[((value.charCodeAt(0) & 255) << 8) | (value.charCodeAt(1) & 255)] = 1;
  };
  for (const [index, whole, secret] of list) {
    add(whole, index, 1);
    if (secret !== whole) add(secret, index, 0);
  }
  const lengths = [...byLength.keys()].sort((a, b) => a - b);
  const decoder = typeof Buffer === 'function' ? null : new TextDecoder('latin1');
  const keep = [];
  const hits = [];
  let scanned = 0, bytes = 0, skipped = 0, skippedBytes = 0;
  for (let k = 0; k < this.length; k++) {
    const ab = this[k];
    let size = 0;
    try { size = ab.byteLength; } catch { continue; }
    if (!(size > 0)) continue;
    if (bytes + size > maxBytes) { skipped++; skippedBytes += size; continue; }
    scanned++; bytes += size;
    const text = decoder === null ? Buffer.from(ab).toString('latin1') : decoder.decode(new Uint8Array(ab));
    let found = null;
    const n = text.length;
    for (let p = 0; p + 1 < n; p++) {
      if (pair[((text.charCodeAt(p) & 255) << 8) | (text.charCodeAt(p + 1) & 255)] === 0) continue;
      for (const L of lengths) {
        if (p + L > n) break;
        const m = byLength.get(L).get(text.substr(p, L));
        if (m === undefined) continue;
        found ??= new Map();
        for (const [index, whole] of m) found.set(index, (found.get(index) || 0) | whole);
      }
    }
    if (found !== null) {
      const entry = { size, found: [...found].map(([index, whole]) => [index, whole]) };
      if (keep.length < maxHits) { entry.k = keep.length; keep.push(ab); }
      hits.push(entry);
    }
  }
  Object.defineProperty(this, '__leakbenchHits', { value: keep });
  return { scanned, bytes, skipped, skippedBytes, hits };
}`;

interface SearchResult {
  scanned: number;
  bytes: number;
  skipped: number;
  skippedBytes: number;
  hits: Array<{ size: number; found: Array<[number, number]>; k?: number }>;
}

/**
 * Searches the server's ArrayBuffers for the completed credentials of `secrets`. Never throws:
 * a failure is a `not-scanned` result with its reason.
 */
export async function scanBuffersForSecrets(session: InspectorSession, secrets: SentSecrets): Promise<BufferScan> {
  const empty = { buffersScanned: 0, bytesScanned: 0, hits: [] };
  let payload: Array<[number, string, string]> = [];
  secrets.secrets.forEach((s, i) => {
    if (s.completedAtRequest > 0) payload.push([i, s.whole, s.secret]);
  });
  const leftOut = Math.max(0, payload.length - MAX_BUFFER_SCAN_KEYS);
  if (leftOut > 0) payload = payload.sort((a, b) => secrets.secrets[a[0]]!.completedAtRequest - secrets.secrets[b[0]]!.completedAtRequest).slice(leftOut);
  if (payload.length === 0) return { state: 'scanned', ...empty };
  try {
    const proto = await session.send<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: 'ArrayBuffer.prototype', objectGroup: GROUP });
    if (proto.result.objectId === undefined) return { state: 'not-scanned', reason: 'ArrayBuffer.prototype is not reachable in the target', ...empty };
    const all = await session.send<{ objects: { objectId?: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId, objectGroup: GROUP });
    const arrayId = all.objects.objectId;
    if (arrayId === undefined) return { state: 'not-scanned', reason: 'Runtime.queryObjects returned no list', ...empty };
    const res = await session.send<{ result: { value?: SearchResult }; exceptionDetails?: { text?: string } }>(
      'Runtime.callFunctionOn',
      {
        objectId: arrayId,
        functionDeclaration: SEARCH_FUNCTION,
        arguments: [{ value: JSON.stringify(payload) }, { value: MAX_BUFFER_SCAN_BYTES }, { value: MAX_HIT_BUFFERS }],
        returnByValue: true,
        objectGroup: GROUP,
      },
      { timeoutMs: 120_000 },
    );
    const found = res.result.value;
    if (res.exceptionDetails !== undefined || found === undefined) {
      return { state: 'not-scanned', reason: `the search failed in the target: ${res.exceptionDetails?.text ?? 'no result'}`, ...empty };
    }
    const hits: BufferScan['hits'] = [];
    let unresolved = 0;
    for (const h of found.hits) {
      const nodeId = h.k === undefined ? undefined : await heapIdOf(session, arrayId, h.k);
      if (nodeId === undefined) unresolved++;
      hits.push({ nodeId: nodeId ?? 0, sizeBytes: h.size, found: h.found.map(([secret, whole]) => ({ secret, whole: whole === 1 })) });
    }
    const notes: string[] = [];
    if (leftOut > 0) notes.push(`the ${leftOut} earliest completed keys were not searched for (the latest ${MAX_BUFFER_SCAN_KEYS} were)`);
    if (found.skipped > 0) notes.push(`${found.skipped} buffer(s), ${found.skippedBytes} bytes, left out above the ${MAX_BUFFER_SCAN_BYTES}-byte scan budget`);
    if (unresolved > 0) notes.push(`${unresolved} buffer(s) holding material could not be placed in the heap graph (counted, without a holder)`);
    const scan: BufferScan = { state: 'scanned', buffersScanned: found.scanned, bytesScanned: found.bytes, hits };
    if (notes.length > 0) scan.reason = notes.join('; ');
    return scan;
  } catch (err) {
    return { state: 'not-scanned', reason: `inspector: ${(err as Error).message}`, ...empty };
  } finally {
    await session.send('Runtime.releaseObjectGroup', { objectGroup: GROUP }).catch(() => {});
  }
}

/** The heap snapshot id of the k-th buffer kept by the search. */
async function heapIdOf(session: InspectorSession, arrayId: string, k: number): Promise<number | undefined> {
  const ref = await session.send<{ result: { objectId?: string } }>('Runtime.callFunctionOn', {
    objectId: arrayId,
    functionDeclaration: 'function (k) { return this.__leakbenchHits[k]; }',
    arguments: [{ value: k }],
    objectGroup: GROUP,
  });
  if (ref.result.objectId === undefined) return undefined;
  const id = await session.send<{ heapSnapshotObjectId: string }>('HeapProfiler.getHeapObjectId', { objectId: ref.result.objectId });
  const n = Number(id.heapSnapshotObjectId);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
