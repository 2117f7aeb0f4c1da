/**
 * `report.html` of one run: verdicts, heap-growth charts (every variant on one chart), findings with
 * their retainer paths, load summary and statistics. Pure: report in, HTML string out.
 */
import type { RunReport, Variant, VariantRun } from '../types.js';
import { formatBytes } from './format-units.js';
import { VARIANT_COLORS, renderGrowthBars, renderHeapCharts } from './heap-charts.js';
import {
  type LabelledRun,
  detailsHtml,
  esc,
  findingHtml,
  loadTableHtml,
  pageHtml,
  verdictBadge,
  verdictTableHtml,
} from './page-html.js';
import { keyResidencySectionHtml } from './key-residency-section.js';
import { redactDeep } from './redact-secrets.js';
import { type SamplingHeapProfile, renderAllocationFlame, topAllocationSites } from './render-allocation-flame.js';
import type { AllocationViewLinks } from './write-allocation-views.js';

const FALLBACK_COLORS = ['#3d5a80', '#edae49', '#8e6c8a', '#00798c'];

/** Labels and colours for the variants of one report. */
export function labelRuns(runs: readonly VariantRun[], prefix = '', colors?: readonly string[]): LabelledRun[] {
  return runs.map((run, i) => ({
    label: `${prefix}${run.variant}`,
    color: colors?.[i] ?? VARIANT_COLORS[run.variant] ?? FALLBACK_COLORS[i % FALLBACK_COLORS.length]!,
    run,
  }));
}

/** Charts section for a set of labelled runs; `idPrefix` keeps SVG ids unique on the page. */
export async function chartsSectionHtml(runs: readonly LabelledRun[], idPrefix: string): Promise<string> {
  const withSamples = runs.filter((r) => r.run.samples.length > 0);
  if (withSamples.length === 0) return '<div class="card muted">No memory samples were recorded.</div>';
  const charts = await renderHeapCharts(withSamples, idPrefix);
  return `<div class="card">
<div class="chart-title">Against time</div>
<div class="chart" data-chart="by-time">${charts.byTime}</div>
<div class="chart-title">Against requests served</div>
<div class="chart" data-chart="by-requests">${charts.byRequests}</div>
<p class="small muted">Lines: memory sampled every ~500 ms under load. Dots joined by a dotted line: samples right after a forced GC, the retained memory the verdict regresses on. Dashed verticals: heap snapshots (load paused). A leak climbs with requests; a bounded cache rises and flattens.</p>
</div>`;
}

/** Findings section: a card per finding, with a small growth bar chart each. */
export async function findingsSectionHtml(runs: readonly LabelledRun[], idPrefix: string): Promise<string> {
  const cards: string[] = [];
  for (const [ri, { label, color, run }] of runs.entries()) {
    const stepLabels = run.snapshots.map((s) => s.label);
    for (const [fi, finding] of run.findings.entries()) {
      const n = Math.max(finding.growth.counts.length, finding.growth.retainedBytes.length);
      const steps = Array.from({ length: n }, (_, i) => ({
        label: stepLabels[i] ?? `#${i + 1}`,
        retainedBytes: finding.growth.retainedBytes[i] ?? 0,
        count: finding.growth.counts[i] ?? 0,
      }));
      const svg = n > 0 ? await renderGrowthBars(steps, color, `${idPrefix}-g${ri}-${fi}`) : '';
      cards.push(findingHtml(label, finding, stepLabels, svg, run.snapshots.map((s) => s.requests)));
    }
  }
  if (cards.length === 0) {
    // A black-box run measured RSS only: it had no snapshots to search.
    const blackBox = runs.length > 0 && runs.every(({ run }) => run.statistic?.method === 'ols-rss');
    return blackBox
      ? '<div class="card muted">Black-box mode (no inspector): no heap snapshots were taken, so there is no accumulation point to name. Run a Node server without <code>--black-box</code> to find what grows.</div>'
      : '<div class="card muted">No accumulation point was found in the heap snapshots.</div>';
  }
  return cards.join('\n');
}

/** Options of {@link renderReportHtml}. */
export interface ReportHtmlOptions {
  /** Sampling heap profiles by variant (see load-allocation-profiles.ts), drawn as flame graphs. */
  allocationProfiles?: Partial<Record<Variant, SamplingHeapProfile>>;
  /** Pages written beside report.html for those profiles (interactive flame graph, Clinic), by variant. */
  allocationViews?: Partial<Record<Variant, AllocationViewLinks>>;
}

/** Links to a variant's interactive allocation pages, or nothing. */
function allocationViewLinksHtml(views: AllocationViewLinks | undefined): string {
  const links: string[] = [];
  if (views?.flame) links.push(`<a href="${esc(views.flame)}">Interactive flame graph</a> <span class="muted">(speedscope: zoom, search, left-heavy and sandwich views; offline)</span>`);
  if (views?.clinic) links.push(`<a href="${esc(views.clinic)}">Clinic.js Heap Profiler</a> <span class="muted">(the same profile in Clinic's flame view)</span>`);
  return links.length === 0 ? '' : `<p class="small views">Open: ${links.join(' · ')}</p>`;
}

/** Allocation section: a flame graph and the top allocation sites per variant with a profile. */
export async function allocationSectionHtml(
  runs: readonly LabelledRun[],
  profiles: Partial<Record<Variant, SamplingHeapProfile>>,
  views: Partial<Record<Variant, AllocationViewLinks>> = {},
): Promise<string> {
  const cards: string[] = [];
  for (const [i, { label, color, run }] of runs.entries()) {
    const profile = profiles[run.variant];
    if (!profile) continue;
    const svg = await renderAllocationFlame(profile, `flame${i}`);
    const sites = topAllocationSites(profile)
      .map((s) => `<tr><td><code>${esc(s.name)}</code></td><td><code>${esc(s.site || '(native)')}</code></td><td>${esc(s.origin === 'app' ? 'your code' : s.origin === 'dependency' ? 'node_modules' : 'Node.js / V8')}</td><td class="num">${esc(formatBytes(s.selfBytes))}</td></tr>`)
      .join('\n');
    cards.push(`<div class="card"><h3><span class="swatch" style="background:${esc(color)}"></span>${esc(label)}</h3>
<p class="small muted">Sampling heap profile of the variant under load: live allocations still held when the profile was taken, by call stack (callers above, callees below; width = bytes).</p>
${allocationViewLinksHtml(views[run.variant])}
<div class="chart" data-chart="flame">${svg}</div>
<table><thead><tr><th>allocating function</th><th>where</th><th>code</th><th class="num">self bytes</th></tr></thead><tbody>${sites}</tbody></table></div>`);
  }
  return cards.length === 0 ? '' : `<h2>Allocations</h2>\n${cards.join('\n')}`;
}

/**
 * Renders `report.html` for a run. The report is redacted first (see redact-secrets.ts), so even a
 * report.json written by an older version never puts a key on the page.
 */
export async function renderReportHtml(input: RunReport, options: ReportHtmlOptions = {}): Promise<string> {
  const report = redactDeep(input);
  const runs = labelRuns(report.runs);
  const o = report.options;
  const header = `<span class="brand">leakbench</span><h1>${esc(report.scenario)}</h1>
<span class="meta">run ${esc(report.runId)} · started ${esc(report.startedAt)} · ${runs.map((r) => `${esc(r.label)} ${verdictBadge(r.run.verdict)}`).join(' ')}</span>`;
  const opts = `<p class="small muted">Load: ${esc(o.warmupSec)} s warm-up + ${esc(o.durationSec)} s at ${esc(o.rate === 'max' ? 'max rate' : `${o.rate} req/s`)}, ${esc(o.connections)} connections, keys ${esc(o.keys)}, ${esc(Math.round(o.invalidRatio * 100))}% invalid.</p>`;
  const body = `
<h2>Verdict</h2>
${verdictTableHtml(runs)}
${opts}
<h2>Heap growth</h2>
${await chartsSectionHtml(runs, 'run')}
<h2>Findings</h2>
${await findingsSectionHtml(runs, 'run')}
${keyResidencySectionHtml(runs)}
${await allocationSectionHtml(runs, options.allocationProfiles ?? {}, options.allocationViews ?? {})}
<h2>Load</h2>
${loadTableHtml(runs)}
<h2>Statistics and snapshots</h2>
${detailsHtml(runs)}
`;
  return pageHtml(`leakbench · ${report.scenario} · ${report.runId}`, header, body);
}
