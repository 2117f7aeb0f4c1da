/**
 * Run ids and run directories: `reports/<scenario>/<run-id>/`, one subfolder per variant. The id is
 * the UTC start time (sortable, readable) plus random hex, and the directory is created exclusively,
 * so two runs started in the same second never share a folder.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';

/** A run id such as `20261129T103005Z-3f9a1c`. */
export function createRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Creates `<reportsDir>/<scenario>/<run-id>/` (mode 0700: variant folders hold heap snapshots, which
 * contain API keys) and returns its id and path. Retries with a new id if one is taken.
 */
export async function createRunDir(reportsDir: string, scenario: string, now: Date = new Date()): Promise<{ runId: string; runDir: string }> {
  const parent = path.join(reportsDir, scenario);
  await mkdir(parent, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const runId = createRunId(now);
    const runDir = path.join(parent, runId);
    try {
      await mkdir(runDir, { mode: 0o700 });
      await chmod(runDir, 0o700);
      return { runId, runDir };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 10) throw err;
    }
  }
}
