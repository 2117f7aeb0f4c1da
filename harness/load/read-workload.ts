/**
 * Reads a workload file (`--workload`: JSON, or an ES module whose default export is the workload
 * or a function returning it) and finds `leakbench.config.{json,mjs}` in the working directory, the
 * way vitest and eslint find their config files (the directory itself only: no search upwards, so
 * a run never picks up a file from a parent project by surprise).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LeakbenchError } from '../errors.js';
import { parseWorkload, type WorkloadSpec } from './workload.js';

/** Config file names, in the order they are looked for. */
export const CONFIG_FILES = ['leakbench.config.json', 'leakbench.config.mjs'] as const;

/** The config file in `dir`, or undefined. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Reads and checks a workload file; `E_FILE_NOT_FOUND` when missing, `E_WORKLOAD` when invalid. */
export async function readWorkloadFile(file: string): Promise<WorkloadSpec> {
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file)) throw new LeakbenchError('E_FILE_NOT_FOUND', `workload file ${shown} does not exist`);
  let value: unknown;
  if (/\.(mjs|js)$/.test(file)) {
    try {
      const mod = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown };
      value = mod.default;
      if (typeof value === 'function') value = await (value as () => unknown)();
    } catch (err) {
      if (err instanceof LeakbenchError) throw err;
      throw new LeakbenchError('E_WORKLOAD', `${shown}: the module failed to load: ${firstLine(err)}`, { cause: err });
    }
    if (value === undefined) throw new LeakbenchError('E_WORKLOAD', `${shown}: the module has no default export (export default { requests: [...] })`);
  } else if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8');
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new LeakbenchError('E_WORKLOAD', `${shown}: not valid JSON (${firstLine(err)})`, { cause: err });
    }
  } else {
    throw new LeakbenchError('E_WORKLOAD', `${shown}: a workload file ends in .json or .mjs`);
  }
  return parseWorkload(value, shown);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
