/**
 * Where a worker thread's compiled script is. Worker threads load JavaScript: when the engine
 * itself runs as TypeScript (under vitest), its workers come from the build in `dist/`.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Path of `<name>.js` next to the module at `moduleUrl` (a module of a `harness/<folder>`), or
 * undefined when that file does not exist (no build yet): callers then do the work on their own thread.
 */
export function workerScript(moduleUrl: string, name: string): string | undefined {
  const self = fileURLToPath(moduleUrl);
  const dir = dirname(self);
  const js = self.endsWith('.ts')
    ? join(dir, '..', '..', 'dist', 'harness', basename(dir), `${name}.js`)
    : join(dir, `${name}.js`);
  return existsSync(js) ? js : undefined;
}

/**
 * Starts a worker on `script` with `workerData`. `--input-type` does not apply to a worker and
 * makes it fail to start, so it is left out; other flags are inherited as usual (passing them
 * explicitly is refused for some, e.g. `--max-old-space-size`). Throws when the thread cannot start.
 */
export function startWorker(script: string, workerData: unknown): Worker {
  const filtered = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  return new Worker(script, filtered.length === process.execArgv.length ? { workerData } : { workerData, execArgv: filtered });
}

/** A worker started before its job is known (see {@link prestartWorker}). */
let prestarted: { script: string; worker: Worker; ended: boolean } | undefined;

/**
 * Starts a worker on `script` ahead of its job, so its start-up (a new isolate, loading the
 * engine's modules: ~60 ms) overlaps whatever the caller loads meanwhile. The worker waits for
 * `{ job }` as its first message; {@link takePrestartedWorker} hands it to the code that has the
 * job. Unref'd: a worker nobody takes never keeps the process alive. Does nothing when the script
 * is missing or the thread cannot start.
 */
export function prestartWorker(script: string | undefined): void {
  if (script === undefined || prestarted !== undefined) return;
  try {
    const worker = startWorker(script, undefined);
    worker.unref();
    const entry = { script, worker, ended: false };
    // A worker that failed or ended before it was taken is not handed out: its 'error' and
    // 'exit' events are gone by then, and a caller waiting for them would wait forever.
    const end = (): void => {
      entry.ended = true;
    };
    worker.once('error', end);
    worker.once('exit', end);
    prestarted = entry;
  } catch {
    // The reader starts its own worker (or reads on the main thread).
  }
}

/** Whether the worker prestarted on `script` has ended (undefined when there is none): for tests. */
export function prestartedWorkerEnded(script: string): boolean | undefined {
  return prestarted === undefined || prestarted.script !== script ? undefined : prestarted.ended;
}

/** The worker {@link prestartWorker} started on `script`, once (sent its job by the caller), or undefined. */
export function takePrestartedWorker(script: string): Worker | undefined {
  if (prestarted === undefined || prestarted.script !== script) return undefined;
  const { worker, ended } = prestarted;
  prestarted = undefined;
  if (ended) return undefined;
  worker.ref();
  return worker;
}

/**
 * Starts the worker {@link readSnapshots} reads its share of a sequence with, ahead of the call
 * (a command that will read a sequence calls this first thing). Only with two or more CPUs, as
 * readSnapshots itself decides.
 */
export function prestartGraphWorker(): void {
  if (availableParallelism() > 1) prestartWorker(workerScript(import.meta.url, 'graph-worker'));
}
