/**
 * Names in retainer paths for people: a block scope's slots (hidden edges) are named from the
 * scope's `scope_info`, as V8 lists the variables in slot order (vitest evaluates each module's
 * top level inside a block, so its module variables reach a snapshot this way).
 */
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../heap/index.js';
import { testHeapSkeleton } from './test-heaps.js';
import { anchorPath, hiddenContextSlotName, holderName, humanPath } from './human-path.js';

function blockScopedModule() {
  const { b, scope } = testHeapSkeleton();
  const scopeInfo = b.node('code', 'system / ScopeInfo', 48, { id: 29 });
  b.edge(scope, scopeInfo, 'internal', 'scope_info');
  b.edge(scopeInfo, b.node('string', 'keyCache', 24, { id: 21 }), 'hidden', 0);
  b.edge(scopeInfo, b.node('string', 'variant', 24, { id: 23 }), 'hidden', 1);
  const map = b.node('object', 'Map', 32, { id: 25 });
  b.edge(scope, map, 'hidden', 0);
  const other = b.node('object', 'Object', 32, { id: 27 });
  b.edge(scope, other, 'hidden', 1);
  const g = parseSnapshot(b.toJson());
  return { g, map: g.ordinalOfId(25), scope: g.ordinalOfId(11) };
}

describe('hidden closure-scope slots', () => {
  it('are named by the scope info, slot by slot', () => {
    const { g, map, scope } = blockScopedModule();
    const edgeTo = (target: number): number => {
      for (let e = g.firstEdge(scope); e < g.edgesEnd(scope); e++) if (g.edgeTarget(e) === target) return e;
      return -1;
    };
    expect(hiddenContextSlotName(g, scope, edgeTo(map))).toBe('keyCache');
    expect(hiddenContextSlotName(g, scope, edgeTo(g.ordinalOfId(27)))).toBe('variant');
  });

  it('give the holder its variable name and the path its step', () => {
    const { g, map } = blockScopedModule();
    expect(holderName(g, map)).toEqual({ expression: 'keyCache', owner: 'module scope of server.js' });
    expect(humanPath(g, map).at(-1)).toMatchObject({ edge: 'keyCache', node: 'Map', isHolder: true });
  });

  it('anchor the path a person reads, like a module variable', () => {
    const { g, map } = blockScopedModule();
    expect(anchorPath(g, map)).toMatchObject([
      { node: 'module scope of server.js' },
      { node: 'Map', edge: 'keyCache', edgeType: 'context', isHolder: true },
    ]);
  });
});
