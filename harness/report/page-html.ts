/**
 * Building blocks of leakbench's HTML pages (run report, comparison, index): the page shell with
 * its inline stylesheet, and sections for verdicts, findings, load and statistics.
 *
 * Pages are self-contained: no script, no web font, no external stylesheet or image, so a report
 * opens from disk on an offline machine and cannot leak anything by fetching. Every string taken
 * from a report is escaped with {@link esc}; callers redact reports before they get here.
 */
import { protocolLines } from './describe-protocol.js';
import type { AllocationSite, Finding, PathStep, Verdict, VariantRun } from '../types.js';
import { formatBytes, formatBytesPerRequest, formatCount, formatDurationMs, formatRate } from './format-units.js';

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d8dee4; --bg:#f6f8fa; --card:#fff;
  --leak:#c62d42; --ok:#1f8a70; --warn:#b7791f; --crash:#7a1020; --grey:#6e7781; --accent:#3d5a80; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
header.top { background:#1f2a3a; color:#fff; }
header.top .inner { max-width:1180px; margin:0 auto; padding:18px 28px; display:flex; gap:18px; align-items:baseline; flex-wrap:wrap; }
header.top h1 { font-size:22px; margin:0; font-weight:650; }
header.top .brand { font-weight:700; letter-spacing:.02em; color:#9ecbff; }
header.top .meta { color:#c9d1d9; font-size:13px; }
h2 { font-size:18px; margin:32px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:16px; margin:0 0 8px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; margin:12px 0; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:12.5px; text-transform:uppercase; letter-spacing:.03em; }
/* Wide data tables scroll inside their card, never the page. */
.card { overflow-x: auto; }
/* The verdict table keeps its figures on one line and gives the reason a full-width row below. */
table.verdicts tr.run td { border-bottom:none; padding-bottom:2px; }
table.verdicts tr.why td { padding-top:0; color:var(--fg); }
table.verdicts tr.why .label { color:var(--muted); font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.03em; margin-right:6px; }
table.verdicts tr.why details summary { cursor:pointer; }
@media (max-width: 700px) {
  table.verdicts thead { display:none; }
  table.verdicts, table.verdicts tbody, table.verdicts tr, table.verdicts td { display:block; }
  table.verdicts tr.run { display:flex; flex-wrap:wrap; gap:4px 12px; align-items:baseline; padding-top:8px; }
  table.verdicts tr.run td { padding:0; border:none; text-align:left; }
  table.verdicts tr.run td[data-label]::before { content: attr(data-label) " "; color:var(--muted); font-size:12px; }
  table.verdicts tr.why td { padding:6px 0 10px; }
}
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; white-space:nowrap; }
.badge { display:inline-block; padding:2px 9px; border-radius:999px; font-weight:650; font-size:12.5px; color:#fff; white-space:nowrap; }
.badge.leak { background:var(--leak); } .badge.no-leak { background:var(--ok); }
.badge.inconclusive { background:var(--warn); } .badge.crashed { background:var(--crash); }
.badge.interrupted { background:var(--grey); }
.variant { font-weight:650; white-space:nowrap; }
.swatch { display:inline-block; width:11px; height:11px; border-radius:3px; margin-right:6px; vertical-align:-1px; }
.muted { color:var(--muted); } .small { font-size:13px; }
.chart { overflow-x:auto; margin:4px 0 10px; }
.chart svg { max-width:100%; height:auto; }
.chart-title { font-weight:600; margin:14px 0 2px; }
.finding-head { display:flex; gap:10px; align-items:center; flex-wrap:wrap; margin-bottom:6px; }
.pattern { white-space:nowrap; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; background:#eef1f5; padding:1px 7px; border-radius:5px; }
.conf { font-size:12px; color:var(--muted); border:1px solid var(--line); border-radius:999px; padding:1px 8px; }
.holder { font-weight:650; }
.grid2 { display:grid; grid-template-columns: minmax(0,1.25fr) minmax(0,1fr); gap:18px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.trace { font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; background:#0f1720; color:#d6dde6;
  border-radius:8px; padding:12px 14px; margin:8px 0; overflow-x:auto; }
.trace .row { white-space:pre; }
.trace .gutter { color:#6b7a8c; }
.trace .node { color:#e6edf3; }
.trace .edge { color:#9ecbff; }
.trace .etype { color:#7d8fa3; }
.trace .root { color:#f0c674; }
.trace .holderrow .node { color:#ff8f8f; font-weight:700; text-decoration: underline wavy #ff6b6b; text-underline-offset:4px; }
.trace .tag { color:#0f1720; background:#ff8f8f; border-radius:4px; padding:0 5px; margin-left:8px; font-weight:700; }
.teach { border-left:4px solid var(--accent); background:#f3f6fa; padding:8px 12px; border-radius:0 8px 8px 0; margin:10px 0; }
.fix { border-left:4px solid var(--ok); background:#eef8f4; padding:8px 12px; border-radius:0 8px 8px 0; margin:10px 0; }
.teach b, .fix b { display:block; font-size:12.5px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
.kv { display:grid; grid-template-columns: max-content 1fr; gap:2px 14px; font-size:14px; }
.kv dt { color:var(--muted); } .kv dd { margin:0; font-variant-numeric: tabular-nums; }
pre.tail { background:#0f1720; color:#e6edf3; padding:10px; border-radius:8px; overflow-x:auto; font-size:12.5px; }
footer { color:var(--muted); font-size:12.5px; margin-top:36px; }
a { color:#0b63c5; }
`;

/** A complete HTML document around `body`. */
export function pageHtml(title: string, headerHtml: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><div class="inner">${headerHtml}</div></header>
<main>
${body}
<footer>Generated by leakbench. Key-like strings are shown as fingerprints (<code>lk_…#hash</code>); the heap snapshots themselves hold the keys and stay private (mode 0600).</footer>
</main>
</body>
</html>
`;
}

/** A verdict as a coloured pill. */
export function verdictBadge(verdict: Verdict): string {
  return `<span class="badge ${esc(verdict)}">${esc(verdict)}</span>`;
}

/** A variant run with the label and colour a page shows it under. */
export interface LabelledRun {
  label: string;
  color: string;
  run: VariantRun;
}

function swatch(color: string): string {
  return `<span class="swatch" style="background:${esc(color)}"></span>`;
}

/** Columns of the verdict table's figure row; the reason row below spans them all. */
const VERDICT_COLUMNS = 7;

/**
 * Reasons longer than this many characters (about three lines of the reason row at a laptop's
 * width) show their first sentence and fold the rest into a `<details>` element, so one long
 * reason never pushes the next run off the first screen.
 */
export const REASON_FOLD_CHARS = 400;

/** A run's reason, its tail folded away when it is long (see {@link REASON_FOLD_CHARS}). */
export function reasonHtml(reason: string): string {
  const label = '<span class="label">why</span>';
  if (reason.length <= REASON_FOLD_CHARS) return `${label}${esc(reason)}`;
  // Fold after the first sentence; with no sentence end early enough, after the last whole word.
  const sentenceEnd = reason.search(/[.;:]\s/);
  const cut = sentenceEnd > 0 && sentenceEnd < REASON_FOLD_CHARS ? sentenceEnd + 1 : reason.lastIndexOf(' ', REASON_FOLD_CHARS);
  const at = cut > 0 ? cut : REASON_FOLD_CHARS;
  return `<details><summary>${label}${esc(reason.slice(0, at))} <span class="muted">(more)</span></summary>${esc(reason.slice(at).trim())}</details>`;
}

/** The verdict table: a figure row per run and, below it, the run's reason across the full width. */
export function verdictTableHtml(runs: readonly LabelledRun[]): string {
  const rows = runs
    .map(({ label, color, run }) => {
      const st = run.statistic;
      // A run that stopped before any statistic has no growth figure; its 0 is a placeholder.
      const measured = st !== undefined || run.findings.length > 0 || (run.verdict !== 'interrupted' && run.verdict !== 'crashed');
      const ci = st
        ? `<div class="muted small">95% CI ${esc(formatBytesPerRequest(st.ciLowBytesPerRequest))} … ${esc(formatBytesPerRequest(st.ciHighBytesPerRequest))}</div>`
        : '';
      return `<tr class="run">
<td class="variant">${swatch(color)}${esc(label)}</td>
<td>${verdictBadge(run.verdict)}</td>
<td><span class="pattern">${esc(run.pattern)}</span></td>
<td class="num" data-label="growth">${measured ? esc(formatBytesPerRequest(run.bytesPerRequest)) : '–'}${ci}</td>
<td class="num" data-label="requests">${esc(formatCount(run.requests))}</td>
<td class="num" data-label="duration">${esc(formatDurationMs(run.durationMs))}</td>
<td class="num" data-label="findings">${run.findings.length}</td>
</tr>
<tr class="why"><td colspan="${VERDICT_COLUMNS}" class="small">${reasonHtml(run.reason)}${protocolLines(run).map((l) => `<div class="muted small protocol">${esc(l)}</div>`).join('')}</td></tr>`;
    })
    .join('\n');
  return `<div class="card"><table class="verdicts">
<thead><tr><th>variant</th><th>verdict</th><th>pattern</th><th class="num">growth</th><th class="num">requests</th><th class="num">duration</th><th class="num">findings</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

/** A retainer path drawn like a LeakCanary leak trace, the growing container underlined. */
export function traceHtml(path: readonly PathStep[]): string {
  if (path.length === 0) return '<p class="muted small">No retainer path was recorded for this finding.</p>';
  const lines: string[] = ['<div class="row"><span class="gutter">┬───</span></div>'];
  path.forEach((step, i) => {
    const last = i === path.length - 1;
    if (i === 0) {
      lines.push(`<div class="row"><span class="gutter">│ </span><span class="root">GC root: ${esc(step.node)}</span></div>`);
    } else {
      const edgeText = step.edge === '' ? '' : `<span class="edge">${esc(step.edge)}</span> `;
      lines.push(
        `<div class="row"><span class="gutter">│    ↓ </span>${edgeText}<span class="etype">(${esc(step.edgeType || 'edge')})</span></div>`,
      );
      const id = step.nodeId === undefined ? '' : ` <span class="etype">@${esc(step.nodeId)}</span>`;
      const tag = step.isHolder ? '<span class="tag">growing</span>' : '';
      lines.push(
        `<div class="row${step.isHolder ? ' holderrow' : ''}"><span class="gutter">${last ? '╰→ ' : '├─ '}</span><span class="node">${esc(step.node)}</span>${id}${tag}</div>`,
      );
    }
  });
  return `<div class="trace" role="figure" aria-label="retainer path from a GC root">${lines.join('\n')}</div>`;
}

/** Growth of a finding's holder per snapshot step, as a table (the bar chart is rendered separately). */
export function growthTableHtml(finding: Finding, stepLabels: readonly string[]): string {
  const { counts, retainedBytes } = finding.growth;
  const n = Math.max(counts.length, retainedBytes.length);
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    const b = retainedBytes[i];
    const dc = i > 0 && c !== undefined && counts[i - 1] !== undefined ? c - counts[i - 1]! : undefined;
    const db = i > 0 && b !== undefined && retainedBytes[i - 1] !== undefined ? b - retainedBytes[i - 1]! : undefined;
    rows.push(`<tr><td>${esc(stepLabels[i] ?? `#${i + 1}`)}</td>
<td class="num">${c === undefined ? '–' : esc(formatCount(c))}</td>
<td class="num">${dc === undefined ? '' : esc(`${dc >= 0 ? '+' : ''}${formatCount(dc)}`)}</td>
<td class="num">${b === undefined ? '–' : esc(formatBytes(b))}</td>
<td class="num">${db === undefined ? '' : esc(`${db >= 0 ? '+' : ''}${formatBytes(db)}`)}</td></tr>`);
  }
  return `<table class="growth"><thead><tr><th>snapshot</th><th class="num">count</th><th class="num">Δ</th><th class="num">retained</th><th class="num">Δ</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** What a finding accumulates: names with counts and bytes. */
export function accumulatesHtml(finding: Finding): string {
  if (finding.accumulates.length === 0) return '';
  const rows = finding.accumulates
    .map((a) => `<tr><td><code>${esc(a.name)}</code></td><td class="num">${esc(formatCount(a.count))}</td><td class="num">${esc(formatBytes(a.bytes))}</td></tr>`)
    .join('\n');
  return `<table class="accumulates"><thead><tr><th>accumulates</th><th class="num">count</th><th class="num">bytes</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * Allocation sites of a finding. `allocatedAt` is checked at run time, since a report.json read from
 * disk may predate the field or be written by hand.
 */
function allocationSitesOf(finding: Finding): AllocationSite[] {
  const raw = finding['allocatedAt'];
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (s): s is AllocationSite =>
      typeof s === 'object' && s !== null && typeof (s as AllocationSite).functionName === 'string' && typeof (s as AllocationSite).file === 'string',
  );
}

/** "Allocated at": where the finding's objects were allocated, when the analysis recorded it. */
export function allocatedAtHtml(finding: Finding): string {
  const sites = allocationSitesOf(finding);
  if (sites.length === 0) return '';
  const method = finding['allocationMethod'] === 'tracking'
    ? 'exact allocation traces of the finding’s own objects'
    : finding['allocationMethod'] === 'sampling'
      ? 'sampling heap profiler, live allocations of the whole heap since the baseline'
      : 'allocation data';
  const rows = sites
    .map((s) => {
      const callers = s.callers && s.callers.length > 0 ? `<div class="small muted">called from ${s.callers.map((c) => `<code>${esc(c)}</code>`).join(' ← ')}</div>` : '';
      const mapped = s.sourceMapped ? ' <span class="small muted">(source map)</span>' : '';
      // V8 records the allocating function; the line storing into the holder was found inside it.
      const refined = s.refinedBy === 'holder-reference' && s.functionLine !== undefined ? `<div class="small muted">stores into the holder; function defined at line ${esc(String(s.functionLine))}</div>` : '';
      return `<tr><td><code>${esc(s.functionName)}</code>${callers}</td><td><code>${esc(`${s.file}:${s.line}${s.column ? `:${s.column}` : ''}`)}</code>${mapped}${refined}</td><td class="num">${esc(formatBytes(s.bytes))}</td><td class="num">${esc(formatCount(s.count))}</td><td class="num">${esc(`${(s.share * 100).toFixed(0)}%`)}</td></tr>`;
    })
    .join('\n');
  return `<div class="small muted" style="margin-top:10px">Allocated at (${esc(method)}):</div>
<table class="allocated"><thead><tr><th>function</th><th>where</th><th class="num">bytes</th><th class="num">count</th><th class="num">share</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** One finding card: header, trace, growth (table + optional bars SVG), accumulates, teaching text. */
export function findingHtml(
  label: string,
  finding: Finding,
  stepLabels: readonly string[],
  growthSvg: string,
  stepRequests: readonly number[] = [],
): string {
  const bytes = finding.growth.retainedBytes;
  // Per request: the analysis' own figure, else retained growth over the requests served between
  // the first and last snapshot the growth covers.
  let perRequestValue = finding.bytesPerRequest;
  let perRequestNote = '';
  const r0 = stepRequests[0];
  const rn = stepRequests[bytes.length - 1];
  if (perRequestValue === undefined && bytes.length >= 2 && r0 !== undefined && rn !== undefined && rn > r0) {
    perRequestValue = (bytes[bytes.length - 1]! - bytes[0]!) / (rn - r0);
    perRequestNote = ' <span class="muted small">(retained growth ÷ requests between snapshots)</span>';
  }
  const perRequest =
    perRequestValue === undefined ? '' : `<dt>per request</dt><dd>${esc(formatBytesPerRequest(perRequestValue))}${perRequestNote}</dd>`;
  const perStep =
    bytes.length >= 2
      ? `<dt>per snapshot step</dt><dd>+${esc(formatBytes((bytes[bytes.length - 1]! - bytes[0]!) / (bytes.length - 1)))} retained</dd>`
      : '';
  const counts = finding.growth.counts;
  const perStepCount =
    counts.length >= 2
      ? `<dt>entries</dt><dd>${esc(formatCount(counts[0]!))} → ${esc(formatCount(counts[counts.length - 1]!))}</dd>`
      : '';
  return `<div class="card finding">
<div class="finding-head"><span class="variant">${esc(label)}</span><span class="pattern">${esc(finding.pattern)}</span>${finding.mechanism === undefined ? '' : `<span class="pattern">${esc(finding.mechanism.replace(/-/g, ' '))}</span>`}<span class="conf">${esc(finding.confidence)} confidence</span></div>
<h3>Holder: <span class="holder">${esc(finding.holder)}</span></h3>
${ownerHtml(finding)}
<div class="grid2">
<div>
${pathsHtml(finding)}
${accumulatesHtml(finding)}
</div>
<div>
<dl class="kv">${perRequest}${perStep}${perStepCount}</dl>
<div class="chart">${growthSvg}</div>
${growthTableHtml(finding, stepLabels)}
</div>
</div>
${allocatedAtHtml(finding)}
<div class="teach"><b>What is happening</b>${esc(finding.explanation)}</div>
<div class="fix"><b>The fix</b>${esc(finding.fix)}</div>
</div>`;
}

/** Whose code the holder is, members of a spread point, shared objects and a structural bound. */
function ownerHtml(finding: Finding): string {
  const notes: string[] = [];
  const owner = finding.owner;
  if (owner !== undefined && owner.kind !== 'unknown') {
    const kind = owner.kind === 'dependency' ? 'a dependency' : owner.kind === 'node-core' ? 'Node core' : 'your application';
    notes.push(`Owner: <b>${esc(owner.label)}</b> (${kind})`);
  }
  if (finding.members !== undefined) {
    const largest = finding.members.largest.map((m) => `${esc(m.holder)} (${esc(formatBytes(m.newBytes))})`).join(', ');
    notes.push(`${esc(formatCount(finding.members.count))} growing members; the largest: ${largest}`);
  }
  if (finding.sharedWith !== undefined && finding.sharedWith.length > 0) {
    notes.push(`Shares objects with ${finding.sharedWith.map((s) => `${esc(s.holder)} (${esc(formatBytes(s.bytes))})`).join(', ')}`);
  }
  return notes.length === 0 ? '' : `<div class="small">${notes.join('<br>')}</div>`;
}

/** The path from the user's own anchor when there is one, DevTools' full path behind a disclosure. */
function pathsHtml(finding: Finding): string {
  const full = `<div class="small muted">Retainer path from the GC root (the growing container is underlined):</div>\n${traceHtml(finding.path)}`;
  if (finding.anchorPath === undefined || finding.anchorPath.length === 0) return full;
  return (
    `<div class="small muted">From your code (Node internals folded; the growing container is underlined):</div>\n${traceHtml(finding.anchorPath)}\n` +
    `<details><summary class="small muted">Full shortest path from the GC root (DevTools)</summary>\n${full}</details>`
  );
}

/** Load summary table: one row per run. */
export function loadTableHtml(runs: readonly LabelledRun[]): string {
  const rows = runs
    .map(({ label, color, run }) => {
      const l = run.load;
      if (!l) return `<tr><td class="variant">${swatch(color)}${esc(label)}</td><td colspan="8" class="muted">no load summary recorded</td></tr>`;
      const status = Object.entries(l.statusCounts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${esc(k)}: ${esc(formatCount(v))}`)
        .join(' · ');
      return `<tr><td class="variant">${swatch(color)}${esc(label)}</td>
<td class="num">${esc(formatRate(l.requestsPerSec))}</td>
<td class="num">${esc(l.latencyP50Ms.toFixed(1))} ms</td>
<td class="num">${esc(l.latencyP99Ms.toFixed(1))} ms</td>
<td class="num">${esc(formatCount(l.requests))}</td>
<td class="small">${status}</td>
<td class="num">${esc(formatCount(l.errors))} / ${esc(formatCount(l.timeouts))}</td>
<td class="num">${esc(formatDurationMs(l.snapshotPauseMs))}</td>
<td class="num">${run.snapshots.length}</td></tr>`;
    })
    .join('\n');
  return `<div class="card"><table class="load">
<thead><tr><th>variant</th><th class="num">req/s</th><th class="num">p50</th><th class="num">p99</th><th class="num">requests</th><th>status</th><th class="num">errors / timeouts</th><th class="num">snapshot pauses</th><th class="num">snapshots</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

/** Snapshots and statistics of each run, plus crash or error details. */
export function detailsHtml(runs: readonly LabelledRun[]): string {
  return runs
    .map(({ label, color, run }) => {
      const snaps = run.snapshots
        .map(
          (s) => `<tr><td>${esc(s.label)}${s.deleted ? ' <span class="small muted">(deleted)</span>' : ''}</td><td class="num">${esc(formatDurationMs(s.tMs))}</td><td class="num">${esc(formatCount(s.requests))}</td><td class="num">${esc(formatBytes(s.sizeBytes))}</td><td class="num">${esc(formatDurationMs(s.durationMs))}</td></tr>`,
        )
        .join('\n');
      const st = run.statistic;
      const stat = st
        ? `<dl class="kv"><dt>method</dt><dd>${esc(st.method)} on ${esc(st.metric)}</dd>
<dt>slope</dt><dd>${esc(formatBytesPerRequest(st.bytesPerRequest))} (95% CI ${esc(formatBytesPerRequest(st.ciLowBytesPerRequest))} … ${esc(formatBytesPerRequest(st.ciHighBytesPerRequest))})</dd>
<dt>R²</dt><dd>${esc(st.rSquared.toFixed(3))} over ${esc(st.samples)} after-GC samples</dd>
<dt>growth</dt><dd>${esc(formatBytes(st.growthBytes))}</dd>
<dt>reading</dt><dd>${esc(st.reason)}</dd></dl>`
        : '<p class="muted small">No growth statistic recorded.</p>';
      const nat = run.nativeStatistic;
      const native = nat
        ? `<dl class="kv"><dt>outside the JS heap</dt><dd>${esc(formatBytesPerRequest(nat.bytesPerRequest))} (95% CI ${esc(formatBytesPerRequest(nat.ciLowBytesPerRequest))} … ${esc(formatBytesPerRequest(nat.ciHighBytesPerRequest))}) of RSS − heapTotal − external</dd>
<dt>reading</dt><dd>${esc(nat.reason)}</dd></dl>`
        : '';
      const ig = run.idleGrowth;
      const idle = ig
        ? `<dl class="kv"><dt>idle (no requests)</dt><dd>${esc(formatBytes(ig.bytesPerSecond))}/s (95% CI ${esc(formatBytes(ig.ciLowBytesPerSecond))}/s … ${esc(formatBytes(ig.ciHighBytesPerSecond))}/s) over ${esc(formatDurationMs(ig.durationMs))}${ig.loadBytesPerSecond === undefined ? '' : `; under load ${esc(formatBytes(ig.loadBytesPerSecond))}/s`}</dd>
<dt>reading</dt><dd>${ig.drivenByTime ? '<b>driven by time</b>: ' : ''}${esc(ig.reason)}</dd></dl>`
        : '';
      const crash = run.crash
        ? `<p>${
            run.crash.stoppedAtHeapLimit
              ? '<b>Reached the heap limit</b>: Node wrote its near-limit snapshot and V8 raised the limit to let it; leakbench stopped the server there.'
              : `<b>Crashed</b>: exit code ${esc(run.crash.exitCode)}, signal ${esc(run.crash.signal)}${run.crash.heapLimit ? ', ran out of heap' : ''}.`
          }${run.crash.confirmsLeak ? ' <b>Memory grew until it reached the V8 heap limit: this confirms a leak.</b>' : ''}</p>${run.crash.nearLimitAnalysis ? `<p class="small">Near-limit snapshot: ${esc(run.crash.nearLimitAnalysis)}</p>` : ''}<pre class="tail">${esc(run.crash.stderrTail)}</pre>`
        : '';
      const error = run.error ? `<p><b>Error</b> <code>${esc(run.error.code)}</code>: ${esc(run.error.message)}</p>` : '';
      const cmd = run.command ? `<p class="small muted">command: <code>${esc(run.command.join(' '))}</code> · artifacts: <code>${esc(run.dir)}</code></p>` : `<p class="small muted">artifacts: <code>${esc(run.dir)}</code></p>`;
      return `<div class="card"><h3>${swatch(color)}${esc(label)}</h3>${crash}${error}
<div class="grid2"><div>${stat}${idle}${native}</div>
<div>${snaps ? `<table><thead><tr><th>snapshot</th><th class="num">at</th><th class="num">requests</th><th class="num">size</th><th class="num">pause</th></tr></thead><tbody>${snaps}</tbody></table>` : '<p class="muted small">No heap snapshots.</p>'}</div></div>
${cmd}</div>`;
    })
    .join('\n');
}
