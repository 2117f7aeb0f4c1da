/**
 * Terminal output of a run, as `leakbench run` calls it: the summary printed at the end and the
 * progress printer fed with the orchestrator's events. Thin wrappers that keep the signatures the
 * run command uses; the work is in format-terminal-summary.ts and progress-display.ts.
 */
import path from 'node:path';
import pc from 'picocolors';
import type { ProgressEvent, RunReport } from '../types.js';
import { formatTerminalSummary } from './format-terminal-summary.js';
import { createProgressDisplay } from './progress-display.js';
import { redactSecrets } from './redact-secrets.js';

/** Options of {@link renderSummary}. */
export interface SummaryOptions {
  /** Colour the summary (default: picocolors' detection — a TTY on stdout, no NO_COLOR). */
  color?: boolean;
}

/**
 * The compact summary: per variant its verdict, pattern, growth per request with the CI and a
 * sparkline of heapUsed+external, the top finding and the load; then crash output and where the
 * artifacts and report.html are. Redacted.
 */
export function renderSummary(report: RunReport, options: SummaryOptions = {}): string {
  const color = options.color ?? pc.isColorSupported;
  const c = pc.createColors(color);
  const firstDir = report.runs[0]?.dir;
  const htmlPath = firstDir === undefined ? undefined : path.join(path.dirname(firstDir), 'report.html');
  const out = [formatTerminalSummary(report, { color, ...(htmlPath ? { htmlPath } : {}) }).trimEnd()];
  for (const r of report.runs) {
    if (r.crash) out.push(`  ${c.magenta(r.variant)} server output: ${redactSecrets(r.crash.stderrTail.split('\n').slice(-3).join(' | '))}`);
  }
  if (firstDir !== undefined) out.push(`  ${c.dim('artifacts:')} ${redactSecrets(path.dirname(firstDir))}`);
  return `${out.join('\n')}\n`;
}

/** Options of {@link createProgressPrinter}. */
export interface ProgressPrinterOptions {
  /** On a TTY, a live redrawn status line with colour; otherwise plain lines. */
  tty: boolean;
  /** Minimum time between plain tick lines (default 5 s). */
  plainTickEveryMs?: number;
}

/**
 * Returns a function that prints progress events to `stream` (stderr). The live line is cleared
 * when a variant reaches `done`, so what is printed next starts on a clean line.
 */
export function createProgressPrinter(
  stream: NodeJS.WritableStream,
  options: ProgressPrinterOptions,
): (event: ProgressEvent) => void {
  const display = createProgressDisplay(stream, {
    tty: options.tty,
    ...(options.plainTickEveryMs === undefined ? {} : { plainTickEveryMs: options.plainTickEveryMs }),
  });
  return (event) => display.onEvent(event);
}
