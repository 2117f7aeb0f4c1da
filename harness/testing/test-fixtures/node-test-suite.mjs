// A node:test suite using leakbench/test (run by node-test.int.test.ts with `node --test`): one
// function that keeps nothing, one that leaks, and one assertion that fails on purpose.
import { test } from 'node:test';
import { assertDoesNotLeak, assertLeaks } from 'leakbench/test';

const kept = [];

function keepRecord(i) {
  kept.push({ i, note: `record ${i}` });
}

function formatRow(i) {
  return JSON.stringify({ i, cells: Array.from({ length: 50 }, (_, k) => k * i) }).length;
}

test('formatRow keeps nothing', () => assertDoesNotLeak(formatRow));
test('keepRecord leaks', () => assertLeaks(keepRecord));
test('keepRecord does not leak (fails on purpose)', () => assertDoesNotLeak(keepRecord));
