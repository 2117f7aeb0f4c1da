/**
 * The optional package `@clinic/heap-profiler`: whether it is installed, and the one-line error
 * with the install command when a user asks for its view without it. Small on purpose: the CLI
 * checks `--clinic` before a run starts, without loading the report renderers (see
 * report/clinic-heap-profiler.ts for the page itself).
 */
import { createRequire } from 'node:module';
import { LeakbenchError } from './errors.js';

const require = createRequire(import.meta.url);

/** The optional package and the version leakbench is tested with. */
export const CLINIC_PACKAGE = '@clinic/heap-profiler';
export const CLINIC_VERSION = '5.0.0';

/** Environment variable that turns the Clinic view on, like `--clinic`. */
export const CLINIC_ENV = 'LEAKBENCH_CLINIC';

/** True when `LEAKBENCH_CLINIC` asks for the Clinic view (`1`, `true`, `yes`). */
export function clinicRequestedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env[CLINIC_ENV] ?? '');
}

/** Where the optional package resolves from, or undefined when it is not installed. */
export function clinicPackagePath(): string | undefined {
  try {
    return require.resolve(CLINIC_PACKAGE);
  } catch {
    return undefined;
  }
}

/** Throws `E_CLINIC_MISSING` (exit 2) with the install command when the optional package is absent. */
export function assertClinicInstalled(): void {
  if (clinicPackagePath() !== undefined) return;
  throw new LeakbenchError(
    'E_CLINIC_MISSING',
    `the Clinic view needs the optional package ${CLINIC_PACKAGE}, which is not installed: run \`npm install --no-save ${CLINIC_PACKAGE}@${CLINIC_VERSION}\` (or \`npm ci\` without --omit=optional)`,
  );
}

