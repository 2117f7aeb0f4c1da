/**
 * Writes the human-facing pages of a run: `report.html` beside its report.json, and the reports
 * index two levels up (`reports/<scenario>/<run-id>/` → `reports/index.html`). Both atomically.
 */
import path from 'node:path';
import type { RunReport } from '../types.js';
import { renderReportHtml } from './render-report-html.js';
import { updateReportsIndex } from './update-reports-index.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** File name of a run's HTML report inside its run directory. */
export const REPORT_HTML = 'report.html';

/** Paths written by {@link writeReportPages}. */
export interface ReportPages {
  htmlPath: string;
  /** Absent when the index was not requested. */
  indexPath?: string;
}

/**
 * Renders `report.html` into `runDir` and, unless `index` is false, rebuilds the index of the
 * reports directory that holds it (`reportsDir`, default: the run directory's grandparent).
 */
export async function writeReportPages(
  report: RunReport,
  runDir: string,
  options: { index?: boolean; reportsDir?: string } = {},
): Promise<ReportPages> {
  const htmlPath = path.join(runDir, REPORT_HTML);
  await writeFileAtomic(htmlPath, await renderReportHtml(report));
  if (options.index === false) return { htmlPath };
  const reportsDir = options.reportsDir ?? path.dirname(path.dirname(path.resolve(runDir)));
  return { htmlPath, indexPath: await updateReportsIndex(reportsDir) };
}
