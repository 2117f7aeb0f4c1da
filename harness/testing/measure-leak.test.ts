/**
 * The test API's own floors and options, on small heap graphs built in code (the real
 * measurement is in measure-leak.int.test.ts): each default floor is pinned at its value by a
 * graph just below and just above it, so removing or moving a floor fails here.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraphs } from '../analysis/index.js';
import { testHeapSkeleton } from '../analysis/test-heaps.js';
import { parseSnapshot } from '../heap/index.js';
import type { HeapGraph } from '../heap/types.js';
import { analysisThresholds, DEFAULT_TEST_THRESHOLDS, isHarnessFinding, resolveLeakOptions } from './measure-leak.js';
import type { Finding } from '../types.js';

/** Bytes of one entry object the module array keeps. */
const ENTRY_BYTES = 100;

/**
 * A snapshot of a module (the shared test skeleton's /app/server.js) whose array `kept` holds `entries` objects of {@link ENTRY_BYTES} bytes
 * (ids stable across snapshots: entry k has the same id in every snapshot that holds it).
 */
function snapshotWith(entries: number, entryBytes = ENTRY_BYTES): HeapGraph {
  const { b, scope } = testHeapSkeleton();
  const arr = b.node('object', 'Array', 32, { id: 21 });
  b.edge(scope, arr, 'context', 'kept');
  // The elements store is reallocated as it grows (a new id each size), as V8 does.
  const elements = b.node('array', '', 16, { id: 100_001 + entries * 2 });
  b.edge(arr, elements, 'internal', 'elements');
  for (let k = 0; k < entries; k++) b.edge(elements, b.node('object', 'Entry', entryBytes, { id: 200_001 + k * 2 }), 'element', k);
  return parseSnapshot(b.toJson());
}

/** Analyzes a baseline and two rounds that each add `perRound` entries over `iterationsPerRound` calls. */
function measureGraphs(perRound: number, iterationsPerRound: number, entryBytes = ENTRY_BYTES) {
  const graphs = [0, 1, 2].map((r) => snapshotWith(r * perRound, entryBytes));
  return analyzeGraphs(graphs, {
    requestsAtSnapshot: [0, iterationsPerRound, 2 * iterationsPerRound],
    thresholds: analysisThresholds(DEFAULT_TEST_THRESHOLDS),
  });
}

describe('DEFAULT_TEST_THRESHOLDS', () => {
  it('are 4 KiB to examine a holder, 16 KiB of growth and 4 B per call to call it a leak', () => {
    expect(DEFAULT_TEST_THRESHOLDS).toEqual({ candidateMinBytes: 4096, minLeakBytes: 16_384, minBytesPerIteration: 4 });
  });

  it('minLeakBytes: 16 KiB kept over the rounds is a leak, just under it is not', () => {
    // 2 rounds × 82 entries × 100 B = 16,400 B ≥ 16,384; 2 × 81 × 100 = 16,200 B < 16,384.
    expect(measureGraphs(82, 100).verdict).toBe('leak');
    const below = measureGraphs(81, 100);
    expect(below.verdict).toBe('no-leak');
    expect(below.dismissed.find((d) => d.holder.includes('kept'))?.why).toBe('small');
  });

  it('minBytesPerIteration: 4 B per call is a leak, just under it is not', () => {
    // 20,000 B over 5,000 calls = 4 B/call; over 5,100 calls ≈ 3.9 B/call.
    expect(measureGraphs(100, 2500).verdict).toBe('leak');
    expect(measureGraphs(100, 2550).verdict).toBe('no-leak');
  });

  it('candidateMinBytes: a holder under 4 KiB of new objects is not even examined', () => {
    // 2 × 20 × 100 = 4,000 B < 4,096: not examined; 2 × 21 × 100 = 4,200 B: examined, too small.
    expect(measureGraphs(20, 10).dismissed.some((d) => d.holder.includes('kept'))).toBe(false);
    expect(measureGraphs(21, 10).dismissed.find((d) => d.holder.includes('kept'))?.why).toBe('small');
  });

  it('the server floors would miss a leak a test must catch (why the test API has its own)', () => {
    const graphs = [0, 1, 2].map((r) => snapshotWith(r * 400));
    const withServerFloors = analyzeGraphs(graphs, { requestsAtSnapshot: [0, 1000, 2000] });
    expect(withServerFloors.verdict).toBe('no-leak');
    expect(measureGraphs(400, 1000).verdict).toBe('leak');
  });
});

describe('resolveLeakOptions', () => {
  it('defaults: 1,000 calls per round, a warm-up as long, 2 rounds, 1 s settle, allocation sampling', () => {
    const o = resolveLeakOptions();
    expect(o).toMatchObject({ iterations: 1000, warmup: 1000, rounds: 2, settleTimeoutMs: 1000, allocationSites: 'sampling' });
    expect(o.thresholds).toEqual(DEFAULT_TEST_THRESHOLDS);
    expect(resolveLeakOptions({ iterations: 50 }).warmup).toBe(50);
  });

  it('rejects bad values with E_USAGE', () => {
    for (const bad of [{ iterations: 0 }, { rounds: 0 }, { warmup: -1 }, { iterations: 1.5 }, { thresholds: { minLeakBytes: -1 } }]) {
      expect(() => resolveLeakOptions(bad)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    }
    expect(() => resolveLeakOptions({ allocationSites: 'exact' as never })).toThrow(/tracking, sampling or off/);
  });
});

describe('isHarnessFinding', () => {
  const finding = (holder: string, nodes: string[] = []): Finding => ({
    pattern: 'unbounded-map', mechanism: 'keyed-collection', confidence: 'high', holder, path: nodes.map((node) => ({ node, edge: 'x', edgeType: 'property' })),
    growth: { counts: [], retainedBytes: [] }, accumulates: [], explanation: '', fix: '',
  });
  it("sets aside the measurement's own scopes, keeps the code under test", () => {
    expect(isHarnessFinding(finding('Array unsettled (closure scope in measure-leak.js)'))).toBe(true);
    expect(isHarnessFinding(finding('Array', ['(module scope of in-process-inspector.ts)', 'Array']))).toBe(true);
    expect(isHarnessFinding(finding('Map keyCache (module scope of leaky.js)'))).toBe(false);
  });
});
