/**
 * What every leak mechanism module provides, and the evidence it decides on. A mechanism is one
 * module (how the heap shows it, its explanation, its fix) in the list of ./index.ts, which the
 * classifier walks in order; adding a mechanism touches that list and its tests, nothing else.
 * Nothing here sees a scenario name, a file name or an expected answer: only heap shapes.
 */
import type { LeakMechanism, LeakPattern } from '../../types.js';
import type { ContainerKind } from '../container-shape.js';
import { kindWord } from '../container-shape.js';

/** What the classifier looks at, collected from the last snapshot for one accumulation point. */
export interface MechanismEvidence {
  kind: ContainerKind;
  /** V8 class name of the container (`Map`, `Promise`, `TreeNode`, …). */
  className: string;
  /** New objects directly under the container (first new node on each dominator chain). */
  topLevelEntries: number;
  /** Of those, entries that are functions or hold a function directly (a Timeout's `_onTimeout`, `{ resolve, reject }`). */
  closureEntries: number;
  /** New closure scopes (`system / Context`) charged to the container. */
  contexts: number;
  /** New objects and their bytes charged to the point (external backing stores included). */
  newObjects: number;
  newBytes: number;
  /** External bytes (ArrayBuffer backing stores) charged to the container. */
  externalBytes: number;
  /** New strings charged to the container, and their bytes. */
  strings: number;
  stringBytes: number;
  /** New promise reactions (`.then` callbacks waiting on a promise) charged to the container. */
  promiseReactions: number;
  /**
   * Longest chain of new objects of one class, each linked to the next through the same property
   * (`store.previous → store.previous → …`). 0 when none.
   */
  chainLength: number;
  /** New objects of the chain's class charged to the container (the chain's coverage is length / this). */
  chainClassCount: number;
  chainLink?: string;
  chainClass?: string;
  /** Name of the edge from the container to the chain's newest object (e.g. the variable `current`). */
  chainHead?: string;
  /** Growing children of a spread accumulation point (0 when the container grows itself). */
  members: number;
}

/** Inputs to the explanation text. */
export interface ExplainInput {
  kind: ContainerKind;
  holder: string;
  eventName?: string;
  bytesPerRequest?: number;
  entriesPerRequest?: number;
  topClass?: string;
  externalBytes: number;
  /** A linked chain behind the growth (see {@link MechanismEvidence.chainLength}). */
  chain?: { length: number; link: string; className: string };
  /** A spread point: how many members grow, and the largest few by name. */
  members?: { count: number; largest: string[] };
}

/** One leak mechanism. */
export interface Mechanism {
  id: LeakMechanism;
  /** The seed family it belongs to (the report's coarse `pattern`). */
  family: LeakPattern;
  /** How the heap shows it, one sentence (docs/analysis.md lists these). */
  signature: string;
  /** True when the evidence shows this mechanism. Run-level mechanisms never match a finding. */
  matches(e: MechanismEvidence): boolean;
  explain(input: ExplainInput): { explanation: string; fix: string };
}

/** ` It keeps about 76 bytes per request (1.0 references per request).` */
export function perRequest(input: ExplainInput): string {
  if (input.bytesPerRequest === undefined) return '';
  const entries = input.entriesPerRequest;
  const what = entries !== undefined && entries > 0 ? ` (${entries.toFixed(entries < 1 ? 2 : 1)} references per request)` : '';
  return ` It keeps about ${Math.round(input.bytesPerRequest)} bytes per request${what}.`;
}

/** ` Most of what accumulates is …` */
export function topClass(input: ExplainInput): string {
  return input.topClass !== undefined ? ` Most of what accumulates is ${input.topClass}.` : '';
}

/** A note on external memory when Buffers are among what accumulates. */
export function externalNote(input: ExplainInput): string {
  return input.externalBytes > 0 ? ' Captured Buffers keep their external memory (outside the JS heap) alive too.' : '';
}

/** The words for a container kind. */
export function kindText(input: ExplainInput): string {
  return kindWord(input.kind);
}

/** Keyed container kinds (the holder is looked up by key). */
export function isKeyed(kind: ContainerKind): boolean {
  return kind === 'map' || kind === 'set' || kind === 'weak-collection' || kind === 'dictionary';
}

/** Share of top-level entries that are functions or hold one. */
export function closureShare(e: MechanismEvidence): number {
  return e.topLevelEntries === 0 ? 0 : e.closureEntries / e.topLevelEntries;
}
