/**
 * `reports/index.html`: every run under `reports/<scenario>/<run-id>/` with its verdicts and links,
 * newest first, plus the comparison pages under `reports/compare/`. Regenerated after each run
 * and by `leakbench report` / `compare`; it reads only report.json files, so it is cheap to rebuild.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isLeakbenchError } from '../errors.js';
import type { RunReport } from '../types.js';
import { formatBytesPerRequest, formatCount } from './format-units.js';
import { esc, pageHtml, verdictBadge } from './page-html.js';
import { REPORT_JSON, readRunReport } from './read-run-report.js';
import { redactDeep, redactSecrets } from './redact-secrets.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** A run found under the reports directory. */
export type IndexEntry =
  | { state: 'ok'; relDir: string; report: RunReport; hasHtml: boolean }
  | { state: 'unreadable'; relDir: string; reason: string };

/** A comparison page found under `reports/compare/`. */
export interface CompareEntry {
  relFile: string;
  mtimeMs: number;
}

/** Folder under the reports directory that holds comparison pages. */
export const COMPARE_DIR = 'compare';

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/** Finds every `<scenario>/<run-id>/report.json` and every `compare/<name>/compare.html`. */
export function scanReports(reportsDir: string): { runs: IndexEntry[]; compares: CompareEntry[] } {
  const runs: IndexEntry[] = [];
  const compares: CompareEntry[] = [];
  for (const top of subdirs(reportsDir)) {
    for (const sub of subdirs(path.join(reportsDir, top))) {
      const dir = path.join(reportsDir, top, sub);
      const relDir = `${top}/${sub}`;
      if (top === COMPARE_DIR && existsSync(path.join(dir, 'compare.html'))) {
        compares.push({ relFile: `${relDir}/compare.html`, mtimeMs: statSync(path.join(dir, 'compare.html')).mtimeMs });
        continue;
      }
      if (!existsSync(path.join(dir, REPORT_JSON))) continue;
      try {
        const { report } = readRunReport(dir);
        runs.push({ state: 'ok', relDir, report, hasHtml: existsSync(path.join(dir, 'report.html')) });
      } catch (err) {
        runs.push({ state: 'unreadable', relDir, reason: isLeakbenchError(err) ? `${err.code}: ${err.message}` : String(err) });
      }
    }
  }
  const startedAt = (e: IndexEntry): string => (e.state === 'ok' ? e.report.startedAt : '');
  runs.sort((a, b) => startedAt(b).localeCompare(startedAt(a)) || b.relDir.localeCompare(a.relDir));
  compares.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return { runs, compares };
}

function href(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

/** Renders the index page from scanned entries (pure). */
export function renderIndexHtml(runs: readonly IndexEntry[], compares: readonly CompareEntry[]): string {
  const rows = runs
    .map((entry) => {
      if (entry.state === 'unreadable') {
        return `<tr><td colspan="2"><code>${esc(redactSecrets(entry.relDir))}</code></td><td colspan="3" class="small muted">unreadable: ${esc(redactSecrets(entry.reason))}</td></tr>`;
      }
      const r = redactDeep(entry.report);
      const link = entry.hasHtml
        ? `<a href="${esc(href(`${entry.relDir}/report.html`))}">${esc(r.runId)}</a>`
        : `${esc(r.runId)} <span class="small muted">(no report.html; <code>leakbench report</code> renders it)</span>`;
      const verdicts = r.runs
        .map((v) => `<div><span class="variant">${esc(v.variant)}</span> ${verdictBadge(v.verdict)} <span class="pattern">${esc(v.pattern)}</span> <span class="small muted">${esc(formatBytesPerRequest(v.bytesPerRequest))} · ${esc(formatCount(v.requests))} req · ${v.findings.length} finding${v.findings.length === 1 ? '' : 's'}</span></div>`)
        .join('');
      return `<tr><td><b>${esc(r.scenario)}</b></td><td>${link}</td><td class="small">${esc(r.startedAt)}</td><td>${verdicts}</td><td><a class="small" href="${esc(href(`${entry.relDir}/${REPORT_JSON}`))}">json</a></td></tr>`;
    })
    .join('\n');
  const runsTable =
    runs.length === 0
      ? '<div class="card muted">No runs yet. <code>npx leakbench run unbounded-map</code> makes one.</div>'
      : `<div class="card"><table class="runs"><thead><tr><th>scenario</th><th>run</th><th>started</th><th>verdicts</th><th></th></tr></thead><tbody>
${rows}
</tbody></table></div>`;
  const compareList =
    compares.length === 0
      ? ''
      : `<h2>Comparisons</h2><div class="card"><ul>${compares
          .map((c) => `<li><a href="${esc(href(c.relFile))}">${esc(redactSecrets(c.relFile.split('/')[1] ?? c.relFile))}</a> <span class="small muted">${esc(new Date(c.mtimeMs).toISOString())}</span></li>`)
          .join('')}</ul></div>`;
  const header = `<span class="brand">leakbench</span><h1>Runs</h1><span class="meta">${runs.length} run${runs.length === 1 ? '' : 's'} · newest first</span>`;
  return pageHtml('leakbench · runs', header, `<h2>Runs</h2>\n${runsTable}\n${compareList}`);
}

/** Rebuilds `<reportsDir>/index.html` atomically; returns its path. */
export async function updateReportsIndex(reportsDir: string): Promise<string> {
  const { runs, compares } = scanReports(reportsDir);
  const file = path.join(reportsDir, 'index.html');
  await writeFileAtomic(file, renderIndexHtml(runs, compares));
  return file;
}
