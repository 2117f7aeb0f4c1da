/**
 * The per-endpoint table (`--per-endpoint`): endpoint → requests in its window, retained bytes per
 * request, and the holders that grew while only that endpoint was under load. As text for the
 * terminal and as HTML for report.html. Pure: rows in, text out.
 */
import type { EndpointGrowth } from '../types.js';
import { formatBytesPerRequest, formatCount } from './format-units.js';
import { esc } from './page-html.js';

/** Table lines (no trailing newline), `indent` before each. `paint` marks a growing endpoint. */
export function endpointTableLines(rows: readonly EndpointGrowth[], indent: string, paint: (text: string) => string = (t) => t): string[] {
  const nameWidth = Math.max(8, ...rows.map((r) => r.endpoint.length));
  const lines = [`${indent}${'endpoint'.padEnd(nameWidth)}  ${'requests'.padStart(8)}  ${'growth'.padStart(12)}  holders that grew`];
  for (const r of rows) {
    const growth = r.verdict === 'errored' ? 'errored' : r.holders.length > 0 ? formatBytesPerRequest(r.bytesPerRequest) : '–';
    const holders = r.verdict === 'errored' ? (r.reason ?? '') : r.holders.map((h) => `${h.holder} ${formatBytesPerRequest(h.bytesPerRequest)}`).join('; ');
    const line = `${indent}${r.endpoint.padEnd(nameWidth)}  ${formatCount(r.requests).padStart(8)}  ${growth.padStart(12)}  ${holders}`.trimEnd();
    lines.push(r.holders.length > 0 ? paint(line) : line);
  }
  return lines;
}

/** The table as an HTML card. */
export function endpointTableHtml(label: string, rows: readonly EndpointGrowth[]): string {
  const body = rows
    .map((r) => {
      const growth = r.verdict === 'errored' ? 'errored' : r.holders.length > 0 ? formatBytesPerRequest(r.bytesPerRequest) : '–';
      const holders = r.verdict === 'errored' ? esc(r.reason ?? '') : r.holders.map((h) => `<code>${esc(h.holder)}</code> ${esc(formatBytesPerRequest(h.bytesPerRequest))} <span class="muted">${esc(h.pattern)}</span>`).join('<br>');
      return `<tr${r.holders.length > 0 ? ' class="grew"' : ''}><td><code>${esc(r.endpoint)}</code></td><td class="num">${esc(formatCount(r.requests))}</td><td class="num">${esc(growth)}</td><td>${holders}</td></tr>`;
    })
    .join('\n');
  return `<div class="card" data-section="endpoints"><h3>${esc(label)}</h3>
<table><thead><tr><th>endpoint</th><th class="num">requests</th><th class="num">retained / request</th><th>holders that grew while it was under load</th></tr></thead><tbody>
${body}
</tbody></table>
<p class="small muted">Each endpoint had its own window of load (two segments between three heap snapshots) after a warm-up of the whole workload; a holder is listed when it grew at both steps of that window.</p></div>`;
}
