/**
 * What kind of container a heap node is, how many entries it holds, and which of its internal
 * nodes are mere backing stores. V8 (Node 20) writes containers like this:
 * - `Map` / `Set`: an `object` node with an `internal` edge `table` to an unnamed `array` node
 *   (the OrderedHashMap/OrderedHashSet); entries are that table's numbered `internal` edges (key
 *   and value for a Map). Small-integer keys and values are not nodes and have no edge.
 * - `Array`: `element` edges on the Array itself, plus an `internal` edge `elements` to the
 *   `(object elements)` backing store (which repeats the entries as numbered `internal` edges).
 * - a plain object in dictionary mode: `property` edges on the object itself, plus an `internal`
 *   edge `properties` to `(object properties)`.
 * - an EventEmitter: `_events` is a null-prototype object whose properties are the event names;
 *   each holds one listener function or an Array of them.
 * - Node's timers: a `TimersList` per duration, a doubly linked ring of `Timeout` objects through
 *   `_idleNext` / `_idlePrev`, each Timeout holding its callback in `_onTimeout`.
 * - closure contexts: `system / Context` with one `context` edge per captured variable.
 * Backing stores are re-allocated when a container grows, so their ids change between snapshots;
 * the analysis always reports (and matches across snapshots) the owning container instead.
 */
import type { HeapGraph } from '../heap/types.js';

/** The shape of an accumulation point, decided from the heap alone. */
export type ContainerKind =
  | 'map'
  | 'set'
  | 'weak-collection'
  | 'array'
  | 'dictionary'
  | 'listener-array'
  | 'timer-list'
  | 'context'
  | 'object';

/** Internal edge names through which an object owns a backing store. */
const BACKING_STORE_EDGES = new Set(['table', 'elements', 'properties']);

/** True for nodes that only store another object's entries (tables, element/property stores). */
export function isBackingStoreNode(g: HeapGraph, ordinal: number): boolean {
  const type = g.nodeType(ordinal);
  if (type === 'array') return true;
  if (type !== 'hidden') return false;
  const name = g.nodeName(ordinal);
  return name.startsWith('system / Ordered') || name.includes('HashTable') || name.includes('Dictionary');
}

/** The node that owns backing store `store` through a `table`/`elements`/`properties` edge, or -1. */
export function backingStoreOwner(g: HeapGraph, store: number): number {
  for (let r = g.firstRetainer(store), end = g.retainersEnd(store); r < end; r++) {
    const edge = g.retainerEdge(r);
    if (g.edgeType(edge) === 'internal' && BACKING_STORE_EDGES.has(g.edgeName(edge))) return g.retainerNode(r);
  }
  return -1;
}

/** The target of the first outgoing edge of `ordinal` named `name` (any type), or -1. */
export function edgeTargetByName(g: HeapGraph, ordinal: number, name: string): number {
  for (let e = g.firstEdge(ordinal), end = g.edgesEnd(ordinal); e < end; e++) {
    if (g.edgeNameIs(e, name)) return g.edgeTarget(e);
  }
  return -1;
}

/** True when some retainer of `ordinal` is an `_events` object (so it is a listener array). */
function isHeldByEventsObject(g: HeapGraph, ordinal: number): boolean {
  for (let r = g.firstRetainer(ordinal), end = g.retainersEnd(ordinal); r < end; r++) {
    const holder = g.retainerNode(r);
    for (let q = g.firstRetainer(holder), qEnd = g.retainersEnd(holder); q < qEnd; q++) {
      if (g.edgeNameIs(g.retainerEdge(q), '_events')) return true;
    }
  }
  return false;
}

/** Classifies a container node. */
export function containerKind(g: HeapGraph, ordinal: number): ContainerKind {
  const name = g.nodeName(ordinal);
  const type = g.nodeType(ordinal);
  if (name === 'system / Context') return 'context';
  if (name === 'TimersList') return 'timer-list';
  if (type === 'object' && edgeTargetByName(g, ordinal, 'table') >= 0) {
    if (name === 'WeakMap' || name === 'WeakSet') return 'weak-collection';
    if (name === 'Set') return 'set';
    return 'map';
  }
  if (name === 'Array' && type === 'object') {
    return isHeldByEventsObject(g, ordinal) ? 'listener-array' : 'array';
  }
  if (type === 'object' && isDictionary(g, ordinal)) return 'dictionary';
  return 'object';
}

/**
 * An object used as a dictionary. V8 switches such objects to dictionary mode, where the
 * `properties` store holds each key string next to its value (a fast-mode store holds values
 * only; the keys live in the hidden class), so the store has about twice as many entries as the
 * object has properties. A plain `Object` with many properties counts too.
 */
function isDictionary(g: HeapGraph, ordinal: number): boolean {
  const properties = namedEntryCount(g, ordinal);
  if (properties >= 16 && g.nodeNameIs(ordinal, 'Object')) return true;
  const store = edgeTargetByName(g, ordinal, 'properties');
  if (store < 0 || properties < 8) return false;
  let stored = 0;
  for (let e = g.firstEdge(store), end = g.edgesEnd(store); e < end; e++) {
    if (!g.edgeNameIs(e, 'map')) stored++;
  }
  return stored >= 1.5 * properties;
}

/** Number of own named properties / elements (not `__proto__`, not internal fields). */
function namedEntryCount(g: HeapGraph, ordinal: number): number {
  let count = 0;
  for (let e = g.firstEdge(ordinal), end = g.edgesEnd(ordinal); e < end; e++) {
    const t = g.edgeType(e);
    if (t === 'element' || (t === 'property' && !g.edgeNameIs(e, '__proto__'))) count++;
  }
  return count;
}

/** Walks a Node.js TimersList ring and counts its Timeouts (bounded, in case of a corrupt ring). */
function timerListLength(g: HeapGraph, list: number): number {
  let count = 0;
  let at = edgeTargetByName(g, list, '_idleNext');
  while (at >= 0 && at !== list && count < 50_000_000) {
    count++;
    at = edgeTargetByName(g, at, '_idleNext');
  }
  return count;
}

/**
 * Entries a container holds: references to heap objects (Map entries count key and value once
 * each, so a Map of string → object counts 2 per entry). Numbers stored unboxed are invisible to
 * a heap snapshot, so for tables the count can be 0 while the table's self size still grows.
 */
export function entryCount(g: HeapGraph, ordinal: number, kind: ContainerKind = containerKind(g, ordinal)): number {
  switch (kind) {
    case 'timer-list':
      return timerListLength(g, ordinal);
    case 'map':
    case 'set':
    case 'weak-collection': {
      const table = edgeTargetByName(g, ordinal, 'table');
      if (table < 0) return 0;
      let count = 0;
      for (let e = g.firstEdge(table), end = g.edgesEnd(table); e < end; e++) {
        if (g.edgeNameIs(e, 'map')) continue;
        // Empty slots hold the `hole` / `undefined` oddballs (hidden nodes).
        const target = g.edgeTarget(e);
        if (g.nodeType(target) !== 'hidden' || !g.nodeNameIs(target, 'system / Oddball')) count++;
      }
      return count;
    }
    case 'context': {
      let count = 0;
      for (let e = g.firstEdge(ordinal), end = g.edgesEnd(ordinal); e < end; e++) {
        if (g.edgeType(e) === 'context') count++;
      }
      return count;
    }
    default:
      return namedEntryCount(g, ordinal);
  }
}

/** A readable word for a kind, used in holders and explanations. */
export function kindWord(kind: ContainerKind): string {
  switch (kind) {
    case 'map': return 'Map';
    case 'set': return 'Set';
    case 'weak-collection': return 'weak collection';
    case 'array': return 'Array';
    case 'dictionary': return 'object used as a dictionary';
    case 'listener-array': return 'listener array';
    case 'timer-list': return 'timer list';
    case 'context': return 'closure scope';
    case 'object': return 'object';
  }
}

/** Arrays shorter than this are not taken for a preallocated bound. */
export const MIN_CAPACITY = 64;

/**
 * Capacity and filled slots of an Array allocated at a fixed length: `element` edges count its
 * slots, and slots still holding `undefined` (or a hole) point at an Oddball. A growing Array has
 * no empty slots; lru-cache's key and value lists (`Array.from({ length: max }).fill(undefined)`)
 * and a ring buffer's slots have empty slots until they fill. Undefined for other nodes.
 */
export function fixedCapacity(g: HeapGraph, ordinal: number): { capacity: number; filled: number } | undefined {
  if (g.nodeType(ordinal) !== 'object' || !g.nodeNameIs(ordinal, 'Array')) return undefined;
  let capacity = 0;
  let filled = 0;
  for (let e = g.firstEdge(ordinal), end = g.edgesEnd(ordinal); e < end; e++) {
    if (g.edgeType(e) !== 'element') continue;
    capacity++;
    const target = g.edgeTarget(e);
    if (g.nodeType(target) !== 'hidden' || !g.nodeNameIs(target, 'system / Oddball')) filled++;
  }
  return capacity >= MIN_CAPACITY ? { capacity, filled } : undefined;
}
