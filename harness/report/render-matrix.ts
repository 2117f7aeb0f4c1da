/**
 * Pages of `npm run bench:all`: `summary.md` (a table for a terminal, a PR comment or the README)
 * and `summary.html` (the matrix with verdict badges, links to each scenario's report.html and a
 * compact heap-growth chart per scenario with its two variants side by side). Pure: plain data in,
 * text out. Charts are Vega-Lite rendered to inline SVG by {@link renderVegaLiteSvg}.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MatrixCell, MatrixChartRun, MatrixCharts, MatrixExpectation, MatrixSummary } from './matrix-types.js';
import { formatBytesPerRequest, formatCount, formatDurationMs, formatRate } from './format-units.js';
import { VARIANT_COLORS, renderVegaLiteSvg } from './heap-charts.js';
import { esc, pageHtml, verdictBadge } from './page-html.js';
import { redactDeep } from './redact-secrets.js';

function expectationOf(summary: MatrixSummary, scenario: string, variant: string): MatrixExpectation | undefined {
  return summary.expectations.find((e) => e.scenario === scenario && e.variant === variant);
}

function p99(cell: MatrixCell): string {
  return cell.latencyP99Ms === undefined ? '–' : `${cell.latencyP99Ms.toFixed(1)} ms`;
}

function rps(cell: MatrixCell): string {
  return cell.requestsPerSec === undefined ? '–' : formatRate(cell.requestsPerSec);
}

/** Link target of a row's report page, relative to the summary's directory. */
function reportHref(reportDir: string): string {
  return `${reportDir.split('/').map(encodeURIComponent).join('/')}/report.html`;
}

/** `summary.md`: one table row per scenario × variant, mismatches flagged, then errors. */
export function renderMatrixMarkdown(input: MatrixSummary): string {
  // Redacted here too, so a summary from any source never puts a key on a page.
  const summary = redactDeep(input);
  const cellText = (t: string): string => t.replace(/\|/g, '\\|');
  const lines: string[] = [
    `# leakbench bench:all — ${summary.runId}`,
    '',
    `Started ${summary.startedAt}, took ${formatDurationMs(summary.durationMs)} on Node ${summary.environment.node}, ${summary.environment.cpus} CPUs (${summary.environment.platform}).` +
      (summary.options.durationSec !== undefined || summary.options.warmupSec !== undefined
        ? ` Load overridden: ${summary.options.warmupSec ?? 'default'} s warm-up + ${summary.options.durationSec ?? 'default'} s.`
        : ' Each scenario at its default load.'),
    '',
    summary.passed ? '**Every verdict is what the scenarios expect.**' : '**Some verdicts differ from what the scenarios expect (exit 3).**',
    '',
    '| scenario | variant | verdict | expected | pattern | bytes/request | req/s | p99 | time to verdict |',
    '|---|---|---|---|---|---:|---:|---:|---:|',
  ];
  const errors: string[] = [];
  for (const row of summary.rows) {
    if (row.state === 'errored') {
      for (const variant of ['leaky', 'fixed']) {
        const exp = expectationOf(summary, row.scenario, variant);
        lines.push(`| ${row.scenario} | ${variant} | errored ✗ | ${exp?.expected ?? '–'} | – | – | – | – | – |`);
      }
      errors.push(`- ${row.scenario}: ${cellText(row.error.message)} [${row.error.code}]`);
      continue;
    }
    for (const cell of row.cells) {
      const exp = expectationOf(summary, row.scenario, cell.variant);
      const mark = exp === undefined ? '' : exp.matches ? ' ✓' : ' ✗';
      lines.push(
        `| [${row.scenario}](${reportHref(row.reportDir)}) | ${cell.variant} | ${cell.verdict}${mark} | ${exp?.expected ?? '–'} | ${cell.pattern} | ${formatBytesPerRequest(cell.bytesPerRequest)} | ${rps(cell)} | ${p99(cell)} | ${formatDurationMs(cell.timeToVerdictMs)} |`,
      );
      if (cell.error) errors.push(`- ${row.scenario}/${cell.variant}: ${cellText(cell.error.message)} [${cell.error.code}]`);
    }
  }
  lines.push(
    '',
    'bytes/request: slope of after-GC heapUsed+external over requests served (or the findings\' sum when the heap analysis found holders). ' +
      'req/s and p99: the load generator over the measured load. Time to verdict: wall time from booting the server to its verdict (warm-up, load segments and their snapshots, idle, replay, analysis); each report has the run\'s own time to the evidence (`timeToVerdictMs`).',
  );
  if (errors.length > 0) lines.push('', '## Errors', '', ...errors);
  return `${lines.join('\n')}\n`;
}

/** Compact chart spec: retained memory (heapUsed + external) against requests, one line per variant. */
export function matrixChartSpec(runs: readonly MatrixChartRun[]): TopLevelSpec {
  const values: Array<{ variant: string; requests: number; mb: number; kind: 'sample' | 'gc' }> = [];
  for (const run of runs) {
    const step = Math.max(1, Math.ceil(run.samples.length / 300));
    run.samples.forEach((s, i) => {
      const mb = (s.heapUsedBytes + s.externalBytes) / 1e6;
      if (s.afterGc) values.push({ variant: run.variant, requests: s.requests, mb, kind: 'gc' });
      if (i % step === 0 || s.afterGc) values.push({ variant: run.variant, requests: s.requests, mb, kind: 'sample' });
    });
  }
  const variants = runs.map((r) => r.variant);
  const color = {
    field: 'variant',
    type: 'nominal' as const,
    title: null,
    scale: { domain: variants, range: variants.map((v) => VARIANT_COLORS[v] ?? '#3d5a80') },
    legend: { orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke' },
  };
  const x = { field: 'requests', type: 'quantitative' as const, title: 'requests served', axis: { format: '~s', tickCount: 4 } };
  const y = { field: 'mb', type: 'quantitative' as const, title: 'heapUsed+external MB', scale: { zero: false }, axis: { tickCount: 4 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 300,
    height: 150,
    data: { values },
    layer: [
      { transform: [{ filter: "datum.kind === 'sample'" }], mark: { type: 'line', strokeWidth: 1.4, opacity: 0.45 }, encoding: { x, y, color } },
      { transform: [{ filter: "datum.kind === 'gc'" }], mark: { type: 'line', strokeWidth: 2, strokeDash: [3, 2] }, encoding: { x, y, color } },
      {
        transform: [{ filter: "datum.kind === 'gc'" }],
        mark: { type: 'point', filled: true, size: 30, stroke: 'white', strokeWidth: 0.8 },
        encoding: { x, y, color },
      },
    ],
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif',
      view: { stroke: '#ddd' },
      axis: { gridColor: '#eee', labelColor: '#555', titleColor: '#555', titleFontWeight: 'normal', domainColor: '#bbb' },
      background: 'transparent',
    },
  } as TopLevelSpec;
}

const MATRIX_STYLE = `<style>
.matrix { font-size:13px; } .matrix th, .matrix td { padding:6px 7px; }
.matrix td.bad { background:#fdecee; }
.matrix .holder-note { max-width:230px; overflow-wrap:anywhere; }
.matrix td.scen { min-width:150px; }
.matrix-wrap { overflow-x:auto; }
.mismatch { color:var(--leak); font-weight:700; } .match { color:var(--ok); font-weight:700; }
.charts { display:grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap:12px; }
.charts .card { margin:0; }
.banner { padding:10px 14px; border-radius:8px; font-weight:650; margin:12px 0; }
.banner.pass { background:#eef8f4; color:var(--ok); border:1px solid #bfe3d6; }
.banner.fail { background:#fdecee; color:var(--leak); border:1px solid #f2c0c7; }
</style>`;

/** `summary.html`: the matrix table, errors, and one chart card per completed scenario. */
export async function renderMatrixHtml(input: MatrixSummary, charts: MatrixCharts): Promise<string> {
  const summary = redactDeep(input);
  const rows: string[] = [];
  const cards: string[] = [];
  for (const [ri, row] of summary.rows.entries()) {
    if (row.state === 'errored') {
      rows.push(`<tr><td class="scen"><b>${esc(row.scenario)}</b><div class="small muted">${esc(row.title)}</div></td>
<td colspan="9" class="bad"><span class="mismatch">errored</span> <code>${esc(row.error.code)}</code>: ${esc(row.error.message)}</td></tr>`);
      continue;
    }
    row.cells.forEach((cell, ci) => {
      const exp = expectationOf(summary, row.scenario, cell.variant);
      const expText = exp === undefined ? '–' : `${exp.matches ? '<span class="match">✓</span>' : '<span class="mismatch">✗</span>'} ${esc(exp.expected)}`;
      const ciText = cell.ciBytesPerRequest
        ? `<div class="small muted">CI ${esc(formatBytesPerRequest(cell.ciBytesPerRequest[0]))} … ${esc(formatBytesPerRequest(cell.ciBytesPerRequest[1]))}</div>`
        : '';
      const head =
        ci === 0
          ? `<td class="scen" rowspan="${row.cells.length}"><a href="${esc(reportHref(row.reportDir))}"><b>${esc(row.scenario)}</b></a><div class="small muted">${esc(row.title)}</div></td>`
          : '';
      const error = cell.error ? `<div class="small mismatch">${esc(cell.error.code)}: ${esc(cell.error.message)}</div>` : '';
      rows.push(`<tr>${head}
<td class="variant">${esc(cell.variant)}</td>
<td${exp && !exp.matches ? ' class="bad"' : ''}>${verdictBadge(cell.verdict)}${error}</td>
<td>${expText}</td>
<td><span class="pattern">${esc(cell.pattern)}</span>${cell.topHolder ? `<div class="small muted holder-note">${esc(cell.topHolder)}</div>` : ''}</td>
<td class="num">${esc(formatBytesPerRequest(cell.bytesPerRequest))}${ciText}</td>
<td class="num">${esc(rps(cell))}</td>
<td class="num">${esc(p99(cell))}</td>
<td class="num">${esc(formatDurationMs(cell.timeToVerdictMs))}</td>
<td class="num">${esc(formatCount(cell.requests))}</td></tr>`);
    });
    const runs = (charts[row.scenario] ?? []).filter((r) => r.samples.length > 0);
    const svg = runs.length > 0 ? await renderVegaLiteSvg(matrixChartSpec(runs), `m${ri}`) : '<p class="muted small">No memory samples.</p>';
    const verdicts = row.cells.map((c) => `${esc(c.variant)} ${verdictBadge(c.verdict)}`).join(' ');
    cards.push(`<div class="card" data-scenario="${esc(row.scenario)}"><h3><a href="${esc(reportHref(row.reportDir))}">${esc(row.scenario)}</a></h3>
<div class="small">${verdicts}</div><div class="chart" data-chart="matrix-${esc(row.scenario)}">${svg}</div></div>`);
  }
  const failed = summary.expectations.filter((e) => !e.matches);
  const banner = summary.passed
    ? '<div class="banner pass">Every verdict is what the scenarios expect.</div>'
    : `<div class="banner fail">${failed.length} verdict(s) differ from what the scenarios expect: ${failed
        .map((e) => `${esc(e.scenario)}/${esc(e.variant)} gave ${esc(e.actual)}, expected ${esc(e.expected)}`)
        .join('; ')}.</div>`;
  const o = summary.options;
  const load =
    o.durationSec !== undefined || o.warmupSec !== undefined
      ? `Load overridden for every scenario: ${esc(o.warmupSec ?? 'default')} s warm-up + ${esc(o.durationSec ?? 'default')} s.`
      : 'Each scenario ran at its default load (scenario.json).';
  const header = `<span class="brand">leakbench</span><h1>bench:all</h1>
<span class="meta">run ${esc(summary.runId)} · started ${esc(summary.startedAt)} · ${esc(formatDurationMs(summary.durationMs))} · Node ${esc(summary.environment.node)} · ${esc(summary.environment.cpus)} CPUs</span>`;
  const body = `${MATRIX_STYLE}
${banner}
<h2>Matrix</h2>
<div class="card matrix-wrap"><table class="matrix">
<thead><tr><th>scenario</th><th>variant</th><th>verdict</th><th>expected</th><th>pattern</th><th class="num">bytes / request</th><th class="num">req/s</th><th class="num">p99</th><th class="num">time to verdict</th><th class="num">requests</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<p class="small muted">${load} Bytes per request: slope of after-GC heapUsed+external over requests served (with its 95% CI), or the findings' sum when the heap analysis found holders. Req/s and p99: the load generator over the measured load. Time to verdict: wall time from booting the server to its verdict. "Expected" comes from each scenario.json and is compared only after the runs; it never shapes a verdict.</p>
<h2>Heap growth, variants side by side</h2>
<div class="charts">${cards.join('\n') || '<div class="card muted">No scenario completed.</div>'}</div>
<p class="small muted">Retained memory (heapUsed + external) against requests served. Faint line: every sample; dots joined by a dashed line: samples right after a forced GC, what the verdict regresses on. A leak climbs with requests; a fix stays flat or plateaus.</p>`;
  return pageHtml(`leakbench · bench:all · ${summary.runId}`, header, body);
}
