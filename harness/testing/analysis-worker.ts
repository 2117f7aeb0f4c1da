/**
 * Worker thread of {@link SnapshotPipeline}: reads each snapshot of a measurement as soon as it is
 * written — while the test's thread runs the next round and takes the next snapshot — diffs what
 * it can early (the baseline's ids, the attribution of the middle snapshots), and, when asked,
 * reads the last one and runs the leak finder. It posts nothing but the one answer it is asked
 * for, so no message of it lands in the measured heap between two snapshots.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeReadGraphs } from '../analysis/analyze-snapshots.js';
import type { EarlyWork } from '../analysis/analyze-graphs.js';
import { attributeNewObjects, baselineIds } from '../analysis/attribute-new-objects.js';
import type { SamplingHeapProfile } from '../analysis/allocation-sites.js';
import type { AnalysisResult, AnalysisThresholds } from '../analysis/types.js';
import { isLeakbenchError } from '../errors.js';
import type { FlatHeapGraph } from '../heap/heap-graph.js';
import { readSnapshot } from '../heap/read-snapshot.js';
import { allocationSitesOption } from './snapshot-pipeline.js';

/** Set when the worker starts: how many snapshots the measurement takes. */
export interface AnalysisWorkerData {
  snapshots: number;
}

/** What the test's thread asks for. */
export type AnalysisWorkerRequest =
  | { type: 'snapshot'; index: number; path: string }
  | {
      type: 'analyze';
      requestsAtSnapshot: number[];
      thresholds: Partial<AnalysisThresholds>;
      /** `false`: no allocation sites; else the inline source maps (script URL → map URL) and the sampling profile. */
      allocationSites: false | { sourceMaps: Array<[string, string]>; samplingProfile?: SamplingHeapProfile };
    };

/** The one answer. */
export type AnalysisWorkerAnswer =
  | { type: 'result'; result: AnalysisResult }
  | { type: 'error'; code: string; message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const { snapshots } = workerData as AnalysisWorkerData;
  const last = snapshots - 1;
  const graphs: FlatHeapGraph[] = [];
  const early: EarlyWork = { attributions: [] };
  const readMs: number[] = [];
  let failure: { code: string; message: string } | undefined;
  let pending = 0;
  let baselineDerived = false;
  let chain: Promise<void> = Promise.resolve();

  const read = async (index: number, path: string): Promise<void> => {
    const t = performance.now();
    // The baseline's derived data (dominators, retained sizes) is needed only for the retained size
    // of a holder that grew: built when this thread would otherwise wait, or on first use.
    // The other threads are busy while the rounds run: no edges worker, except for the last file.
    const graph = await readSnapshot(path, { ...(index === 0 ? { derived: false } : {}), ...(index === last ? {} : { parallel: false }) });
    graph.buildIdIndex();
    graphs[index] = graph;
    if (index === 0) early.ids = baselineIds(graph);
    else if (index < last && early.ids !== undefined) early.attributions![index] = attributeNewObjects(graph, early.ids);
    readMs[index] = performance.now() - t;
  };

  const handle = async (m: AnalysisWorkerRequest): Promise<void> => {
    if (m.type === 'snapshot') {
      if (failure !== undefined) return;
      try {
        await read(m.index, m.path);
      } catch (err) {
        failure = { code: isLeakbenchError(err) ? err.code : 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
      }
      if (pending === 1 && !baselineDerived && graphs[0] !== undefined && m.index < last) {
        baselineDerived = true;
        graphs[0].retainedSize(0);
      }
      return;
    }
    let answer: AnalysisWorkerAnswer;
    if (failure !== undefined) answer = { type: 'error', ...failure };
    else {
      try {
        const t = performance.now();
        const timings: Record<string, number> = {};
        const allocationSites = allocationSitesOption(m.allocationSites);
        const result = analyzeReadGraphs(graphs, { requestsAtSnapshot: m.requestsAtSnapshot, thresholds: m.thresholds, allocationSites, timings }, early);
        readMs.forEach((ms, i) => (result.timingsMs[`read:${i}`] = ms));
        result.timingsMs['total'] = performance.now() - t;
        answer = { type: 'result', result };
      } catch (err) {
        answer = { type: 'error', code: isLeakbenchError(err) ? err.code : 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
      }
    }
    port.postMessage(answer);
  };

  port.on('message', (m: AnalysisWorkerRequest) => {
    pending++;
    chain = chain
      .then(() => handle(m))
      .catch(() => undefined)
      .finally(() => void pending--);
  });
}

await main();
