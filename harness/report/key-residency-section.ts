/**
 * "Key material still in memory": the key-residency scan of each run (harness/analysis/
 * key-residency.ts) as terminal lines and as a report.html section. Pure; the report is redacted
 * before it gets here, and the section itself only carries counts, holder names and fingerprints.
 */
import type { KeyHolder, KeyResidency, VariantRun } from '../types.js';
import { formatBytes, formatCount } from './format-units.js';
import { esc, traceHtml, type LabelledRun } from './page-html.js';

/** Heading of the section, in the terminal and on the page. */
export const KEY_RESIDENCY_TITLE = 'Key material still in memory';

/** Painter functions (picocolors or identity). */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const PART_WORDS: Record<KeyHolder['part'], string> = {
  'whole-key': 'whole key',
  'secret-part': 'secret part only',
  'id-only': 'key id only (no secret)',
};

function pct(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.001 ? 2 : x > 0 && x < 0.1 ? 1 : 0)} %`;
}

/** `5,828 of 5,828 completed keys (100 %)` and what part. */
function headline(k: KeyResidency): string {
  if (k.keysCompleted === 0) return 'no completed request carried a key';
  if (k.residentKeys === 0) return `0 of ${formatCount(k.keysCompleted)} completed keys resident`;
  const parts = [
    k.byPart['whole-key'] > 0 ? `${formatCount(k.byPart['whole-key'])} whole` : '',
    k.byPart['secret-part'] > 0 ? `${formatCount(k.byPart['secret-part'])} secret part only` : '',
    k.byPart['id-only'] > 0 ? `${formatCount(k.byPart['id-only'])} id only` : '',
  ].filter(Boolean);
  return `${formatCount(k.secretResidentKeys)} of ${formatCount(k.keysCompleted)} completed keys (${pct(k.secretResidentShare)}) with their secret resident (${parts.join(', ')}) · ${formatBytes(k.bytes)}`;
}

function trendWords(k: KeyResidency): string {
  const middle = k.snapshots.length > 1 ? k.snapshots[0] : undefined;
  const was = middle ? ` (middle: ${formatCount(middle.secretResidentKeys)} of ${formatCount(middle.keysCompleted)})` : '';
  return k.trend === 'grows' ? `grows with requests${was}` : k.trend === 'steady' ? `does not grow${was}` : '';
}

function bufferWords(k: KeyResidency): string {
  const b = k.buffers;
  if (b.state === 'not-scanned') return `buffers not searched: ${b.reason ?? 'unknown'}`;
  return `buffers searched: ${formatCount(b.buffersScanned ?? 0)} (${formatBytes(b.bytesScanned ?? 0)}), ${formatCount(b.keysFound ?? 0)} keys found in them`;
}

function holderLine(h: KeyHolder): string {
  const middle = h.keysAtMiddle === undefined ? '' : ` (middle: ${formatCount(h.keysAtMiddle)})`;
  return `${h.holder}: ${formatCount(h.keys)} keys${middle}, ${PART_WORDS[h.part]}, as ${h.forms.join('/')} · ${formatBytes(h.bytes)}`;
}

/** Why a run that sent load has no scan (never shown as "0 resident"). */
function notSearchedWhy(run: VariantRun): string {
  if (run.verdict === 'crashed' || run.verdict === 'interrupted') return `not searched: the run ended ${run.verdict}`;
  if (run.snapshots.length === 0) return 'not searched: no heap snapshots (black-box run)';
  return 'not searched';
}

/**
 * The terminal section: a title and, per run with a scan, two to five lines (a run that sent load
 * without a scan says so). Empty when no run has one.
 */
export function keyResidencyLines(runs: readonly VariantRun[], c: Paint, indent: number): string[] {
  if (!runs.some((r) => r.keyResidency !== undefined)) return [];
  const pad = ' '.repeat(indent);
  const lines = [`  ${c.bold(KEY_RESIDENCY_TITLE)} ${c.dim('(keys of completed requests, final snapshot)')}`];
  for (const run of runs) {
    const k = run.keyResidency;
    if (k === undefined) {
      if (run.load !== undefined) lines.push(`  ${c.bold(run.variant.padEnd(indent - 2))}${c.yellow(notSearchedWhy(run))}`);
      continue;
    }
    const paint = k.secretResidentKeys > 0 ? c.red : k.residentKeys > 0 ? c.yellow : c.green;
    const trend = trendWords(k);
    lines.push(`  ${c.bold(run.variant.padEnd(indent - 2))}${paint(headline(k))}${trend ? c.dim(` · ${trend}`) : ''}`);
    for (const h of k.holders.slice(0, 3)) lines.push(`  ${pad}${c.red('↳')} ${holderLine(h)}`);
    if (k.holders.length > 3) lines.push(`  ${pad}  ${c.dim(`+${k.holders.length - 3} more holder(s) in the report`)}`);
    lines.push(`  ${pad}${c.dim(bufferWords(k))}`);
  }
  return lines;
}

/** The report.html section (empty string when no run has a scan). */
export function keyResidencySectionHtml(runs: readonly LabelledRun[]): string {
  const withScan = runs.filter((r) => r.run.keyResidency !== undefined);
  if (withScan.length === 0) return '';
  const cards = withScan.map(({ label, color, run }) => {
    const k = run.keyResidency!;
    const snaps = k.snapshots
      .map((s) => `<tr><td>${esc(s.label)}</td><td class="num">${esc(formatCount(s.keysCompleted))}</td><td class="num">${esc(formatCount(s.residentKeys))}</td><td class="num">${esc(formatCount(s.secretResidentKeys))}</td><td class="num">${esc(pct(s.share))}</td></tr>`)
      .join('');
    const holders = k.holders
      .map(
        (h) => `<div class="holder"><p><strong>${esc(h.holder)}</strong> — ${esc(formatCount(h.keys))} keys${h.keysAtMiddle === undefined ? '' : ` (middle: ${esc(formatCount(h.keysAtMiddle))})`}, ${esc(PART_WORDS[h.part])}, as ${esc(h.forms.join(', '))}, ${esc(formatBytes(h.bytes))}. Examples: <code>${esc(h.examples.join(' '))}</code></p>${traceHtml(h.path)}</div>`,
      )
      .join('\n');
    const limits = k.limits.map((l) => `<li>${esc(l)}</li>`).join('');
    return `<div class="card" data-section="key-residency"><h3><span class="swatch" style="background:${esc(color)}"></span>${esc(label)}</h3>
<p>${esc(k.summary)}.</p>
<p class="small">Keys sent: ${esc(formatCount(k.keysSent))} (${esc(k.shape)}); completed: ${esc(formatCount(k.keysCompleted))}; resident: ${esc(formatCount(k.residentKeys))} (${esc(pct(k.residentShare))}), of which secret: ${esc(formatCount(k.secretResidentKeys))} — whole key ${esc(formatCount(k.byPart['whole-key']))}, secret part only ${esc(formatCount(k.byPart['secret-part']))}, id only ${esc(formatCount(k.byPart['id-only']))}. Trend: ${esc(k.trend)}. ${esc(bufferWords(k))}.</p>
<table><thead><tr><th>snapshot</th><th class="num">keys completed</th><th class="num">resident</th><th class="num">secret resident</th><th class="num">share</th></tr></thead><tbody>${snaps}</tbody></table>
${holders}
<p class="small muted">Not looked at:</p><ul class="small muted">${limits}</ul></div>`;
  });
  return `<h2>${esc(KEY_RESIDENCY_TITLE)}</h2>
<p class="small muted">The keys leakbench minted and sent, searched in the final (and middle) heap snapshot: whole keys, their secret part (the checksum) and ids, in plain, concatenated, sliced and JSON strings, and in ArrayBuffer bytes through the inspector. Fingerprints only, never a key.</p>
${cards.join('\n')}`;
}
