/**
 * Do the run's own snapshots disturb the server? A heap snapshot stops the server for its whole
 * duration; a server whose state depends on time (keep-alive sockets to an upstream that time out,
 * sessions, leases) can drop what it holds during the pause, and then memory falls right after
 * every snapshot. A steady holder cannot be seen across such pauses, and the run says so, with the
 * pauses, instead of trusting the diff.
 *
 * Rule: compare the last after-GC sample before each snapshot with the first after-GC sample after
 * it (both under load); a fall of at least {@link DISTURBANCE_MIN_BYTES} and
 * {@link DISTURBANCE_MIN_SHARE} of the retained memory, after at least half of the snapshots
 * (two at least), is a disturbance.
 */
import type { MemorySample, SnapshotRef } from '../types.js';

/** A fall smaller than this is GC noise (measured: after-GC floors differ by ~0.2–0.5 MB under load). */
export const DISTURBANCE_MIN_BYTES = 2 * 1024 * 1024;
/** …and it must be at least this share of the retained memory before the snapshot. */
export const DISTURBANCE_MIN_SHARE = 0.05;

/** One sentence when the snapshots disturb the server, else undefined. */
export function snapshotsDisturb(samples: readonly MemorySample[], snapshots: readonly SnapshotRef[]): string | undefined {
  const retained = (s: MemorySample): number => s.heapUsedBytes + s.externalBytes;
  const afterGc = samples.filter((s) => s.afterGc && s.phase !== 'idle' && s.phase !== 'warmup');
  let checked = 0;
  let fell = 0;
  let worst = 0;
  for (const snap of snapshots) {
    const before = afterGc.filter((s) => s.tMs <= snap.tMs).at(-1);
    const after = afterGc.find((s) => s.tMs > snap.tMs + snap.durationMs);
    if (!before || !after) continue;
    checked += 1;
    const drop = retained(before) - retained(after);
    if (drop >= DISTURBANCE_MIN_BYTES && drop >= DISTURBANCE_MIN_SHARE * retained(before)) {
      fell += 1;
      worst = Math.max(worst, drop);
    }
  }
  if (fell < 2 || fell * 2 < checked) return undefined;
  const pauses = snapshots.map((s) => `${(s.durationMs / 1000).toFixed(1)} s`).join(', ');
  return (
    `Memory fell right after ${fell} of ${checked} of the run's own snapshots (by up to ${(worst / 1048576).toFixed(1)} MiB): ` +
    `the snapshots disturb this server (pauses ${pauses}), so a holder that the pauses empty cannot be seen steady across them; ` +
    'judge its growth from the after-GC samples over a longer run (--duration, --max-duration).'
  );
}
