/**
 * A comparison page: two runs (typically before and after a fix) overlaid on the same heap-growth
 * charts, their verdicts side by side with the change in growth per request, then each run's
 * findings and load. Pure: reports in, HTML string out.
 */
import type { RunReport } from '../types.js';
import { formatBytesPerRequest } from './format-units.js';
import { type LabelledRun, detailsHtml, esc, loadTableHtml, pageHtml, verdictBadge, verdictTableHtml } from './page-html.js';
import { redactDeep } from './redact-secrets.js';
import { chartsSectionHtml, findingsSectionHtml, labelRuns } from './render-report-html.js';

/** Colours of run A (warm) and run B (cool), per variant position. */
const A_COLORS = ['#d1495b', '#edae49', '#b5838d'];
const B_COLORS = ['#2a9d8f', '#3d5a80', '#6d597a'];

/** How one variant changed from A to B, in words. */
function deltaRows(a: readonly LabelledRun[], b: readonly LabelledRun[]): string {
  const rows: string[] = [];
  for (const ra of a) {
    const rb = b.find((x) => x.run.variant === ra.run.variant) ?? (a.length === 1 && b.length === 1 ? b[0] : undefined);
    if (!rb) continue;
    const d = rb.run.bytesPerRequest - ra.run.bytesPerRequest;
    const ratio = ra.run.bytesPerRequest > 0 && rb.run.bytesPerRequest > 0 ? ra.run.bytesPerRequest / rb.run.bytesPerRequest : undefined;
    rows.push(`<tr><td class="variant">${esc(ra.label)} → ${esc(rb.label)}</td>
<td>${verdictBadge(ra.run.verdict)} → ${verdictBadge(rb.run.verdict)}</td>
<td class="num">${esc(formatBytesPerRequest(ra.run.bytesPerRequest))}</td>
<td class="num">${esc(formatBytesPerRequest(rb.run.bytesPerRequest))}</td>
<td class="num">${esc(formatBytesPerRequest(d))}${ratio !== undefined && ratio > 1 ? ` <span class="small muted">(${esc(ratio.toFixed(1))}× less)</span>` : ''}</td>
<td class="num">${ra.run.findings.length} → ${rb.run.findings.length}</td></tr>`);
  }
  if (rows.length === 0) return '';
  return `<div class="card"><table><thead><tr><th>variant</th><th>verdict</th><th class="num">A growth</th><th class="num">B growth</th><th class="num">change</th><th class="num">findings</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

/** Renders the comparison of run `a` (before) and run `b` (after) on one page. */
export async function renderCompareHtml(inputA: RunReport, inputB: RunReport): Promise<string> {
  const a = redactDeep(inputA);
  const b = redactDeep(inputB);
  const runsA = labelRuns(a.runs, 'A · ', A_COLORS);
  const runsB = labelRuns(b.runs, 'B · ', B_COLORS);
  const all = [...runsA, ...runsB];
  const header = `<span class="brand">leakbench</span><h1>Compare</h1>
<span class="meta">A: ${esc(a.scenario)} · ${esc(a.runId)} &nbsp; vs &nbsp; B: ${esc(b.scenario)} · ${esc(b.runId)}</span>`;
  const body = `
<h2>What changed</h2>
<p class="small muted">A = ${esc(a.scenario)} run ${esc(a.runId)} (${esc(a.startedAt)}); B = ${esc(b.scenario)} run ${esc(b.runId)} (${esc(b.startedAt)}).</p>
${deltaRows(runsA, runsB)}
${verdictTableHtml(all)}
<h2>Heap growth, A and B overlaid</h2>
${await chartsSectionHtml(all, 'cmp')}
<h2>Findings</h2>
${await findingsSectionHtml(all, 'cmp')}
<h2>Load</h2>
${loadTableHtml(all)}
<h2>Statistics and snapshots</h2>
${detailsHtml(all)}
`;
  return pageHtml(`leakbench · compare ${a.runId} vs ${b.runId}`, header, body);
}
