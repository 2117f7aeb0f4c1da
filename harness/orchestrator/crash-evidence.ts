/**
 * What a server that ran out of heap leaves behind. Every Node child runs with
 * `--heapsnapshot-near-heap-limit=1 --diagnostic-dir=<its private variant dir>`: when the heap
 * nears V8's limit, Node writes one last snapshot there (as `Heap.<date>.<time>.<pid>.….heapsnapshot`)
 * before the process dies. That snapshot is the leak at its largest. It comes from the same
 * isolate as the run's own snapshots, and V8's heap-object ids stay stable while the run's one
 * inspector session is connected, so it extends the run's sequence: baseline (, middle, …),
 * near-limit — and the leak finder can name the holder even though the run never finished.
 */
import { chmod, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzeSnapshots } from '../analysis/analyze-snapshots.js';
import type { AnalysisResult } from '../analysis/types.js';
import { isLeakbenchError } from '../errors.js';
import type { ServerExit } from '../server/start-server.js';
import type { SnapshotRef, VariantRun } from '../types.js';

/** Node flags that make a child leave its near-heap-limit snapshot in `dir`. */
export function nearLimitSnapshotArgs(dir: string): string[] {
  return ['--heapsnapshot-near-heap-limit=1', `--diagnostic-dir=${dir}`];
}

/** File name the near-limit snapshot is given once found (after the numbered run snapshots). */
export const NEAR_LIMIT_FILE = 'near-heap-limit.heapsnapshot';

/** What {@link collectNearLimitSnapshot} found. */
export interface NearLimitEvidence {
  /** The snapshot's reference (path relative to `cwd`), when there is one. */
  snapshot?: SnapshotRef;
  /** Absolute path of the snapshot, when there is one. */
  file?: string;
  /** The leak finder's result on the run's snapshots plus this one, when it could run. */
  analysis?: AnalysisResult;
  /** One sentence: analysed, or why not. */
  note: string;
}

/**
 * Looks for a near-heap-limit snapshot in `variantDir`, makes it private (0600) under a stable
 * name, and analyses it after the run's earlier snapshots (`earlier`, paths relative to `cwd`).
 * Never throws for a missing, truncated or unreadable snapshot: that becomes the `note`.
 */
export async function collectNearLimitSnapshot(options: {
  variantDir: string;
  earlier: readonly SnapshotRef[];
  cwd: string;
  /** Requests completed when the server died. */
  requests: number;
  tMs: number;
  /** A black-box run: it took no snapshots, so this one is kept for `leakbench inspect` only. */
  blackBox?: boolean;
}): Promise<NearLimitEvidence> {
  let names: string[];
  try {
    names = await readdir(options.variantDir);
  } catch {
    return { note: 'no near-heap-limit snapshot: the run directory is unreadable' };
  }
  const written = names.filter((n) => /^Heap\..*\.heapsnapshot$/.test(n)).sort();
  const found = written.at(-1);
  if (found === undefined) {
    return { note: 'V8 wrote no near-heap-limit snapshot (the process died before it could, or the heap was too small to write one)' };
  }
  const file = path.join(options.variantDir, NEAR_LIMIT_FILE);
  await rename(path.join(options.variantDir, found), file);
  await chmod(file, 0o600);
  const { size, mtimeMs: writtenAtMs } = await stat(file);
  const snapshot: SnapshotRef = {
    label: 'near-heap-limit',
    path: path.relative(options.cwd, file),
    tMs: options.tMs,
    requests: options.requests,
    sizeBytes: size,
    durationMs: 0,
  };
  // V8 writes this snapshot when the heap first nears its limit, then raises the limit and lets the
  // process go on; it may die much later, after more of the run's own snapshots. So the sequence is
  // ordered by when each file was written: only snapshots finished before this one come before it
  // (appending it after a later, larger snapshot would make the leak look like it shrank).
  const earlier: SnapshotRef[] = [];
  for (const s of options.earlier) {
    if (s.path === undefined) continue;
    const taken = await stat(path.resolve(options.cwd, s.path)).catch(() => undefined);
    if (taken !== undefined && taken.mtimeMs <= writtenAtMs) earlier.push(s);
  }
  if (options.blackBox) {
    return {
      snapshot,
      file,
      note: `near-heap-limit snapshot kept, not analysed: black-box mode takes no other snapshots to diff it with (\`leakbench inspect ${snapshot.path}\` reads it alone)`,
    };
  }
  if (earlier.length === 0) {
    return {
      snapshot,
      file,
      note: 'near-heap-limit snapshot kept, not analysed: the leak finder diffs a sequence and the heap neared its limit before the baseline snapshot',
    };
  }
  try {
    const analysis = await analyzeSnapshots(
      [...earlier.map((s) => path.resolve(options.cwd, s.path!)), file],
      { requestsAtSnapshot: [...earlier.map((s) => s.requests), options.requests] },
    );
    const top = analysis.findings[0];
    // The crash itself is the proof of sustained growth; the diff says what grew.
    const what = top ? `what grew most: ${top.holder} (${top.pattern})` : `no holder stood out (${analysis.reason})`;
    return { snapshot, file, analysis, note: `near-heap-limit snapshot analysed after ${earlier.map((s) => s.label).join(', ')}: ${what}` };
  } catch (err) {
    const why = isLeakbenchError(err) ? `${err.message} [${err.code}]` : err instanceof Error ? err.message : String(err);
    return { snapshot, file, note: `near-heap-limit snapshot kept, not analysed: ${why}` };
  }
}

/**
 * The report fields of a run whose server ended early: dead by itself (`exit` not killed by
 * leakbench), or stopped by leakbench once it had written its near-heap-limit snapshot
 * (`limitReached`). `reason` is the first clause of the run's reason.
 */
export function describeServerEnd(exit: ServerExit, limitReached: boolean, phase: string): {
  reason: string;
  crash: NonNullable<VariantRun['crash']>;
  error: NonNullable<VariantRun['error']>;
} {
  const stopped = limitReached && exit.killedByHarness;
  const heapLimit = exit.heapLimit || limitReached;
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`;
  return {
    reason: stopped
      ? `during ${phase} the server reached the V8 heap limit, which confirms a leak; leakbench stopped it there, ` +
        'as V8 had raised the limit to write the near-limit snapshot'
      : `the server died during ${phase} (${how})` + (heapLimit ? ' after reaching the V8 heap limit, which confirms a leak' : ''),
    crash: {
      exitCode: exit.exitCode,
      signal: exit.signal,
      heapLimit,
      stderrTail: exit.stderrTail,
      ...(heapLimit ? { confirmsLeak: true } : {}),
      ...(stopped ? { stoppedAtHeapLimit: true } : {}),
    },
    error: {
      code: 'E_SERVER_CRASHED',
      message: stopped
        ? `server reached its V8 heap limit during ${phase} (stopped after its near-heap-limit snapshot)`
        : `server exited with ${how} during ${phase}`,
    },
  };
}
