/**
 * Where a worker thread's compiled script is. Worker threads load JavaScript: when the engine
 * itself runs as TypeScript (under vitest), its workers come from the build in `dist/`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Path of `<name>.js` next to the module at `moduleUrl` (a module of `harness/heap`), or undefined
 * when that file does not exist (no build yet): callers then do the work on their own thread.
 */
export function workerScript(moduleUrl: string, name: string): string | undefined {
  const self = fileURLToPath(moduleUrl);
  const dir = dirname(self);
  const js = self.endsWith('.ts')
    ? join(dir, '..', '..', 'dist', 'harness', 'heap', `${name}.js`)
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
