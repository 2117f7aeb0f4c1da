/**
 * The allocation-site options shared by `run` (scenarios and `--cmd`) and `attach`: which
 * allocation data the run records for each finding's "allocated at".
 */
import type { Command } from 'commander';
import type { ProbePlan } from '../orchestrator/run-variant.js';

/** Raw values of the options {@link addAllocationOptions} registers. */
export interface AllocationFlags {
  allocationStacks?: boolean;
  /** commander's `--no-allocation-sampling` negation: true unless the flag was given. */
  allocationSampling?: boolean;
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
