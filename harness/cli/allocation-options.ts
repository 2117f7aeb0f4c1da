/**
 * The allocation-site options shared by `run` (scenarios and `--cmd`) and `attach`: which
 * allocation data the run records for each finding's "allocated at".
 */
import type { Command } from 'commander';
import { LeakbenchError } from '../errors.js';
import { CLINIC_ENV, assertClinicInstalled, clinicRequestedByEnv } from '../clinic-package.js';
import type { ProbePlan } from '../orchestrator/run-variant.js';

/** Raw values of the options {@link addAllocationOptions} registers. */
export interface AllocationFlags {
  allocationStacks?: boolean;
  /** commander's `--no-allocation-sampling` negation: true unless the flag was given. */
  allocationSampling?: boolean;
  clinic?: boolean;
}

/** Registers `--allocation-stacks` and `--no-allocation-sampling` on a command. */
export function addAllocationOptions(cmd: Command): void {
  cmd
    .option(
      '--allocation-stacks',
      'record the allocation stack of every object from the end of warm-up (exact "allocated at" per finding; slows the server, see docs)',
    )
    .option('--no-allocation-sampling', 'without --allocation-stacks: do not run the (cheap) sampling heap profiler either');
}

/** The probe settings the flags ask for. */
export function resolveAllocationProbe(flags: AllocationFlags): Pick<ProbePlan, 'allocation'> {
  if (flags.allocationStacks === true) return { allocation: 'tracking' };
  return { allocation: flags.allocationSampling === false ? 'off' : 'sampling' };
}

/** Registers `--clinic` (Clinic.js Heap Profiler's page as an extra view) on a command. */
export function addClinicOption(cmd: Command): void {
  cmd.option(
    '--clinic',
    `also write Clinic.js Heap Profiler's page of each sampling profile, next to report.html (optional package @clinic/heap-profiler; or set ${CLINIC_ENV}=1)`,
  );
}

/**
 * Whether the Clinic view is asked for (`--clinic` or `LEAKBENCH_CLINIC=1`), checked before anything
 * runs: it needs the optional package (`E_CLINIC_MISSING`) and a sampling profile to show (`--clinic`
 * with `--allocation-stacks` or `--no-allocation-sampling` is `E_USAGE`).
 */
export function resolveClinic(flags: AllocationFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  const sampling = resolveAllocationProbe(flags).allocation === 'sampling';
  if (flags.clinic === true && !sampling) {
    throw new LeakbenchError('E_USAGE', '--clinic shows the sampling heap profile: drop --allocation-stacks / --no-allocation-sampling');
  }
  // The environment setting is a standing preference: runs without a sampling profile just skip it.
  if (flags.clinic !== true && !(clinicRequestedByEnv(env) && sampling)) return false;
  assertClinicInstalled();
  return true;
}
