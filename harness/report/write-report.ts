/**
 * Writes a run's reports: `report.json` (key material redacted, atomically — temporary file, then
 * rename — mode 0600, never half a file even when the run is interrupted mid-write), then
 * `report.html` beside it and the reports index two levels up.
 */
import path from 'node:path';
import type { RunReport } from '../types.js';
import { redactDeep } from './redact-secrets.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { writeReportPages } from './write-report-pages.js';

/** File name of the machine-readable report inside a run directory. */
export const REPORT_JSON_FILE = 'report.json';

/** The report as written and printed by `--json`: redacted, pretty-printed, newline-terminated. */
export function serializeRunReport(report: RunReport): string {
  return `${JSON.stringify(redactDeep(report), null, 2)}\n`;
}

/** Options of {@link writeRunReport}. */
export interface WriteRunReportOptions {
  /** Also render report.html and rebuild the reports index (default true). */
  pages?: boolean;
  /** Also write Clinic's heap profiler page of each sampling profile (see clinic-heap-profiler.ts). */
  clinic?: boolean;
  /** Told about each extra page that could not be written (the report is complete without it). */
  onWarning?: (line: string) => void;
}

/**
 * Writes `<runDir>/report.json` atomically, then (unless `pages` is false) `<runDir>/report.html`
 * and `<runDir>/../../index.html`. The JSON is on disk before any HTML is rendered, so a rendering
 * failure never costs the measured data. Returns the report.json path.
 */
export async function writeRunReport(report: RunReport, runDir: string, options: WriteRunReportOptions = {}): Promise<string> {
  const file = path.join(runDir, REPORT_JSON_FILE);
  const redacted = redactDeep(report);
  await writeFileAtomic(file, `${JSON.stringify(redacted, null, 2)}\n`, 0o600);
  if (options.pages !== false) {
    const { warnings } = await writeReportPages(redacted, runDir, { ...(options.clinic ? { clinic: true } : {}) });
    for (const w of warnings) options.onWarning?.(w);
  }
  return file;
}
