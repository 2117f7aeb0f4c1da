/**
 * Compiles one exercise file on its own with the project's own `tsc` and compiler options, into
 * the workshop's build folder. The harness runs compiled JavaScript for every variant, so a
 * participant's file is measured the same way as the scenario's originals. Only the exercise is
 * given to the compiler (its imports come along), so another half-edited exercise or a type error
 * elsewhere cannot fail this one's check, and `npm run build` never sees any exercise.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LeakbenchError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import type { WorkshopLayout } from './exercise-files.js';

/** Result of {@link compileExercise}. */
export interface CompileResult {
  ok: boolean;
  /** The compiled entry the harness runs. */
  entry: string;
  /** Compiler messages (empty when ok), paths relative to the package. */
  diagnostics: string;
  durationMs: number;
}

/** Path of the TypeScript compiler the project builds with. */
export function tscPath(): string {
  return path.join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc');
}

/** Compiles `file` (an exercise inside `layout.dir`) and returns the entry to run. */
export async function compileExercise(layout: WorkshopLayout, file: string, timeoutMs = 120_000): Promise<CompileResult> {
  const started = performance.now();
  const tsc = tscPath();
  if (!existsSync(tsc)) throw new LeakbenchError('E_FILE_NOT_FOUND', `${tsc} is missing; run \`npm install\` first`);
  await mkdir(layout.buildDir, { recursive: true });
  const name = path.basename(file, '.ts');
  // A per-exercise project: the root options, this one file, output mirrored under buildDir.
  const config = path.join(layout.buildDir, `tsconfig.${name}.json`);
  await writeFile(
    config,
    `${JSON.stringify(
      {
        extends: path.join(PACKAGE_ROOT, 'tsconfig.json'),
        compilerOptions: { rootDir: PACKAGE_ROOT, outDir: layout.buildDir, sourceMap: true, noEmit: false },
        files: [file],
        include: [],
        exclude: [],
      },
      null,
      2,
    )}\n`,
  );
  const entry = path.join(layout.buildDir, path.relative(PACKAGE_ROOT, file)).replace(/\.ts$/, '.js');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(tsc, ['-p', config, '--pretty', 'false'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output: text });
    });
  });
  const diagnostics = output.trim();
  // tsc emits even with type errors; an exercise with errors still fails its check (its types are
  // part of what the participant hands in), but a missing output is a compiler failure.
  const ok = code === 0 && existsSync(entry);
  return { ok, entry, diagnostics: ok ? '' : diagnostics || `tsc exited with code ${code}`, durationMs: performance.now() - started };
}
