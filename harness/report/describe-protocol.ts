/**
 * The run protocol in words, one short line per fact: how and when the run decided, what drives
 * the growth, heap id resets, the self-check. The terminal summary and report.html show the same
 * lines. Pure: a run in, plain text out.
 */
import type { VariantRun } from '../types.js';
import { formatBytes, formatDurationMs } from './format-units.js';

/** The protocol lines of one run (empty for a run without the protocol's fields). */
export function protocolLines(run: VariantRun): string[] {
  const lines: string[] = [];
  if (run.decidedBy) {
    const load = (run.phases ?? []).filter((p) => p.kind === 'load' || p.kind === 'extend').reduce((ms, p) => ms + p.endMs - p.startMs, 0);
    const ttv = run.timeToVerdictMs !== undefined ? `, time to verdict ${formatDurationMs(run.timeToVerdictMs)}` : '';
    lines.push(`decided ${run.decidedBy.how} after ${formatDurationMs(load)} of load${ttv}: ${run.decidedBy.why}`);
  }
  // Driven by time has its own line with the idle figures (idleGrowth).
  if (run.drivenBy && run.drivenBy !== 'time') {
    const what = { requests: 'every request (it kept growing with 16 repeated keys)', 'distinct-keys': 'distinct keys (it stopped growing when 16 keys repeated)', time: 'time (it kept growing with no requests)' }[run.drivenBy];
    lines.push(`growth driven by ${what}`);
  }
  if (run.idWipes && run.idWipes.length > 0) {
    const where = run.idWipes.map((w) => `before ${w.beforeSnapshot} at ${formatDurationMs(w.tMs)}`).join(', ');
    lines.push(`heap ids reset ${run.idWipes.length}× (${where}): no diff crosses a reset`);
  }
  if (run.selfCheck) {
    const s = run.selfCheck;
    const found = s.foundBytesPerRequest !== undefined ? `, measured ${formatBytes(s.foundBytesPerRequest)}/request served` : '';
    lines.push(`self-check ${s.state} (planted ${formatBytes(s.plantedBytesPerRequest)}/request served${found}): ${s.reason}`);
  }
  return lines;
}
