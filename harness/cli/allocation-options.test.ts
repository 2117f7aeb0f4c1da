import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { clinicPackagePath } from '../clinic-package.js';
import { addAllocationOptions, addClinicOption, resolveAllocationProbe, resolveClinic, type AllocationFlags } from './allocation-options.js';

function parse(argv: string[]): AllocationFlags {
  const cmd = new Command('run').exitOverride();
  addAllocationOptions(cmd);
  addClinicOption(cmd);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts<AllocationFlags>();
}

describe('allocation options', () => {
  it('defaults to the sampling heap profiler', () => {
    expect(resolveAllocationProbe(parse([]))).toEqual({ allocation: 'sampling' });
  });
  it('--allocation-stacks asks for tracking, whatever the sampling flag says', () => {
    expect(resolveAllocationProbe(parse(['--allocation-stacks']))).toEqual({ allocation: 'tracking' });
    expect(resolveAllocationProbe(parse(['--allocation-stacks', '--no-allocation-sampling']))).toEqual({ allocation: 'tracking' });
  });
  it('--no-allocation-sampling turns recording off', () => {
    expect(resolveAllocationProbe(parse(['--no-allocation-sampling']))).toEqual({ allocation: 'off' });
  });
});

describe('--clinic', () => {
  const installed = clinicPackagePath() !== undefined;
  const none: NodeJS.ProcessEnv = {};

  it('is off unless the flag or LEAKBENCH_CLINIC asks for it', () => {
    expect(resolveClinic(parse([]), none)).toBe(false);
    expect(resolveClinic(parse([]), { LEAKBENCH_CLINIC: '0' })).toBe(false);
  });

  it('refuses a run that records no sampling profile (E_USAGE); the environment setting just skips it', () => {
    for (const argv of [['--clinic', '--allocation-stacks'], ['--clinic', '--no-allocation-sampling']]) {
      let err: unknown;
      try {
        resolveClinic(parse(argv), none);
      } catch (e) {
        err = e;
      }
      expect(isLeakbenchError(err, 'E_USAGE'), argv.join(' ')).toBe(true);
    }
    expect(resolveClinic(parse(['--allocation-stacks']), { LEAKBENCH_CLINIC: '1' })).toBe(false);
  });

  it(`with the optional package ${installed ? 'installed is on' : 'missing fails with E_CLINIC_MISSING'} for --clinic and LEAKBENCH_CLINIC=1`, () => {
    for (const [argv, env] of [[['--clinic'], none], [[], { LEAKBENCH_CLINIC: 'true' }]] as const) {
      if (installed) {
        expect(resolveClinic(parse([...argv]), env)).toBe(true);
      } else {
        expect(() => resolveClinic(parse([...argv]), env)).toThrow(/npm install --no-save @clinic\/heap-profiler@5\.0\.0/);
      }
    }
  });
});
