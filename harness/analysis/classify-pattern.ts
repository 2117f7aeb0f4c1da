/**
 * Names the leak pattern of an accumulation point from heap data alone — the container's shape
 * and what piles up in it — and writes the teaching explanation and fix. Nothing here (or anywhere
 * in the analysis) sees a scenario name, a file name or an expected answer.
 */
import type { LeakPattern } from '../types.js';
import type { ContainerKind } from './container-shape.js';
import { kindWord } from './container-shape.js';

/** What the classifier looks at. */
export interface PatternEvidence {
  kind: ContainerKind;
  /** New objects directly under the container (first new node on each dominator chain). */
  topLevelEntries: number;
  /** Of those, entries that are functions or hold a function directly (a Timeout's `_onTimeout`). */
  closureEntries: number;
  /** New closure scopes (`system / Context`) charged to the container. */
  contexts: number;
  /** External bytes (ArrayBuffer backing stores) charged to the container. */
  externalBytes: number;
  /** New strings charged to the container. */
  strings: number;
  /**
   * Longest chain of new objects of one class, each linked to the next through the same property
   * (`store.previous → store.previous → …`): a linked list that only ever grows. 0 when none.
   */
  chainLength: number;
  /** The linking property and the class of a chain, when there is one. */
  chainLink?: string;
  chainClass?: string;
  /** Name of the edge from the container to the chain's newest object (e.g. the variable `current`). */
  chainHead?: string;
}

/** A chain shorter than this is a few linked records, not an accumulating sequence. */
export const MIN_CHAIN_LENGTH = 8;

/**
 * The pattern of one accumulation point:
 * - closures piling up (a listener array, a timer list, or any sequence whose entries are
 *   functions) → `closure-captured-buffers`;
 * - a keyed collection (Map, Set, object used as a dictionary) → `unbounded-map`;
 * - an append-only sequence — an Array of records or strings, or a linked chain in which each
 *   new object references the one before — → `uncleaned-audit-cache`;
 * - anything else → `unknown`: the growth is real (this is only called for findings), the shape is
 *   not one we name. Never `none`, which means "no leak".
 */
export function classifyPattern(e: PatternEvidence): LeakPattern {
  const closureShare = e.topLevelEntries === 0 ? 0 : e.closureEntries / e.topLevelEntries;
  if (e.kind === 'listener-array' || e.kind === 'timer-list') return 'closure-captured-buffers';
  if (e.kind === 'map' || e.kind === 'set' || e.kind === 'weak-collection' || e.kind === 'dictionary') {
    return 'unbounded-map';
  }
  if (closureShare >= 0.5) return 'closure-captured-buffers';
  if (e.kind === 'array') return 'uncleaned-audit-cache';
  if (e.kind === 'context' && e.contexts > 0 && closureShare > 0) return 'closure-captured-buffers';
  if (e.chainLength >= MIN_CHAIN_LENGTH) return 'uncleaned-audit-cache';
  return 'unknown';
}

/** Inputs to the explanation text. */
export interface ExplainInput {
  pattern: LeakPattern;
  kind: ContainerKind;
  holder: string;
  eventName?: string;
  bytesPerRequest?: number;
  entriesPerRequest?: number;
  topClass?: string;
  externalBytes: number;
  /** A linked chain behind the growth (see {@link PatternEvidence.chainLength}). */
  chain?: { length: number; link: string; className: string };
}

function perRequest(input: ExplainInput): string {
  if (input.bytesPerRequest === undefined) return '';
  const entries = input.entriesPerRequest;
  const what = entries !== undefined && entries > 0 ? ` (${entries.toFixed(entries < 1 ? 2 : 1)} references per request)` : '';
  return ` It keeps about ${Math.round(input.bytesPerRequest)} bytes per request${what}.`;
}

/** A short teaching explanation of why the holder leaks, and the fix. */
export function explain(input: ExplainInput): { explanation: string; fix: string } {
  const top = input.topClass !== undefined ? ` Most of what accumulates is ${input.topClass}.` : '';
  const external = input.externalBytes > 0 ? ' Captured Buffers keep their external memory (outside the JS heap) alive too.' : '';
  switch (input.pattern) {
    case 'unbounded-map':
      return {
        explanation:
          `${input.holder} is a ${kindWord(input.kind)} that gains entries on every request and never loses them: ` +
          `each new key stays reachable from a long-lived variable, so the garbage collector can free none of them.` +
          perRequest(input) + top,
        fix:
          'Bound it: use an LRU with a maximum size (lru-cache) or a TTL, delete entries when their request or session ends, ' +
          'or key a WeakMap by an object whose lifetime matches the entry.',
      };
    case 'uncleaned-audit-cache':
      if (input.chain !== undefined) {
        const { length, link, className } = input.chain;
        return {
          explanation:
            `${input.holder} reaches a chain of ${length} ${className} objects, each keeping the one before it alive through ` +
            `its \`${link}\` property. A new one is linked in front again and again and the tail is never cut, so every ` +
            'generation — and everything it references — lives as long as the process.' + external + perRequest(input) + top,
          fix:
            `Cut the chain: once an older ${className} is no longer needed, set \`${link}\` to null (or keep a fixed number ` +
            'of generations), and swap the current one atomically so nothing else still points at the old.',
        };
      }
      return {
        explanation:
          `${input.holder} is an append-only ${kindWord(input.kind)}: every request pushes a record and nothing ever removes one, ` +
          'so the sequence and everything its records reference live as long as the process.' + perRequest(input) + top,
        fix:
          'Flush records to their destination (a log, a file, a database) and drop them, or keep a fixed-size ring buffer ' +
          '(splice/shift old entries once a limit is reached).',
      };
    case 'closure-captured-buffers': {
      const where =
        input.kind === 'timer-list'
          ? 'timers that are never cleared'
          : input.kind === 'listener-array'
            ? `listeners${input.eventName !== undefined ? ` of event '${input.eventName}'` : ''} that are never removed`
            : 'callbacks that are never released';
      return {
        explanation:
          `${input.holder} collects ${where}. Each callback is a closure whose scope captured request data, so every request ` +
          `leaves a function, its scope and what the scope references behind.` + external + perRequest(input) + top,
        fix:
          input.kind === 'timer-list'
            ? 'Clear each timer (clearInterval/clearTimeout) when its work is done, and capture only the small values the callback needs.'
            : 'Remove the listener when the request ends (emitter.off / once / an AbortSignal), and capture only the small values the ' +
              'callback needs instead of whole request bodies or Buffers.',
      };
    }
    default:
      return {
        explanation:
          `${input.holder} keeps objects created by requests alive and grows in proportion to the work done.` + perRequest(input) + top,
        fix: 'Find where requests add to this object and release what is added when the request is done, or bound its size.',
      };
  }
}
