/**
 * The heap engine on small graphs built in code: distances, dominators, retained sizes, paths and
 * class aggregates, under DevTools' rules (weak edges, shortcut edges, orphans, page ownership,
 * shallow-size reassignment).
 */
import { describe, expect, it } from 'vitest';
import { SYSTEM_DISTANCE_BASE, SnapshotBuilder, UNREACHABLE_DISTANCE, formatRetainerPath, parseSnapshot } from './index.js';
import type { HeapGraph } from './types.js';

/** A snapshot skeleton like Node's: root → (GC roots) by element, root → global by shortcut. */
function skeleton(layout: 'node20' | 'variant' = 'node20') {
  const b = new SnapshotBuilder({ layout });
  const root = b.root();
  const gcRoots = b.node('synthetic', '(GC roots)', 0);
  const global = b.node('object', 'global', 10);
  b.edge(root, gcRoots, 'element', 1);
  b.edge(root, global, 'shortcut', 'global');
  b.edge(gcRoots, global, 'element', 0);
  return { b, root, gcRoots, global };
}

function names(g: HeapGraph, ordinals: number[]): string[] {
  return ordinals.map((o) => g.nodeName(o));
}

describe('heap graph on built snapshots', () => {
  it('diamond: the join is dominated by the fork, sizes add up once', () => {
    const { b, global } = skeleton();
    const a = b.node('object', 'A', 20);
    const bb = b.node('object', 'B', 30);
    const d = b.node('object', 'D', 40);
    b.edge(global, a, 'property', 'a').edge(global, bb, 'property', 'b');
    b.edge(a, d, 'property', 'd').edge(bb, d, 'property', 'd');
    const g = parseSnapshot(b.toJson());
    expect(g.dominator(d)).toBe(global);
    expect(g.dominator(a)).toBe(global);
    expect(g.retainedSize(global)).toBe(100);
    expect(g.retainedSize(a)).toBe(20);
    expect(g.retainedSize(d)).toBe(40);
    expect([g.distance(global), g.distance(a), g.distance(d)]).toEqual([1, 2, 3]);
    const path = g.pathToRoot(d)!;
    expect(path[0]).toEqual({ nodeOrdinal: g.rootOrdinal, edgeOrdinal: -1 });
    expect(names(g, path.map((s) => s.nodeOrdinal))).toEqual(['', 'global', 'A', 'D']);
    expect(g.edgeName(path[2]!.edgeOrdinal)).toBe('a');
    expect(formatRetainerPath(g, path)).toMatch(/^global @\d+ \.a A @\d+ \.d D @\d+$/);
  });

  it('cycle: the entry node dominates the rest of the cycle', () => {
    const { b, global } = skeleton();
    const x = b.node('object', 'X', 8);
    const y = b.node('object', 'Y', 16);
    b.edge(global, x, 'property', 'x').edge(x, y, 'property', 'next').edge(y, x, 'property', 'next');
    const g = parseSnapshot(b.toJson());
    expect(g.dominator(y)).toBe(x);
    expect(g.retainedSize(x)).toBe(24);
    expect(g.distance(y)).toBe(3);
  });

  it('unreachable node: no distance, no path, hung under the root', () => {
    const { b } = skeleton();
    const u = b.node('object', 'Lost', 64);
    const g = parseSnapshot(b.toJson());
    expect(g.isReachable(u)).toBe(false);
    expect(g.distance(u)).toBe(UNREACHABLE_DISTANCE);
    expect(g.pathToRoot(u)).toBeUndefined();
    expect(g.dominator(u)).toBe(g.rootOrdinal);
    expect(g.retainedSize(u)).toBe(64);
  });

  it('weak edge: ignored for distances and dominators', () => {
    const { b, global } = skeleton();
    const holder = b.node('object', 'Holder', 5);
    const target = b.node('object', 'Target', 50);
    b.edge(global, target, 'weak', 'w').edge(global, holder, 'property', 'h').edge(holder, target, 'property', 't');
    const g = parseSnapshot(b.toJson());
    expect(g.distance(target)).toBe(3);
    expect(g.dominator(target)).toBe(holder);
    expect(g.retainedSize(holder)).toBe(55);
    expect(names(g, g.pathToRoot(target)!.map((s) => s.nodeOrdinal))).toEqual(['', 'global', 'Holder', 'Target']);
  });

  it('node reachable only through a weak edge: unreachable, its own retained size, not in the holder', () => {
    const { b, global } = skeleton();
    const cached = b.node('object', 'Cached', 70);
    const child = b.node('object', 'Child', 30);
    b.edge(global, cached, 'weak', 'ref').edge(cached, child, 'property', 'c');
    const g = parseSnapshot(b.toJson());
    expect(g.isReachable(cached)).toBe(false);
    expect(g.isReachable(child)).toBe(false);
    expect(g.dominator(cached)).toBe(g.rootOrdinal);
    expect(g.dominator(child)).toBe(cached);
    expect(g.retainedSize(cached)).toBe(100);
    expect(g.retainedSize(global)).toBe(10);
  });

  it('shortcut edges count for distances but only the root’s shortcuts count for dominators', () => {
    const { b, global } = skeleton();
    const via = b.node('object', 'Via', 1);
    const s = b.node('object', 'S', 9);
    b.edge(global, s, 'shortcut', 'quick').edge(global, via, 'property', 'v').edge(via, s, 'property', 's');
    const g = parseSnapshot(b.toJson());
    expect(g.distance(s)).toBe(2);
    expect(g.dominator(s)).toBe(via);
    expect(g.retainedSize(via)).toBe(10);
  });

  it('hidden edges and system roots: distances from (GC roots) start at the system base', () => {
    const { b, gcRoots } = skeleton();
    const sys = b.node('hidden', 'system / Foo', 12);
    const inner = b.node('object', 'Inner', 4);
    b.edge(gcRoots, sys, 'element', 1).edge(sys, inner, 'hidden', 0);
    const g = parseSnapshot(b.toJson());
    expect(g.distance(gcRoots)).toBe(SYSTEM_DISTANCE_BASE + 1);
    expect(g.distance(sys)).toBe(SYSTEM_DISTANCE_BASE + 2);
    expect(g.distance(inner)).toBe(SYSTEM_DISTANCE_BASE + 3);
    expect(g.edgeType(g.firstEdge(sys))).toBe('hidden');
    expect(g.edgeName(g.firstEdge(sys))).toBe('0');
    expect(g.dominator(inner)).toBe(sys);
    expect(g.className(sys)).toBe('(system)');
  });

  it('page ownership: an edge from outside the page into it does not dominate', () => {
    const { b, global, gcRoots } = skeleton();
    const debuggerHeld = b.node('object', 'DebuggerCache', 3);
    const shared = b.node('object', 'Shared', 7);
    const mid = b.node('object', 'Mid', 1);
    b.edge(gcRoots, debuggerHeld, 'element', 2).edge(debuggerHeld, shared, 'property', 'x');
    b.edge(global, mid, 'property', 'm').edge(mid, shared, 'property', 'y');
    const g = parseSnapshot(b.toJson());
    expect(g.dominator(shared)).toBe(mid);
    expect(g.retainedSize(mid)).toBe(8);
  });

  it('shallow sizes: an array owned by one object moves its size onto it (DevTools), raw keeps V8 sizes', () => {
    const { b, global } = skeleton();
    const list = b.node('object', 'List', 16);
    const elements = b.node('array', '(object elements)', 100);
    const sharedArr = b.node('array', '(shared)', 50);
    const other = b.node('object', 'Other', 16);
    b.edge(global, list, 'property', 'list').edge(list, elements, 'internal', 'elements');
    b.edge(global, other, 'property', 'o').edge(list, sharedArr, 'internal', 'a').edge(other, sharedArr, 'internal', 'a');
    const text = b.toJson();
    const g = parseSnapshot(text);
    expect(g.selfSize(list)).toBe(116);
    expect(g.selfSize(elements)).toBe(0);
    expect(g.selfSize(sharedArr)).toBe(50);
    expect(g.retainedSize(list)).toBe(116);
    const raw = parseSnapshot(text, { shallowSizes: 'raw' });
    expect(raw.selfSize(list)).toBe(16);
    expect(raw.selfSize(elements)).toBe(100);
    expect(raw.retainedSize(list)).toBe(116);
    expect(raw.totalSelfSizeBytes).toBe(g.totalSelfSizeBytes);
  });

  it('WeakMap values: the table edge neither dominates nor sets the distance', () => {
    const { b, global } = skeleton();
    const table = b.node('array', 'EphemeronHashTable', 8, { id: 501 });
    const key = b.node('object', 'Key', 8, { id: 503 });
    const value = b.node('object', 'Value', 80, { id: 505 });
    const far = b.node('object', 'Far', 1);
    const part = ' / part of key (Key @503) -> value (Value @505) pair in WeakMap (table @501)';
    b.edge(global, table, 'internal', 'table').edge(global, far, 'property', 'far').edge(far, key, 'property', 'k');
    b.edge(table, value, 'internal', `2${part}`).edge(key, value, 'internal', `3${part}`);
    const g = parseSnapshot(b.toJson());
    expect(g.dominator(value)).toBe(key);
    expect(g.distance(value)).toBe(g.distance(key) + 1);
  });

  it('class aggregates: a class’s retained size counts only its outermost instances', () => {
    const { b, global } = skeleton();
    const outer = b.node('object', 'Foo', 10);
    const inner = b.node('object', 'Foo', 20);
    const s = b.node('string', 'hello', 24);
    b.edge(global, outer, 'property', 'f').edge(outer, inner, 'property', 'child').edge(inner, s, 'property', 's');
    const g = parseSnapshot(b.toJson());
    const foo = g.classAggregates().find((c) => c.className === 'Foo')!;
    expect(foo).toEqual({ className: 'Foo', count: 2, selfSizeBytes: 30, retainedSizeBytes: 54 });
    const str = g.classAggregates().find((c) => c.className === '(string)')!;
    expect(str.count).toBe(1);
    expect(g.className(s)).toBe('(string)');
  });

  it('ids: explicit ids are kept and looked up; missing ids give -1', () => {
    const { b, global } = skeleton();
    const m = b.node('object', 'Map', 32, { id: 4243 });
    b.edge(global, m, 'property', 'keyCache');
    const g = parseSnapshot(b.toJson());
    expect(g.ordinalOfId(4243)).toBe(m);
    expect(g.nodeId(m)).toBe(4243);
    expect(g.ordinalOfId(999_999)).toBe(-1);
    expect(g.ordinalOfId(g.nodeId(global))).toBe(global);
  });

  it('retainers index lists every incoming edge', () => {
    const { b, global } = skeleton();
    const a = b.node('object', 'A', 1);
    const t = b.node('object', 'T', 1);
    b.edge(global, a, 'property', 'a').edge(global, t, 'property', 't1').edge(a, t, 'element', 7);
    const g = parseSnapshot(b.toJson());
    const incoming: string[] = [];
    for (let i = g.firstRetainer(t); i < g.retainersEnd(t); i++) {
      incoming.push(`${g.nodeName(g.retainerNode(i))}:${g.edgeName(g.retainerEdge(i))}`);
      expect(g.edgeTarget(g.retainerEdge(i))).toBe(t);
    }
    expect(incoming.sort()).toEqual(['A:7', 'global:t1']);
  });

  it('the variant meta layout reads to the same graph as the Node 20 layout', () => {
    const build = (layout: 'node20' | 'variant') => {
      const { b, global } = skeleton(layout);
      const a = b.node('object', 'A "quoted" é ✓ \u2028 😀', 20, { id: 77 });
      const c = b.node('closure', 'fn', 32);
      b.edge(global, a, 'property', 'weird\\name').edge(a, c, 'context', 'cb').edge(c, a, 'weak', 'back');
      return parseSnapshot(b.toJson());
    };
    const x = build('node20');
    const y = build('variant');
    expect(y.nodeCount).toBe(x.nodeCount);
    expect(y.edgeCount).toBe(x.edgeCount);
    for (let o = 0; o < x.nodeCount; o++) {
      expect([y.nodeType(o), y.nodeName(o), y.nodeId(o), y.selfSize(o), y.retainedSize(o), y.distance(o), y.dominator(o)])
        .toEqual([x.nodeType(o), x.nodeName(o), x.nodeId(o), x.selfSize(o), x.retainedSize(o), x.distance(o), x.dominator(o)]);
    }
    for (let e = 0; e < x.edgeCount; e++) {
      expect([y.edgeType(e), y.edgeName(e), y.edgeTarget(e)]).toEqual([x.edgeType(e), x.edgeName(e), x.edgeTarget(e)]);
    }
    expect(x.nodeName(x.ordinalOfId(77))).toBe('A "quoted" é ✓ \u2028 😀');
    expect(x.className(x.ordinalOfId(77) + 1)).toBe('(closure)');
  });
});
