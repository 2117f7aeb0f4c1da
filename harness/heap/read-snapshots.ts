/**
 * Reads several snapshot files (a sequence of one process) on two threads: the main thread reads
 * the first files while a worker thread reads the last ones, and the worker's graphs come back
 * with their derived data, their arrays transferred rather than copied. Parsing is CPU-bound, so
 * on a machine with two or more CPUs this takes about as long as the larger share instead of the
 * sum. (Measured, 3 files of 6 / 23 / 41 MB: the main thread reading the first two while the
 * worker reads the last was faster than the other way round — the worker starts later, and each
 * thread pays V8's warm-up once; see docs/heap-engine.md.) With one CPU, one file, or no compiled
 * worker script, the files are read one by one.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { LeakbenchError, type ErrorCode } from '../errors.js';
import type { GraphJob, GraphWorkerMessage } from './graph-worker.js';
import { FlatHeapGraph } from './heap-graph.js';
import { readSnapshot } from './read-snapshot.js';
import { startWorker, takePrestartedWorker, workerScript } from './worker-script.js';

/** Options of {@link readSnapshots}. */
export interface ReadManyOptions {
  /** As {@link ReadOptions.shallowSizes}. */
  shallowSizes?: 'devtools' | 'raw';
  /** Bytes read so far of file `index`, for progress displays (worker progress included). */
  onProgress?: (index: number, bytesRead: number, totalBytes: number) => void;
  /** Phase timings of each file (as `ReadOptions.timings`), filled in by file index. */
  fileTimings?: Array<Record<string, number>>;
  /** Read on two threads (default: when there are two files or more and more than one CPU). */
  parallel?: boolean;
  /** Build each graph's id → ordinal index while reading (the worker builds its graphs'). */
  idIndex?: boolean;
  /** Called with each graph as soon as it is ready (files the main thread reads come first). */
  onGraph?: (index: number, graph: FlatHeapGraph) => void;
  /**
   * Indexes of files whose derived data (shallow sizes, distances, dominators, retained sizes) is
   * computed on first use instead of while reading, when the main thread reads them (as
   * `ReadOptions.derived: false`); the worker always sends graphs with their derived data.
   */
  lazyDerived?: readonly number[];
  /**
   * Called once when the main thread has read its files and would otherwise wait idle for the
   * worker's (not called when everything is read on one thread, or the worker is already done).
   * Work done here delays the worker's graphs by at most its own length.
   */
  onWait?: () => void;
  /** Filled in with the thread that read each file (tests, `--verbose`). */
  readBy?: Array<'main' | 'worker'>;
}

/**
 * What starting the worker costs, in file bytes the main thread parses meanwhile (~40–80 ms
 * measured); the split balances the two threads' shares with it.
 */
const WORKER_START_BYTES = 4 * 1024 * 1024;

/**
 * How many files, from the first, the main thread reads (the worker reads the rest): the split
 * that makes the larger of the two shares smallest, the worker's share weighed with its start-up.
 * At least one file each.
 */
export function planSplit(sizes: number[], workerStartBytes = WORKER_START_BYTES): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  let best = 1;
  let bestCost = Infinity;
  let prefix = 0;
  for (let k = 1; k < sizes.length; k++) {
    prefix += sizes[k - 1]!;
    const cost = Math.max(prefix, workerStartBytes + total - prefix);
    if (cost < bestCost) {
      bestCost = cost;
      best = k;
    }
  }
  return best;
}

interface WorkerShare {
  /** Settles when the worker has posted every graph or an error. */
  done: Promise<void>;
  /** True once `done` has settled. */
  settled: () => boolean;
  stop: () => void;
}

/**
 * Reads the snapshot files in `paths` and returns their graphs in the same order.
 *
 * @throws LeakbenchError as {@link readSnapshot} does, for the first failing file in list order.
 */
export async function readSnapshots(paths: string[], options: ReadManyOptions = {}): Promise<FlatHeapGraph[]> {
  const shallowSizes = options.shallowSizes ?? 'devtools';
  const graphs: Array<FlatHeapGraph | undefined> = new Array(paths.length);
  const errors: Array<unknown> = new Array(paths.length);
  const timingsOf = (index: number): Record<string, number> => {
    const t: Record<string, number> = {};
    if (options.fileTimings) options.fileTimings[index] = t;
    return t;
  };
  const readHere = async (index: number): Promise<void> => {
    if (options.readBy) options.readBy[index] = 'main';
    const graph = await readSnapshot(paths[index]!, {
      shallowSizes,
      timings: timingsOf(index),
      ...(worker === undefined ? {} : { parallel: false }),
      ...(options.lazyDerived?.includes(index) === true ? { derived: false } : {}),
      onProgress: (bytesRead, totalBytes) => options.onProgress?.(index, bytesRead, totalBytes),
    });
    if (options.idIndex === true) graph.buildIdIndex();
    graphs[index] = graph;
    options.onGraph?.(index, graph);
  };

  let split = 0;
  const script = workerScript(import.meta.url, 'graph-worker');
  const wantParallel = options.parallel ?? (paths.length > 1 && availableParallelism() > 1);
  if (wantParallel && paths.length > 1 && script !== undefined) {
    // A missing file is reported here, before any thread starts, exactly as readSnapshot words it.
    const sizes: number[] = [];
    for (const p of paths) sizes.push(await fileSize(p));
    split = planSplit(sizes);
  }
  let worker: WorkerShare | undefined;
  if (split > 0 && script !== undefined) {
    worker = startGraphWorker(script, {
      files: paths.map((path, index) => ({ index, path })).slice(split),
      shallowSizes,
      idIndex: options.idIndex === true,
    }, graphs, errors, timingsOf, options);
  }
  try {
    const endHere = worker === undefined ? paths.length : split;
    // A failure here throws at once (the worker is stopped below): the worker's files come
    // later in the list, so this is the first bad file in list order.
    for (let i = 0; i < endHere; i++) await readHere(i);
    if (worker !== undefined) {
      if (!worker.settled()) options.onWait?.();
      await worker.done;
    }
  } finally {
    worker?.stop();
  }
  // Files the worker could not read for a reason of its own (not the file's) are read here.
  for (let i = 0; i < paths.length; i++) {
    if (graphs[i] !== undefined) continue;
    const err = errors[i];
    if (err !== undefined && !(err instanceof WorkerUnavailable)) throw err;
    await readHere(i);
  }
  return graphs as FlatHeapGraph[];
}

/** The worker could not read a file for a reason of its own: the main thread reads it instead. */
class WorkerUnavailable extends Error {}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
}

function startGraphWorker(
  script: string,
  job: GraphJob,
  graphs: Array<FlatHeapGraph | undefined>,
  errors: unknown[],
  timingsOf: (index: number) => Record<string, number>,
  options: Pick<ReadManyOptions, 'onProgress' | 'readBy' | 'onGraph'>,
): WorkerShare | undefined {
  let worker: Worker;
  const early = takePrestartedWorker(script);
  if (early !== undefined) {
    worker = early;
    worker.postMessage({ job });
  } else {
    try {
      worker = startWorker(script, job);
    } catch {
      return undefined;
    }
  }
  const pending = new Set(job.files.map((f) => f.index));
  const giveUp = (): void => {
    for (const i of pending) errors[i] ??= new WorkerUnavailable('graph worker unavailable');
    pending.clear();
  };
  let finished = false;
  const done = new Promise<void>((resolve) => {
    const settle = (): void => {
      if (pending.size === 0) resolve();
    };
    worker.on('message', (m: GraphWorkerMessage) => {
      if (m.type === 'progress') {
        options.onProgress?.(m.index, m.bytesRead, m.totalBytes);
        return;
      }
      pending.delete(m.index);
      if (m.type === 'graph') {
        Object.assign(timingsOf(m.index), m.timings);
        const graph = FlatHeapGraph.fromTransfer(m.graph);
        graphs[m.index] = graph;
        if (options.readBy) options.readBy[m.index] = 'worker';
        try {
          options.onGraph?.(m.index, graph);
        } catch (err) {
          // Reported like a failed read of this file (never an exception in an event handler).
          graphs[m.index] = undefined;
          errors[m.index] = err;
        }
      } else {
        errors[m.index] = m.code === 'E_INTERNAL'
          ? new WorkerUnavailable(m.message)
          : new LeakbenchError(m.code as ErrorCode, m.message);
        // The worker stops at its first error; what it did not reach, the main thread reads
        // (or, after an earlier file's error, never needs to).
        giveUp();
      }
      settle();
    });
    worker.once('error', () => {
      giveUp();
      resolve();
    });
    worker.once('exit', () => {
      giveUp();
      resolve();
    });
  });
  void done.then(() => {
    finished = true;
  });
  return { done, settled: () => finished, stop: () => void worker.terminate() };
}
