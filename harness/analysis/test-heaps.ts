/**
 * Test support for the analysis' unit tests: the skeleton every hand-built snapshot of a series
 * shares. Ids of old objects are < 10,000; tests give new objects ids above that, the same id for
 * the same object in every snapshot (as V8 does within one inspector session).
 */
import { SnapshotBuilder } from '../heap/index.js';

/** A snapshot under construction and its fixed nodes. */
export interface TestHeap {
  b: SnapshotBuilder;
  /** The module scope (`system / Context`) of /app/server.js. */
  scope: number;
  gcRoots: number;
  /** The `undefined` oddball (what empty slots of a preallocated Array point at). */
  undef: number;
}

/** Root → (GC roots) → a closure whose context is the module scope of /app/server.js. */
export function moduleScopeSkeleton(): { b: SnapshotBuilder; scope: number; gcRoots: number } {
  const b = new SnapshotBuilder();
  const gcRoots = b.node('synthetic', '(GC roots)', 0, { id: 3 });
  b.edge(b.root(), gcRoots, 'element', 1);
  const scope = b.node('object', 'system / Context', 64, { id: 11 });
  const handler = b.node('closure', 'handle', 64, { id: 13 });
  const shared = b.node('code', '(shared function info)', 56, { id: 15 });
  const script = b.node('code', 'file:///app/server.js', 144, { id: 17 });
  b.edge(gcRoots, handler, 'element', 1);
  b.edge(handler, scope, 'internal', 'context');
  b.edge(handler, shared, 'internal', 'shared');
  b.edge(shared, script, 'internal', 'script_or_debug_info');
  return { b, scope, gcRoots };
}

/** {@link moduleScopeSkeleton}, the `undefined` oddball, 400 old filler objects. */
export function testHeapSkeleton(): TestHeap {
  const { b, scope, gcRoots } = moduleScopeSkeleton();
  const undef = b.node('hidden', 'system / Oddball', 16, { id: 19 });
  b.edge(gcRoots, undef, 'element', 2);
  // Old, unchanging filler so that most of each snapshot is shared with the baseline.
  for (let i = 0; i < 400; i++) b.edge(gcRoots, b.node('object', 'Object', 32, { id: 1001 + i * 2 }), 'element', i + 3);
  return { b, scope, gcRoots, undef };
}
