/**
 * Names what an accumulation point shows — its mechanism (mechanisms/: one module per mechanism,
 * walked in order) and the seed family (`pattern`) that mechanism belongs to — and writes the
 * teaching explanation and fix from the mechanism's module. Nothing here (or anywhere in the
 * analysis) sees a scenario name, a file name or an expected answer.
 */
import type { LeakMechanism, LeakPattern } from '../types.js';
import { classifyMechanism, mechanismById, type ExplainInput, type MechanismEvidence } from './mechanisms/index.js';

export type { ExplainInput, MechanismEvidence as PatternEvidence } from './mechanisms/index.js';
export { MIN_CHAIN_LENGTH } from './mechanisms/index.js';

/** The seed family of an accumulation point (never `none`: this is only asked of findings). */
export function classifyPattern(e: MechanismEvidence): LeakPattern {
  return classifyMechanism(e).family;
}

/** The explanation and fix of a finding of mechanism `mechanism`. */
export function explain(mechanism: LeakMechanism, input: ExplainInput): { explanation: string; fix: string } {
  return mechanismById(mechanism).explain(input);
}
