/**
 * The mechanism registry at its real default constants: each mechanism is reached by its own
 * evidence (so dropping a module from the list, or reordering two that overlap, fails here), and
 * each share or count rule is pinned on both sides of its threshold.
 */
import { describe, expect, it } from 'vitest';
import { classifyMechanism, MECHANISMS, mechanismById, type MechanismEvidence } from './index.js';
import { EXTERNAL_BYTES_SHARE } from './external-buffers.js';
import { MIN_CHAIN_COVERAGE, MIN_CHAIN_LENGTH } from './linked-chain.js';
import { PENDING_CLOSURE_SHARE } from './pending-call-table.js';
import { MIN_SPREAD_MEMBERS } from './spread-over-many-containers.js';
import { STRING_BYTES_SHARE } from './string-building.js';

/** Evidence of a plain object holding records: matches nothing but `unknown`. */
function evidence(over: Partial<MechanismEvidence> = {}): MechanismEvidence {
  return {
    kind: 'object',
    className: 'Registry',
    topLevelEntries: 100,
    closureEntries: 0,
    contexts: 0,
    newObjects: 300,
    newBytes: 30_000,
    externalBytes: 0,
    strings: 100,
    stringBytes: 4_000,
    promiseReactions: 0,
    chainLength: 0,
    chainClassCount: 0,
    members: 0,
    ...over,
  };
}

const id = (over: Partial<MechanismEvidence>): string => classifyMechanism(evidence(over)).id;

describe('mechanism registry', () => {
  it('pins the default constants', () => {
    expect([MIN_SPREAD_MEMBERS, PENDING_CLOSURE_SHARE, MIN_CHAIN_LENGTH, MIN_CHAIN_COVERAGE, STRING_BYTES_SHARE, EXTERNAL_BYTES_SHARE])
      .toEqual([16, 0.4, 8, 0.5, 0.8, 0.5]);
  });

  it('reaches every snapshot mechanism from its own evidence', () => {
    const cases: Array<[string, Partial<MechanismEvidence>]> = [
      ['spread-over-many-containers', { kind: 'map', members: 2_000, topLevelEntries: 0 }],
      ['listener-accumulation', { kind: 'listener-array', closureEntries: 100 }],
      ['listener-accumulation', { kind: 'array', closureEntries: 50 }],
      ['timer-accumulation', { kind: 'timer-list', closureEntries: 100 }],
      ['promise-retention', { className: 'Promise' }],
      ['promise-retention', { promiseReactions: 50 }],
      ['pending-call-table', { kind: 'map', topLevelEntries: 200, closureEntries: 100 }],
      ['keyed-collection', { kind: 'map' }],
      ['keyed-collection', { kind: 'set' }],
      ['keyed-collection', { kind: 'dictionary' }],
      ['append-only-array', { kind: 'array' }],
      ['linked-chain', { chainLength: 100, chainClassCount: 100 }],
      ['string-building', { topLevelEntries: 1, stringBytes: 29_000 }],
      ['closure-context-retention', { kind: 'context', contexts: 10, closureEntries: 1 }],
      ['closure-context-retention', { closureEntries: 50 }],
      ['external-buffers', { externalBytes: 20_000 }],
      ['unknown', {}],
    ];
    for (const [want, over] of cases) expect([want, id(over)]).toEqual([want, want]);
    const reached = new Set(cases.map(([want]) => want));
    const runLevel = MECHANISMS.filter((m) => !reached.has(m.id)).map((m) => m.id);
    expect(runLevel).toEqual(['native-growth', 'time-driven-growth']);
    for (const m of runLevel) expect(MECHANISMS.find((x) => x.id === m)!.matches(evidence({ kind: 'map' }))).toBe(false);
  });

  it('a spread needs MIN_SPREAD_MEMBERS members and a collection', () => {
    expect(id({ kind: 'map', members: 16 })).toBe('spread-over-many-containers');
    expect(id({ kind: 'map', members: 15 })).toBe('keyed-collection');
    expect(id({ kind: 'object', members: 500 })).toBe('unknown');
  });

  it('a keyed table is pending calls from 40 % callback entries', () => {
    expect(id({ kind: 'map', topLevelEntries: 100, closureEntries: 40 })).toBe('pending-call-table');
    expect(id({ kind: 'map', topLevelEntries: 100, closureEntries: 39 })).toBe('keyed-collection');
    expect(id({ kind: 'dictionary', topLevelEntries: 100, closureEntries: 100 })).toBe('pending-call-table');
  });

  it('an Array is listeners from half its entries being functions', () => {
    expect(id({ kind: 'array', topLevelEntries: 100, closureEntries: 50 })).toBe('listener-accumulation');
    expect(id({ kind: 'array', topLevelEntries: 100, closureEntries: 49 })).toBe('append-only-array');
  });

  it('a chain needs 8 links covering half of its class', () => {
    expect(id({ chainLength: 8, chainClassCount: 16 })).toBe('linked-chain');
    expect(id({ chainLength: 7, chainClassCount: 7 })).toBe('unknown');
    // A tree has long paths too, but each covers a small part of its nodes.
    expect(id({ chainLength: 40, chainClassCount: 81 })).toBe('unknown');
  });

  it('string building: a few entries carrying 80 % string bytes', () => {
    expect(id({ topLevelEntries: 1, stringBytes: 24_000 })).toBe('string-building');
    expect(id({ topLevelEntries: 1, stringBytes: 23_999 })).toBe('unknown');
    expect(id({ topLevelEntries: 5, stringBytes: 30_000 })).toBe('unknown');
  });

  it('external buffers from half the new bytes', () => {
    expect(id({ externalBytes: 15_000 })).toBe('external-buffers');
    expect(id({ externalBytes: 14_999 })).toBe('unknown');
  });

  it('closure scopes: a scope with closures, or a holder of mostly functions', () => {
    expect(id({ kind: 'context', contexts: 1, closureEntries: 1 })).toBe('closure-context-retention');
    expect(id({ kind: 'context', contexts: 0, closureEntries: 1 })).toBe('unknown');
    expect(id({ closureEntries: 49 })).toBe('unknown');
  });

  it('every mechanism explains and fixes in its own words', () => {
    const texts = new Set<string>();
    for (const m of MECHANISMS) {
      const { explanation, fix } = m.explain({ kind: 'map', holder: 'Map x', externalBytes: 0, bytesPerRequest: 10 });
      expect(explanation).toContain('Map x');
      expect(fix.length).toBeGreaterThan(20);
      texts.add(fix);
    }
    expect(texts.size).toBe(MECHANISMS.length);
    expect(mechanismById('pending-call-table').explain({ kind: 'map', holder: 'Map p', externalBytes: 0 }).fix).toMatch(/timeout/);
    expect(mechanismById('pending-call-table').explain({ kind: 'map', holder: 'Map p', externalBytes: 0 }).fix).not.toMatch(/LRU/);
  });
});
