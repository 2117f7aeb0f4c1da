/**
 * Atomic file writes for report artifacts: write a temporary file in the same directory, then
 * rename it over the target. A reader (a browser refreshing the index, a concurrent run) sees the
 * old file or the new one, never half of one — rename(2) within one file system is atomic.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `text` to `file` atomically, creating the directory if needed. */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
