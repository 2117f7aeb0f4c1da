/**
 * Writes the human-facing pages of a run: `report.html` beside its report.json (with the pages of
 * its allocation profiles, see write-allocation-views.ts), and the reports index two levels up (`reports/<scenario>/<run-id>/` → `reports/index.html`). Both atomically.
 */
import path from 'node:path';
import type { RunReport } from '../types.js';
import { loadAllocationProfiles } from './load-allocation-profiles.js';
import { renderReportHtml } from './render-report-html.js';
import { type AllocationViewOptions, writeAllocationViews } from './write-allocation-views.js';
import { updateReportsIndex } from './update-reports-index.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** File name of a run's HTML report inside its run directory. */
export const REPORT_HTML = 'report.html';

/** Paths written by {@link writeReportPages}. */
export interface ReportPages {
  htmlPath: string;
  /** Absent when the index was not requested. */
  indexPath?: string;
  /** Extra pages that could not be written (report.html renders without their links), one line each. */
  warnings: string[];
}

/** Options of {@link writeReportPages}. */
export interface ReportPagesOptions extends AllocationViewOptions {
  /** Rebuild the reports index (default true). */
  index?: boolean;
  reportsDir?: string;
}

/**
 * Renders `report.html` into `runDir` and, unless `index` is false, rebuilds the index of the
 * reports directory that holds it (`reportsDir`, default: the run directory's grandparent when the
 * run directory sits at `<reports>/<scenario>/<run-id>`; otherwise no index is written).
 */
export async function writeReportPages(
  report: RunReport,
  runDir: string,
  options: ReportPagesOptions = {},
): Promise<ReportPages> {
  const htmlPath = path.join(runDir, REPORT_HTML);
  const allocationProfiles = loadAllocationProfiles(report, runDir);
  const { links, warnings } = await writeAllocationViews(report.scenario, runDir, allocationProfiles, { ...(options.clinic ? { clinic: true } : {}) });
  await writeFileAtomic(htmlPath, await renderReportHtml(report, { allocationProfiles, allocationViews: links }));
  if (options.index === false) return { htmlPath, warnings };
  const reportsDir = options.reportsDir ?? reportsDirOf(report, runDir);
  if (reportsDir === undefined) return { htmlPath, warnings };
  return { htmlPath, indexPath: await updateReportsIndex(reportsDir), warnings };
}

/**
 * The reports directory holding `runDir` when it has the `<reports>/<scenario>/<run-id>` layout of
 * `report`, else undefined — so re-rendering a report.json copied elsewhere never drops an
 * index.html into some unrelated parent folder.
 */
export function reportsDirOf(report: RunReport, runDir: string): string | undefined {
  const abs = path.resolve(runDir);
  if (path.basename(path.dirname(abs)) !== report.scenario) return undefined;
  return path.dirname(path.dirname(abs));
}
