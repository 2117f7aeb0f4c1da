/**
 * A realistic {@link RunReport} built in code, for unit tests and the browser test of the report
 * pages before (or without) a real run: a leaky variant whose heap climbs ~600 B per request with
 * one unbounded-map finding, and a fixed variant that stays flat. Numbers follow what a 2,000 req/s
 * soak of a Fastify server looks like on a small machine. Not used by any verdict.
 */
import type { Finding, KeyResidency, MemorySample, RunReport, SnapshotRef, VariantRun } from '../types.js';

/** Options of {@link buildFixtureReport}. */
export interface FixtureOptions {
  /** A key string planted in the finding's path and accumulate names (the redaction tests use it). */
  plantedKey?: string;
  runId?: string;
  scenario?: string;
  /** Bytes retained per request by the leaky variant. */
  leakBytesPerRequest?: number;
}

const SAMPLE_EVERY_MS = 500;
const WARMUP_MS = 5000;
const LOAD_MS = 20_000;
const RATE_PER_SEC = 2000;

function samplesFor(leakBytesPerRequest: number, seed: number): MemorySample[] {
  const samples: MemorySample[] = [];
  let rng = seed;
  const noise = (): number => {
    // Deterministic LCG noise (Numerical Recipes constants), so fixtures are stable across runs.
    rng = (rng * 1664525 + 1013904223) % 4294967296;
    return rng / 4294967296 - 0.5;
  };
  for (let tMs = 0; tMs <= WARMUP_MS + LOAD_MS; tMs += SAMPLE_EVERY_MS) {
    const requests = Math.round((tMs / 1000) * RATE_PER_SEC);
    const afterGc = tMs % 2500 === 0 && tMs > 0;
    const retained = requests * leakBytesPerRequest;
    // Garbage between GCs: a sawtooth of up to ~6 MB that drops at each forced GC.
    const garbage = afterGc ? 0 : ((tMs % 2500) / 2500) * 6e6 + noise() * 4e5;
    const heapUsedBytes = Math.round(11.8e6 + retained + garbage);
    samples.push({
      tMs,
      requests,
      heapUsedBytes,
      heapTotalBytes: Math.round(heapUsedBytes * 1.25 + 2e6),
      externalBytes: Math.round(1.9e6 + noise() * 1e4),
      arrayBuffersBytes: Math.round(0.12e6 + noise() * 1e4),
      rssBytes: Math.round(68e6 + retained * 1.3 + garbage * 0.5),
      afterGc,
    });
  }
  return samples;
}

function snapshotsFor(samples: MemorySample[], dir: string): SnapshotRef[] {
  const at = (tMs: number): MemorySample => samples.find((s) => s.tMs === tMs) ?? samples[samples.length - 1]!;
  return ([['baseline', WARMUP_MS], ['middle', WARMUP_MS + LOAD_MS / 2], ['final', WARMUP_MS + LOAD_MS]] as const).map(
    ([label, tMs], i) => {
      const s = at(tMs);
      // A snapshot file is typically ~1.6× the heap it describes.
      const sizeBytes = Math.round(s.heapUsedBytes * 1.6);
      return {
        label,
        path: `${dir}/${i + 1}-${label}.heapsnapshot`,
        tMs,
        requests: s.requests,
        sizeBytes,
        durationMs: Math.round(350 + sizeBytes / 2e4),
      };
    },
  );
}

function leakyFinding(plantedKey: string | undefined, leak: number, requests: number[]): Finding {
  const entryEdge = plantedKey ? `[${plantedKey}]` : '[lk_…#3fa9c1]';
  const counts = requests.map((r) => Math.round(r * 0.95));
  return {
    pattern: 'unbounded-map',
    mechanism: 'keyed-collection',
    confidence: 'high',
    holder: 'Map keyCache (module scope of leaky.js)',
    path: [
      { node: '(GC roots)', edge: '', edgeType: 'root' },
      { node: 'system / Context (leaky.js)', edge: 'context', edgeType: 'internal', nodeId: 40211 },
      { node: 'Map keyCache', edge: 'keyCache', edgeType: 'context', nodeId: 40377, isHolder: true },
      { node: 'system / OrderedHashMap', edge: 'table', edgeType: 'internal', nodeId: 40379 },
      { node: 'Object {owner, scopes, rateLimit}', edge: entryEdge, edgeType: 'element', nodeId: 918233 },
    ],
    growth: { counts, retainedBytes: requests.map((r) => Math.round(r * leak)) },
    bytesPerRequest: leak,
    accumulates: [
      { name: 'Object {owner, scopes, rateLimit}', count: counts.at(-1)! - counts[0]!, bytes: Math.round((requests.at(-1)! - requests[0]!) * leak * 0.45) },
      { name: plantedKey ? `string "${plantedKey}"` : 'string (API keys)', count: counts.at(-1)! - counts[0]!, bytes: Math.round((requests.at(-1)! - requests[0]!) * leak * 0.3) },
      { name: 'Array (scopes)', count: counts.at(-1)! - counts[0]!, bytes: Math.round((requests.at(-1)! - requests[0]!) * leak * 0.25) },
    ],
    allocatedAt: [
      { functionName: 'resolveKeyMeta', file: 'scenarios/unbounded-map/leaky.ts', line: 21, column: 3, bytes: Math.round((requests.at(-1)! - requests[0]!) * leak * 0.7), count: counts.at(-1)! - counts[0]!, share: 0.7, callers: ['authenticate (scenarios/kit/run-scenario.ts:88:5)'], sourceMapped: true },
      { functionName: 'lookupKey', file: 'scenarios/kit/key-service.ts', line: 40, column: 10, bytes: Math.round((requests.at(-1)! - requests[0]!) * leak * 0.3), count: counts.at(-1)! - counts[0]!, share: 0.3, sourceMapped: true },
    ],
    allocationMethod: 'tracking',
    explanation:
      'A module-level Map caches the resolved metadata of every API key it sees and nothing ever deletes an entry. ' +
      'With a fresh key per request the Map gains one entry per request, so the heap grows without bound.',
    fix: 'Bound the cache: an LRU with a size cap and a TTL (lru-cache `new LRUCache({ max: 10_000, ttl: 60_000 })`), or do not cache per-key data at all.',
  };
}

/** The key-residency scan of a run: the leaky variant keeps every key (the planted one in its names), the fixed one none. */
function keyResidencyFor(variant: 'leaky' | 'fixed', requests: number, plantedKey: string | undefined): KeyResidency {
  const sent = Math.round(requests * 0.95);
  const resident = variant === 'leaky' ? sent - 10 : 0;
  const planted = plantedKey ?? 'lk_…#3fa9c1';
  return {
    shape: 'leakbench-key',
    keysSent: sent,
    keysCompleted: sent - 10,
    residentKeys: resident,
    residentShare: resident / (sent - 10),
    secretResidentKeys: resident,
    secretResidentShare: resident / (sent - 10),
    byPart: { 'whole-key': resident, 'secret-part': 0, 'id-only': 0 },
    bytes: resident * 56,
    snapshots: [
      { label: 'middle', keysCompleted: Math.round(sent / 2), residentKeys: variant === 'leaky' ? Math.round(sent / 2) : 0, secretResidentKeys: variant === 'leaky' ? Math.round(sent / 2) : 0, share: variant === 'leaky' ? 1 : 0 },
      { label: 'final', keysCompleted: sent - 10, residentKeys: resident, secretResidentKeys: resident, share: variant === 'leaky' ? 1 : 0 },
    ],
    trend: variant === 'leaky' ? 'grows' : 'none',
    holders:
      variant === 'leaky'
        ? [{
            holder: `Map keyCache (module scope of leaky.js) keyed by ${planted}`,
            path: [
              { node: '(root)', edge: '', edgeType: '' },
              { node: '(module scope of leaky.js)', edge: 'context', edgeType: 'internal' },
              { node: 'Map', edge: 'keyCache', edgeType: 'context', isHolder: true },
              { node: `"${planted}"`, edge: `[${planted}]`, edgeType: 'internal' },
            ],
            holderId: 40377,
            part: 'whole-key',
            forms: ['sliced'],
            keys: resident,
            keysAtMiddle: Math.round(sent / 2),
            secretKeys: resident,
            bytes: resident * 56,
            examples: [planted],
          }]
        : [],
    buffers: { state: 'scanned', buffersScanned: 61, bytesScanned: 94_756, keysFound: 0 },
    limits: ['memory outside the V8 heap and ArrayBuffers (native allocations, TLS and socket buffers inside Node) is not searched'],
    summary:
      variant === 'leaky'
        ? `${resident} of ${sent - 10} completed keys (100 %) still have their secret in memory, and the number grows with requests; most are held by Map keyCache (module scope of leaky.js)`
        : `none of the ${sent - 10} completed keys is resident in the final heap's strings and ArrayBuffers`,
    durationMs: 120,
  };
}

function variantRun(variant: 'leaky' | 'fixed', leak: number, base: string, plantedKey: string | undefined): VariantRun {
  const dir = `${base}/${variant}`;
  const samples = samplesFor(leak, variant === 'leaky' ? 7 : 11);
  const snapshots = snapshotsFor(samples, dir);
  const requests = samples[samples.length - 1]!.requests;
  const loadMs = WARMUP_MS + LOAD_MS;
  const findings = variant === 'leaky' ? [leakyFinding(plantedKey, leak, snapshots.map((s) => s.requests))] : [];
  const slope = variant === 'leaky' ? leak * 1.02 : 1.7;
  return {
    variant,
    verdict: variant === 'leaky' ? 'leak' : 'no-leak',
    pattern: variant === 'leaky' ? 'unbounded-map' : 'none',
    bytesPerRequest: slope,
    requests,
    durationMs: loadMs + 1400,
    findings,
    keyResidency: keyResidencyFor(variant, requests, plantedKey),
    dir,
    reason:
      variant === 'leaky'
        ? `Retained heap grew ${slope.toFixed(0)} B per request after GC (95% CI excludes zero); one keyed collection accounts for it.`
        : 'Retained heap after GC is flat: the slope’s 95% CI includes zero and no container grows with the requests.',
    statistic: {
      method: 'ols-after-gc',
      metric: 'heapUsed+external',
      bytesPerRequest: slope,
      ciLowBytesPerRequest: variant === 'leaky' ? slope * 0.96 : -4.2,
      ciHighBytesPerRequest: variant === 'leaky' ? slope * 1.04 : 7.6,
      samples: samples.filter((s) => s.afterGc).length,
      growthBytes: Math.round(slope * (requests - RATE_PER_SEC * (WARMUP_MS / 1000))),
      rSquared: variant === 'leaky' ? 0.997 : 0.04,
      reason: variant === 'leaky' ? 'Slope is positive and its CI excludes zero.' : 'Slope CI includes zero.',
    },
    samples,
    snapshots,
    load: {
      requests,
      durationMs: loadMs,
      requestsPerSec: requests / (loadMs / 1000),
      latencyP50Ms: variant === 'leaky' ? 1.2 : 1.1,
      latencyP99Ms: variant === 'leaky' ? 9.8 : 6.4,
      statusCounts: { '2xx': Math.round(requests * 0.93), '4xx': requests - Math.round(requests * 0.93) },
      errors: 0,
      timeouts: 0,
      snapshotPauseMs: snapshots.reduce((sum, s) => sum + s.durationMs, 0),
    },
    command: ['node', '--expose-gc', `dist/scenarios/unbounded-map/${variant}.js`],
  };
}

/** A two-variant scenario report (leaky leaks, fixed does not) with realistic samples and snapshots. */
export function buildFixtureReport(options: FixtureOptions = {}): RunReport {
  const scenario = options.scenario ?? 'unbounded-map';
  const runId = options.runId ?? '2026-11-29T10-15-02Z-a1b2';
  const base = `reports/${scenario}/${runId}`;
  const leak = options.leakBytesPerRequest ?? 612;
  return {
    schemaVersion: 1,
    tool: 'leakbench',
    scenario,
    runId,
    startedAt: '2026-11-29T10:15:02.417Z',
    options: { warmupSec: 5, durationSec: 20, connections: 10, rate: RATE_PER_SEC, keys: 'unique', invalidRatio: 0.05 },
    runs: [variantRun('leaky', leak, base, options.plantedKey), variantRun('fixed', 0, base, undefined)],
  };
}
