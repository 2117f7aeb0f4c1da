/**
 * `--no-keep-snapshots`: heap snapshots hold every API key the server still had in memory, so a
 * user who only wants the verdict can have them deleted as soon as the analysis is done. The
 * report keeps each snapshot's label, size and timing, drops the path and says `deleted: true`.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VariantRun } from '../types.js';

/** Deletes every snapshot file the runs reference (paths relative to `cwd`) and marks it deleted. */
export async function discardSnapshots(runs: VariantRun[], cwd: string): Promise<number> {
  let deleted = 0;
  for (const run of runs) {
    for (const snap of run.snapshots) {
      if (snap.path === undefined) continue;
      await rm(path.resolve(cwd, snap.path), { force: true });
      delete snap.path;
      snap.deleted = true;
      deleted += 1;
    }
    if (run.crash?.nearLimitSnapshot !== undefined) {
      await rm(path.resolve(cwd, run.crash.nearLimitSnapshot), { force: true });
      delete run.crash.nearLimitSnapshot;
    }
    // Any other snapshot in the variant's folder too: a near-heap-limit snapshot V8 wrote for a
    // server that then survived is referenced nowhere, and holds the same secrets.
    const names = await readdir(path.resolve(cwd, run.dir)).catch(() => [] as string[]);
    for (const name of names) {
      if (name.endsWith('.heapsnapshot')) await rm(path.resolve(cwd, run.dir, name), { force: true });
    }
  }
  return deleted;
}
