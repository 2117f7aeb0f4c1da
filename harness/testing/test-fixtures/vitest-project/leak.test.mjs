// A vitest project using leakbench/vitest with vitest's defaults (run by vitest-pool.int.test.ts):
// one function that keeps nothing, one that leaks, and one assertion that fails on purpose.
import { expect, test } from 'vitest';
import 'leakbench/vitest';

const kept = [];

function keepRecord(i) {
  kept.push({ i, note: `record ${i}` });
}

function formatRow(i) {
  return JSON.stringify({ i, cells: Array.from({ length: 50 }, (_, k) => k * i) }).length;
}

test('formatRow keeps nothing', async () => {
  await expect(formatRow).not.toLeak();
});
test('keepRecord leaks', async () => {
  await expect(keepRecord).toLeak();
});
test('keepRecord does not leak (fails on purpose)', async () => {
  await expect(keepRecord).not.toLeak();
});
