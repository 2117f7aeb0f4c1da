import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addAllocationOptions, resolveAllocationProbe, type AllocationFlags } from './allocation-options.js';

function parse(argv: string[]): AllocationFlags {
  const cmd = new Command('run').exitOverride();
  addAllocationOptions(cmd);
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
