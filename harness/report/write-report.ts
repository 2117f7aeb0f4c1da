/**
 * Writes a run's `report.json`: key material redacted, written atomically (temporary file, then
 * rename), mode 0600 — never half a file, even when the run is interrupted mid-write.
 */
import path from 'node:path';
import type { RunReport } from '../types.js';
import { redactDeep } from './redact-secrets.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** File name of the machine-readable report inside a run directory. */
export const REPORT_JSON_FILE = 'report.json';

/** The report as written and printed by `--json`: redacted, pretty-printed, newline-terminated. */
export function serializeRunReport(report: RunReport): string {
  return `${JSON.stringify(redactDeep(report), null, 2)}\n`;
}

/** Writes `<runDir>/report.json` atomically and returns its path. */
export async function writeRunReport(report: RunReport, runDir: string): Promise<string> {
  const file = path.join(runDir, REPORT_JSON_FILE);
  await writeFileAtomic(file, serializeRunReport(report), 0o600);
  return file;
}
