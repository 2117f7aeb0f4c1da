/**
 * The registry of leak mechanisms, in the order the classifier tries them: the first whose
 * `matches` accepts the evidence names the finding. Order matters where shapes overlap: a spread
 * point before the keyed collection that contains it, listener and timer lists before plain
 * arrays, a pending-call table before a plain keyed collection, a promise's reactions before
 * closures in general. `unknown` is last and accepts anything.
 */
import type { LeakMechanism } from '../../types.js';
import { appendOnlyArray } from './append-only-array.js';
import { closureContextRetention } from './closure-context-retention.js';
import { externalBuffers } from './external-buffers.js';
import { keyedCollection } from './keyed-collection.js';
import { linkedChain } from './linked-chain.js';
import { listenerAccumulation } from './listener-accumulation.js';
import type { Mechanism, MechanismEvidence } from './mechanism.js';
import { pendingCallTable } from './pending-call-table.js';
import { promiseRetention } from './promise-retention.js';
import { nativeGrowth, timeDrivenGrowth } from './run-level.js';
import { spreadOverManyContainers } from './spread-over-many-containers.js';
import { stringBuilding } from './string-building.js';
import { timerAccumulation } from './timer-accumulation.js';
import { unknownMechanism } from './unknown.js';

export type { ExplainInput, Mechanism, MechanismEvidence } from './mechanism.js';
export { MIN_SPREAD_MEMBERS } from './spread-over-many-containers.js';
export { MIN_CHAIN_COVERAGE, MIN_CHAIN_LENGTH } from './linked-chain.js';

/** Every mechanism, in classification order; `unknown` last. */
export const MECHANISMS: readonly Mechanism[] = [
  spreadOverManyContainers,
  listenerAccumulation,
  timerAccumulation,
  promiseRetention,
  pendingCallTable,
  keyedCollection,
  appendOnlyArray,
  linkedChain,
  stringBuilding,
  closureContextRetention,
  externalBuffers,
  nativeGrowth,
  timeDrivenGrowth,
  unknownMechanism,
];

/** The mechanism of an accumulation point: the first in {@link MECHANISMS} that matches. */
export function classifyMechanism(e: MechanismEvidence): Mechanism {
  return MECHANISMS.find((m) => m.matches(e)) ?? unknownMechanism;
}

/** The registry entry of a mechanism id. */
export function mechanismById(id: LeakMechanism): Mechanism {
  return MECHANISMS.find((m) => m.id === id) ?? unknownMechanism;
}
