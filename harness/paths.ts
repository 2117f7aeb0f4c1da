/**
 * Where things are on disk. The package root is found from this file's own location, so the
 * compiled CLI (dist/harness/paths.js) and the TypeScript sources under vitest agree.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scenarios'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`leakbench package root not found above ${start}`);
    dir = parent;
  }
}

/** Absolute path of the leakbench package (the repo root). */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** Scenario sources and metadata: `scenarios/<name>/`. */
export const SCENARIOS_DIR = path.join(PACKAGE_ROOT, 'scenarios');

/** Compiled JavaScript, what child servers run: `dist/scenarios/<name>/<variant>.js`. */
export const DIST_DIR = path.join(PACKAGE_ROOT, 'dist');

/** True when leakbench runs as an installed package (inside a project's node_modules). */
export const INSTALLED = PACKAGE_ROOT.split(path.sep).includes('node_modules');

/**
 * Default parent of generated reports: the checkout's `reports/`, or, for an installed package,
 * `reports/` in the working directory (never inside node_modules).
 */
export const REPORTS_DIR = INSTALLED ? path.resolve('reports') : path.join(PACKAGE_ROOT, 'reports');
