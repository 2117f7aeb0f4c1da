import { describe, expect, it } from 'vitest';
import type { MemorySample, SnapshotRef } from '../types.js';
import { DISTURBANCE_MIN_BYTES, DISTURBANCE_MIN_SHARE, snapshotsDisturb } from './snapshot-disturbance.js';

const MiB = 1024 * 1024;
function sample(tMs: number, heapMiB: number): MemorySample {
  return { tMs, requests: tMs * 2, heapUsedBytes: heapMiB * MiB, heapTotalBytes: 0, externalBytes: 0, arrayBuffersBytes: 0, rssBytes: 0, afterGc: true, phase: 'load' };
}
function snap(tMs: number): SnapshotRef {
  return { label: `s${tMs}`, tMs, requests: tMs * 2, sizeBytes: 1, durationMs: 1000 };
}
const snaps = [snap(5000), snap(10_000), snap(15_000)];

describe('snapshotsDisturb', () => {
  it('uses a 2 MiB and 5 % floor', () => {
    expect(DISTURBANCE_MIN_BYTES).toBe(2 * MiB);
    expect(DISTURBANCE_MIN_SHARE).toBe(0.05);
  });

  it('says so when memory falls right after most snapshots, with the pauses', () => {
    // 112 → 158 → 149 MB: grows under load, drops after every pause.
    const samples = [sample(4000, 100), sample(5000, 112), sample(7000, 100), sample(10_000, 158), sample(12_000, 140), sample(15_000, 149), sample(17_000, 135)];
    const text = snapshotsDisturb(samples, snaps);
    expect(text).toMatch(/snapshots disturb this server/);
    expect(text).toMatch(/1\.0 s/);
  });

  it('stays quiet for a fall below the floor (GC noise) and for one fall only', () => {
    const small = [sample(5000, 40), sample(7000, 38.5), sample(10_000, 41), sample(12_000, 39.5), sample(15_000, 42), sample(17_000, 40.5)];
    expect(snapshotsDisturb(small, snaps)).toBeUndefined();
    const once = [sample(5000, 100), sample(7000, 90), sample(10_000, 101), sample(12_000, 102), sample(15_000, 103), sample(17_000, 104)];
    expect(snapshotsDisturb(once, snaps)).toBeUndefined();
  });

  it('stays quiet for a steady leak', () => {
    const leak = [sample(5000, 50), sample(7000, 52), sample(10_000, 55), sample(12_000, 57), sample(15_000, 60), sample(17_000, 62)];
    expect(snapshotsDisturb(leak, snaps)).toBeUndefined();
  });
});
