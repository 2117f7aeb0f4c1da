/** The lazily decoded string table: spans into UTF-8 bytes, escapes decoded up front. */
import { describe, expect, it } from 'vitest';
import { parseSnapshot, SnapshotBuilder } from './index.js';
import { StringTable, StringTableBuilder } from './string-table.js';

describe('StringTable', () => {
  it('decodes spans on demand and finds strings by value without decoding them', () => {
    const b = new StringTableBuilder();
    const bytes = Buffer.from('"a","(map descriptors)","é€","","(map descriptors)"');
    b.appendBytes(bytes, 0, bytes.length);
    for (const m of bytes.toString('latin1').matchAll(/"([^"]*)"/g)) b.addSpan(m.index! + 1, m.index! + 1 + m[1]!.length);
    b.addDecoded('tab\there "q"');
    const t = b.finish();
    expect(t.length).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map((i) => t.get(i))).toEqual(['a', '(map descriptors)', 'é€', '', '(map descriptors)', 'tab\there "q"']);
    expect(t.get(6)).toBeUndefined();
    expect(t.get(-1)).toBeUndefined();
    expect([...t.indexesOf('(map descriptors)')]).toEqual([1, 4]);
    expect([...t.indexesOf('é€')]).toEqual([2]);
    expect([...t.indexesOf('')]).toEqual([3]);
    expect([...t.indexesOf('tab\there "q"')]).toEqual([5]);
    expect([...t.indexesOf('absent')]).toEqual([]);
    const copy = StringTable.fromParts(t.parts());
    expect([0, 1, 2, 3, 4, 5].map((i) => copy.get(i))).toEqual([0, 1, 2, 3, 4, 5].map((i) => t.get(i)));
    const decodedOnly = new StringTableBuilder();
    for (const x of ['x', 'y', 'x']) decodedOnly.addDecoded(x);
    expect([...decodedOnly.finish().indexesOf('x')]).toEqual([0, 2]);
    const names = new StringTableBuilder();
    const raw = Buffer.from('"12 / part of key (a @1)","12","map"," / part of key (","7 / part of"');
    names.appendBytes(raw, 0, raw.length);
    for (const m of raw.toString('latin1').matchAll(/"([^"]*)"/g)) names.addSpan(m.index! + 1, m.index! + 1 + m[1]!.length);
    names.addDecoded('3 / part of key (\n)');
    const table = names.finish();
    expect(table.digitsThenIndexes(' / part of key (')).toEqual([0, 5]);
    // One pass answers both questions; asking again answers from what was kept.
    table.findAll(['map', '12'], ' / part of key (');
    expect([...table.indexesOf('map')]).toEqual([2]);
    expect([...table.indexesOf('12')]).toEqual([1]);
    expect(table.digitsThenIndexes(' / part of key (')).toEqual([0, 5]);
  });

  it('keeps the parser strict: an invalid escape is a parse error with its offset', () => {
    const b = new SnapshotBuilder();
    const root = b.root();
    b.edge(root, b.node('string', 'ok', 8), 'element', 0);
    const json = b.toJson().replace('"ok"', '"bad \\x escape"');
    expect(() => parseSnapshot(json)).toThrow(/at byte \d+: invalid escape/);
  });
});
