/**
 * Plain terminal output of a run: the verdict table printed at the end, and a progress printer for
 * the events the orchestrator emits. Deliberately minimal (no colours, no live redraw beyond one
 * status line); the report renderer extends it while keeping these signatures.
 */
import type { ProgressEvent, RunReport } from '../types.js';
import { formatBytes, formatBytesPerRequest, formatCount, formatDurationMs, formatRate } from './format-units.js';
import { redactSecrets } from './redact-secrets.js';

/** The verdict table, one row per variant, then each run's reason and artifact folder. */
export function renderSummary(report: RunReport): string {
  const header = ['variant', 'verdict', 'pattern', 'growth', '95% CI', 'requests', 'req/s', 'p99'];
  const rows = report.runs.map((r) => [
    r.variant,
    r.verdict,
    r.pattern,
    r.statistic ? formatBytesPerRequest(r.statistic.bytesPerRequest) : '–',
    r.statistic
      ? `${r.statistic.ciLowBytesPerRequest.toFixed(1)} … ${r.statistic.ciHighBytesPerRequest.toFixed(1)}`
      : '–',
    formatCount(r.requests),
    r.load ? formatRate(r.load.requestsPerSec) : '–',
    r.load ? `${r.load.latencyP99Ms.toFixed(1)} ms` : '–',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [
    `leakbench ${report.scenario} · run ${report.runId}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ];
  for (const r of report.runs) {
    out.push(`${r.variant}: ${redactSecrets(r.reason)}`);
    if (r.snapshots.length > 0) {
      out.push(`  snapshots: ${r.snapshots.map((s) => `${s.label} ${formatBytes(s.sizeBytes)} (${formatDurationMs(s.durationMs)})`).join(', ')}`);
    }
    if (r.crash) out.push(`  server output: ${redactSecrets(r.crash.stderrTail.split('\n').slice(-3).join(' | '))}`);
    out.push(`  artifacts: ${r.dir}`);
  }
  return `${out.join('\n')}\n`;
}

/** Options of {@link createProgressPrinter}. */
export interface ProgressPrinterOptions {
  /** On a TTY, ticks redraw one status line; otherwise a plain line every `plainTickEveryMs`. */
  tty: boolean;
  /** Minimum time between plain tick lines (default 5 s). */
  plainTickEveryMs?: number;
}

/** Returns a function that prints progress events to `stream` (stderr with `--json`). */
export function createProgressPrinter(
  stream: NodeJS.WritableStream,
  options: ProgressPrinterOptions,
): (event: ProgressEvent) => void {
  const plainEvery = options.plainTickEveryMs ?? 5000;
  let lastPlainTick = -Infinity;
  let statusShown = false;
  const clearStatus = (): void => {
    if (statusShown) {
      stream.write('\r\x1b[2K');
      statusShown = false;
    }
  };
  return (event) => {
    switch (event.kind) {
      case 'phase': {
        clearStatus();
        const what = event.phase === 'snapshot' ? `snapshot ${event.label ?? ''}`.trim() : event.phase;
        stream.write(`[${event.variant}] ${formatDurationMs(event.elapsedMs).padStart(7)}  ${what}\n`);
        lastPlainTick = event.elapsedMs;
        return;
      }
      case 'tick': {
        const text =
          `[${event.variant}] ${formatDurationMs(event.elapsedMs).padStart(7)}  ${event.phase}  ` +
          `${formatCount(event.requests)} req  ${formatRate(event.requestsPerSec)} req/s  ` +
          `heap ${formatBytes(event.heapUsedBytes)}  external ${formatBytes(event.externalBytes)}  rss ${formatBytes(event.rssBytes)}`;
        if (options.tty) {
          stream.write(`\r\x1b[2K${text}`);
          statusShown = true;
        } else if (event.elapsedMs - lastPlainTick >= plainEvery) {
          stream.write(`${text}\n`);
          lastPlainTick = event.elapsedMs;
        }
        return;
      }
      case 'message':
        clearStatus();
        stream.write(`${event.level === 'warn' ? 'warning: ' : ''}${event.text}\n`);
        return;
    }
  };
}
