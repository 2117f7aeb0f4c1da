/**
 * Entry point of the leak finder for files: reads two or more `.heapsnapshot` files of one process
 * (taken through one inspector session, so node ids are stable), in order, and returns the
 * verdict, the pattern and the findings. The orchestrator and `leakbench analyze` call this.
 */
import { readSnapshots } from '../heap/index.js';
import type { HeapGraph } from '../heap/types.js';
import { LeakbenchError } from '../errors.js';
import { analyzeGraphs, type EarlyWork } from './analyze-graphs.js';
import { attributeNewObjects, baselineIds } from './attribute-new-objects.js';
import { attachAllocationSites } from './allocation-sites.js';
import { ownerOfScript, withPackageVersions } from './finding-owner.js';
import { scanKeyResidency } from './key-residency.js';
import type { AnalysisResult, AnalyzeOptions } from './types.js';

/**
 * Reads the snapshots (baseline first) and finds what accumulates.
 *
 * @throws LeakbenchError `E_USAGE` with fewer than two paths or mismatched request counts,
 *   `E_FILE_NOT_FOUND` for a missing file, `E_SNAPSHOT_PARSE` for a corrupt one.
 */
export async function analyzeSnapshots(paths: string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  if (paths.length < 2) throw new LeakbenchError('E_USAGE', 'analysis needs at least two snapshots of one process');
  if (options.requestsAtSnapshot !== undefined && options.requestsAtSnapshot.length !== paths.length) {
    throw new LeakbenchError(
      'E_USAGE',
      `got ${options.requestsAtSnapshot.length} request counts for ${paths.length} snapshots`,
    );
  }
  const timings: Record<string, number> = options.timings ?? {};
  const start = performance.now();
  // The files are read on two threads when there are two CPUs (see readSnapshots): the main
  // thread reads the first ones and, while the worker is still reading the last, diffs what it
  // has — the baseline's ids and the attribution of the middle snapshots.
  const fileTimings: Array<Record<string, number>> = [];
  const arrived: HeapGraph[] = [];
  const early: EarlyWork = { attributions: [] };
  let earlyMs = 0;
  const onGraph = (index: number, graph: HeapGraph): void => {
    const t = performance.now();
    arrived[index] = graph;
    if (index === 0) early.ids = baselineIds(graph);
    if (early.ids !== undefined) {
      for (let i = 1; i < paths.length - 1; i++) {
        if (arrived[i] !== undefined && early.attributions![i] === undefined) early.attributions![i] = attributeNewObjects(arrived[i]!, early.ids);
      }
    }
    earlyMs += performance.now() - t;
  };
  const graphs: HeapGraph[] = await readSnapshots(paths, {
    fileTimings,
    idIndex: true,
    // The baseline gives its ids (and node names and entries); its dominator tree is needed only
    // for the retained size of a holder that grew (analyze-graphs.ts), so it is built then, if ever.
    lazyDerived: [0],
    // …unless the main thread would wait idle for the worker anyway: then it builds it now
    // (asking the graph for a retained size builds its derived data).
    onWait: () => {
      const t = performance.now();
      arrived[0]?.retainedSize(0);
      earlyMs += performance.now() - t;
    },
    onGraph,
    onProgress: (index, bytesRead, totalBytes) =>
      options.onProgress?.({ kind: 'read', file: paths[index]!, index, total: paths.length, bytesRead, totalBytes }),
  });
  for (const readTimings of fileTimings) {
    for (const [k, v] of Object.entries(readTimings ?? {})) timings[`read:${k}`] = (timings[`read:${k}`] ?? 0) + v;
  }
  timings['read'] = performance.now() - start - earlyMs;
  // Diffing done while reading (included in 'attribute' / 'baseline-ids' only when done here).
  timings['diff-while-reading'] = earlyMs;
  const result = analyzeReadGraphs(graphs, { ...options, timings }, early);
  result.timingsMs['total'] = performance.now() - start;
  return result;
}

/**
 * The leak finder on snapshots already read (`graphs[0]` the baseline), with the work done while
 * reading them: the findings, their allocation sites and owners, the key-residency scan. For a
 * caller that reads the files itself (harness/testing reads each one while the next is taken).
 */
export function analyzeReadGraphs(graphs: HeapGraph[], options: AnalyzeOptions = {}, early: EarlyWork = {}): AnalysisResult {
  const result = analyzeGraphs(graphs, options, early);
  withPackageVersions(result.findings);
  if (options.allocationSites !== false && result.findings.length > 0) {
    const t = performance.now();
    attachAllocationSites(graphs, result.findings, options.allocationSites ?? {});
    result.timingsMs['allocation-sites'] = performance.now() - t;
    // A holder anchored only on globalThis names no script; where its objects were allocated does.
    for (const f of result.findings) {
      const site = f.allocatedAt?.[0];
      if (f.owner?.kind === 'unknown' && site !== undefined && site.file !== '') f.owner = ownerOfScript(site.file);
    }
    withPackageVersions(result.findings.filter((f) => f.owner?.kind === 'dependency' && !f.owner.label.includes('@', 14)));
  }
  if (options.keyResidency !== undefined) {
    const t = performance.now();
    result.keyResidency = scanRunGraphs(graphs, options.keyResidency, options.requestsAtSnapshot);
    result.timingsMs['key-residency'] = performance.now() - t;
  }
  return result;
}

/** The key-residency scan of the last two snapshots (middle and final; the final alone with two). */
function scanRunGraphs(graphs: HeapGraph[], input: NonNullable<AnalyzeOptions['keyResidency']>, requests: number[] | undefined) {
  const from = graphs.length >= 3 ? graphs.length - 2 : graphs.length - 1;
  const snapshots = graphs.slice(from).map((_, k) => ({
    label: input.labels?.[from + k] ?? (from + k === graphs.length - 1 ? 'final' : 'middle'),
    requests: requests?.[from + k] ?? Number.MAX_SAFE_INTEGER,
  }));
  return scanKeyResidency(graphs.slice(from), { secrets: input.secrets, snapshots, ...(input.buffers ? { buffers: input.buffers } : {}) });
}
