/**
 * The compact summary printed after a run: one line per variant (verdict, pattern, growth per
 * request with its CI, heap sparkline), the top finding of each leaking variant, and a load line.
 * Colour through picocolors only when asked (a TTY without NO_COLOR); everything is redacted.
 */
import pc from 'picocolors';
import type { RunReport, Verdict } from '../types.js';
import { endpointTableLines } from './endpoint-table.js';
import { formatBytes, formatBytesPerRequest, formatCount, formatDurationMs, formatRate } from './format-units.js';
import { protocolLines } from './describe-protocol.js';
import { keyResidencyLines } from './key-residency-section.js';
import { redactDeep } from './redact-secrets.js';
import { sparkline } from './sparkline.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Options of {@link formatTerminalSummary}. */
export interface TerminalSummaryOptions {
  color: boolean;
  /** Width of the heap sparkline, characters. */
  sparklineWidth?: number;
  /** Where report.html was written, shown as the last line. */
  htmlPath?: string;
}

function paintVerdict(c: Colors, verdict: Verdict, text: string): string {
  switch (verdict) {
    case 'leak':
      return c.bold(c.red(text));
    case 'no-leak':
      return c.bold(c.green(text));
    case 'inconclusive':
      return c.bold(c.yellow(text));
    default:
      return c.bold(c.magenta(text));
  }
}

/** The summary as text (lines end with `\n`). */
export function formatTerminalSummary(input: RunReport, options: TerminalSummaryOptions): string {
  const report = redactDeep(input);
  const c = pc.createColors(options.color);
  const width = options.sparklineWidth ?? 24;
  const lines: string[] = [];
  lines.push(`${c.bold('leakbench')} ${c.cyan(report.scenario)} ${c.dim(report.runId)}`);
  const variantWidth = Math.max(7, ...report.runs.map((r) => r.variant.length));
  const verdictWidth = Math.max(...report.runs.map((r) => r.verdict.length), 7);
  const patternWidth = Math.max(...report.runs.map((r) => r.pattern.length), 7);
  for (const run of report.runs) {
    // Retained memory tells the story; between GCs the line is mostly garbage. Use the after-GC
    // samples when there are enough of them to draw a shape. A black-box run has no heap figures
    // (no inspector): its line is the RSS of the process tree.
    const rssOnly = run.samples.length > 0 && run.samples.every((s) => s.heapUsedBytes === 0 && s.externalBytes === 0);
    const figure = (s: (typeof run.samples)[number]): number => (rssOnly ? s.rssBytes : s.heapUsedBytes + s.externalBytes);
    const afterGc = run.samples.filter((s) => s.afterGc);
    const shown = !rssOnly && afterGc.length >= 3 ? afterGc : run.samples;
    const first = shown[0];
    const last = shown[shown.length - 1];
    const spark = sparkline(shown.map(figure), width);
    const range =
      first && last
        ? `${formatBytes(figure(first))}→${formatBytes(figure(last))}${rssOnly ? ' RSS' : shown === afterGc ? ' after GC' : ''}`
        : '';
    const st = run.statistic;
    // A run that stopped before any statistic has no growth figure; its 0 is a placeholder.
    const measured = st !== undefined || run.findings.length > 0 || (run.verdict !== 'interrupted' && run.verdict !== 'crashed');
    // The headline rate comes from the snapshot finding when there is one; the bracket is the
    // growth trend's own estimate, so it is labelled as such instead of looking like a CI of the headline.
    const ci = st
      ? c.dim(
          ` [trend ${formatBytesPerRequest(st.bytesPerRequest)}, 95% CI ${formatBytesPerRequest(st.ciLowBytesPerRequest)} … ${formatBytesPerRequest(st.ciHighBytesPerRequest)}]`,
        )
      : '';
    const sparkColored = run.verdict === 'leak' ? c.red(spark) : run.verdict === 'no-leak' ? c.green(spark) : c.yellow(spark);
    lines.push(
      `  ${c.bold(run.variant.padEnd(variantWidth))}  ${paintVerdict(c, run.verdict, run.verdict.padEnd(verdictWidth))}  ` +
        `${run.pattern.padEnd(patternWidth)}  ${(measured ? formatBytesPerRequest(run.bytesPerRequest) : '–').padStart(14)}${ci}  ` +
        `${sparkColored} ${c.dim(range)}`,
    );
    const top = run.findings[0];
    if (top) {
      const per = top.bytesPerRequest === undefined ? '' : ` ${formatBytesPerRequest(top.bytesPerRequest)}`;
      const what = top.accumulates[0] ? `, accumulates ${top.accumulates[0].name} ×${formatCount(top.accumulates[0].count)}` : '';
      lines.push(`  ${' '.repeat(variantWidth)}  ${c.red('↳')} ${c.bold(top.holder)}${per}${what}`);
      // Mechanism and whose code (a dependency's leak says so first, as LeakCanary's library leaks).
      const mechanism = top.mechanism === undefined ? '' : top.mechanism.replace(/-/g, ' ');
      const owner = top.owner === undefined || top.owner.kind === 'unknown' ? '' : `${top.owner.kind === 'dependency' ? 'inside ' : ''}${top.owner.label}`;
      if (mechanism !== '' || owner !== '') {
        lines.push(`  ${' '.repeat(variantWidth)}    ${c.dim('mechanism')} ${mechanism}${owner === '' ? '' : `  ${c.dim('owner')} ${owner}`}`);
      }
      // "Allocated at": the top sites of what the finding accumulates (Finding.allocatedAt).
      const sites = Array.isArray(top.allocatedAt) ? top.allocatedAt.slice(0, 2) : [];
      for (const [i, s] of sites.entries()) {
        const how = i === 0 ? `allocated at${top.allocationMethod === 'sampling' ? ' (sampled)' : ''}` : '            ';
        lines.push(
          `  ${' '.repeat(variantWidth)}    ${c.dim(how)} ${c.bold(`${s.file}:${s.line}${s.column ? `:${s.column}` : ''}`)} ${s.functionName} ${c.dim(`${(s.share * 100).toFixed(0)}%`)}`,
        );
      }
      if (run.findings.length > 1) lines.push(`  ${' '.repeat(variantWidth)}    ${c.dim(`+${run.findings.length - 1} more finding(s) in the report`)}`);
    }
    if (run.endpoints && run.endpoints.length > 0) lines.push(...endpointTableLines(run.endpoints, `  ${' '.repeat(variantWidth)}  `, (t) => c.red(t)));
    if (run.verdict !== 'leak' && run.verdict !== 'no-leak') lines.push(`  ${' '.repeat(variantWidth)}  ${c.dim(run.reason)}`);
    for (const line of protocolLines(run)) lines.push(`  ${' '.repeat(variantWidth)}  ${c.dim(line)}`);
    if (run.native) {
      // `--native`: other growing sites, bounded ones, and what the tool could not see.
      const pad = `  ${' '.repeat(variantWidth)}    `;
      const where = (g: { frame: { file: string; line: number; module: string } }): string => (g.frame.file ? `${g.frame.file}:${g.frame.line}` : g.frame.module);
      const more = run.native.growing.slice(1, 4).map((g) => `${where(g)} ${formatBytesPerRequest(g.bytesPerRequest)}`);
      if (more.length) lines.push(`${pad}${c.dim('also grows:')} ${more.join(' · ')}`);
      const bounded = run.native.bounded.slice(0, 3).map(where);
      if (bounded.length) lines.push(`${pad}${c.dim(`bounded (grew, then stopped): ${bounded.join(' · ')}`)}`);
      if (run.verdict === 'leak' || run.verdict === 'no-leak') for (const u of run.native.unseen) lines.push(`${pad}${c.yellow('could not see:')} ${u}`);
    }
    if (run.idleGrowth?.drivenByTime) {
      const g = run.idleGrowth;
      lines.push(
        `  ${' '.repeat(variantWidth)}  ${c.red('↳')} ${c.bold('driven by time')}: ${formatBytes(g.bytesPerSecond)}/s with no requests ` +
          c.dim(`(${formatDurationMs(g.durationMs)} idle, 95% CI ${formatBytes(g.ciLowBytesPerSecond)}/s … ${formatBytes(g.ciHighBytesPerSecond)}/s)`),
      );
    }
    if (run.load) {
      const l = run.load;
      const errs = l.errors + l.timeouts > 0 ? c.yellow(`${formatCount(l.errors)} errors, ${formatCount(l.timeouts)} timeouts`) : '0 errors';
      lines.push(
        `  ${' '.repeat(variantWidth)}  ${c.dim(`${formatCount(l.requests)} req · ${formatRate(l.requestsPerSec)} req/s · p50 ${l.latencyP50Ms.toFixed(1)} ms · p99 ${l.latencyP99Ms.toFixed(1)} ms · `)}${errs}${c.dim(` · snapshots paused ${formatDurationMs(l.snapshotPauseMs)}`)}`,
      );
    }
  }
  lines.push(...keyResidencyLines(report.runs, c, variantWidth + 4));
  if (options.htmlPath) lines.push(`  ${c.dim('report:')} ${c.underline(options.htmlPath)}`);
  return `${lines.join('\n')}\n`;
}
