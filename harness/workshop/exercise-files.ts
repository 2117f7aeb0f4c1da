/**
 * Workshop exercise files: `workshop/<scenario>.ts`, a participant's copy of the scenario's leaky
 * variant. They are generated from `scenarios/<name>/leaky.ts` (by `leakbench workshop --init`, or
 * by `leakbench check` when missing) rather than committed, so an exercise can never drift from
 * the scenario it teaches; `--reset` regenerates one. The copy differs from the original only in
 * what would spoil the exercise (the file comment that explains the leak and the `// LEAK:` notes)
 * and in its kit import paths, so it compiles from its own folder.
 *
 * Exercises are compiled on their own (compile-exercise.ts), never by `npm run build`: the root
 * tsconfig excludes `workshop/`, so a half-finished edit cannot break the project build.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Scenario } from '../catalog.js';
import { LeakbenchError } from '../errors.js';
import { DIST_DIR, PACKAGE_ROOT, SCENARIOS_DIR } from '../paths.js';
import { writeFileAtomic } from '../report/write-file-atomic.js';

/** Where participants edit their exercises: `workshop/` at the repo root. */
export const WORKSHOP_DIR = path.join(PACKAGE_ROOT, 'workshop');

/** Compiled exercises of the default workshop folder (separate from the project's dist tree). */
export const WORKSHOP_BUILD_DIR = path.join(DIST_DIR, 'workshop-build');

/** One workshop folder: where the exercises are and where they compile to. */
export interface WorkshopLayout {
  /** Folder of the `<scenario>.ts` exercise files (inside the package, for module resolution). */
  dir: string;
  /** Compiler output folder. */
  buildDir: string;
}

/**
 * The layout of a workshop folder. The default is `workshop/` compiled into `dist/workshop-build`;
 * another folder (tests use one) compiles into its own `.build/`. The folder must be inside the
 * package: the exercise imports the scenario kit and packages such as lru-cache from there.
 */
export function workshopLayout(dir: string = WORKSHOP_DIR): WorkshopLayout {
  const abs = path.resolve(dir);
  const rel = path.relative(PACKAGE_ROOT, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LeakbenchError('E_USAGE', `the workshop folder must be inside ${PACKAGE_ROOT}, got '${dir}'`);
  }
  return { dir: abs, buildDir: abs === WORKSHOP_DIR ? WORKSHOP_BUILD_DIR : path.join(abs, '.build') };
}

/** Path of a scenario's exercise file. */
export function exercisePath(layout: WorkshopLayout, scenario: string): string {
  return path.join(layout.dir, `${scenario}.ts`);
}

/** The import prefix that reaches `scenarios/kit` from `fromDir`, posix-style (`../scenarios/kit`). */
export function kitImportPrefix(fromDir: string): string {
  const rel = path.relative(fromDir, path.join(SCENARIOS_DIR, 'kit')).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * Turns a scenario variant's source into an exercise file: a neutral header instead of the file
 * comment, `// LEAK:` notes (and their continuation lines) removed, `../kit/` imports pointed at
 * `kitPrefix`. Everything else, including every line of code, stays as it was.
 */
export function toExerciseSource(source: string, scenario: Pick<Scenario, 'name'>, kitPrefix: string): string {
  let body = source.replace(/^\s*\/\*\*[\s\S]*?\*\/\s*\n/, '');
  const out: string[] = [];
  let skippingIndent: string | undefined;
  for (const line of body.split('\n')) {
    const m = /^(\s*)\/\/\s*(.*)$/.exec(line);
    if (skippingIndent !== undefined) {
      // A continuation of the removed note: a comment line at the same indentation that does not
      // start a new tagged note.
      if (m && m[1] === skippingIndent && !/^[A-Z]+:/.test(m[2] ?? '')) continue;
      skippingIndent = undefined;
    }
    if (m && /^LEAK\b/.test(m[2] ?? '')) {
      skippingIndent = m[1];
      continue;
    }
    out.push(line);
  }
  body = out.join('\n').replace(/(['"])\.\.\/kit\//g, `$1${kitPrefix}/`);
  const header = [
    '/**',
    ` * Workshop exercise: ${scenario.name}.`,
    ' *',
    ' * This is a copy of a server that may hold on to memory as it serves requests. Find out what',
    ' * grows (run `npx leakbench check ' + scenario.name + '`, read its finding and report) and change',
    ' * this file so that nothing accumulates, without changing any response the API gives.',
    ' *',
    ` *   npx leakbench check ${scenario.name}            measure your version: pass or what still leaks`,
    ` *   npx leakbench check ${scenario.name} --hint 2   a stronger hint (1..3)`,
    ` *   npx leakbench check ${scenario.name} --reset    start over from the original`,
    ' */',
  ].join('\n');
  return `${header}\n${body}`;
}

/** The exercise text for `scenario` in `layout`, generated from its leaky variant. */
export async function exerciseTemplate(layout: WorkshopLayout, scenario: Scenario): Promise<string> {
  if (!existsSync(scenario.sources.leaky)) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `${path.relative(process.cwd(), scenario.sources.leaky)} is missing`);
  }
  return toExerciseSource(await readFile(scenario.sources.leaky, 'utf8'), scenario, kitImportPrefix(layout.dir));
}

/** State of an exercise file compared with its template. */
export type ExerciseState = 'missing' | 'untouched' | 'edited';

/** Whether the exercise file exists and differs from a fresh copy. */
export async function exerciseState(layout: WorkshopLayout, scenario: Scenario): Promise<ExerciseState> {
  const file = exercisePath(layout, scenario.name);
  if (!existsSync(file)) return 'missing';
  const [text, template] = await Promise.all([readFile(file, 'utf8'), exerciseTemplate(layout, scenario)]);
  return text === template ? 'untouched' : 'edited';
}

/**
 * Writes the exercise file from the template. With `overwrite` false an existing file is kept
 * (returns false); with true (`--reset`) it is replaced. Atomic: a reset never leaves half a file.
 */
export async function writeExercise(layout: WorkshopLayout, scenario: Scenario, overwrite: boolean): Promise<boolean> {
  const file = exercisePath(layout, scenario.name);
  if (!overwrite && existsSync(file)) return false;
  await writeFileAtomic(file, await exerciseTemplate(layout, scenario));
  return true;
}
