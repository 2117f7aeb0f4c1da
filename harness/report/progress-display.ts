/**
 * Renders {@link ProgressEvent}s while a run is going: on a TTY one live status line (phase,
 * elapsed, requests/s, current heap with a small sparkline), redrawn in place, with finished phases
 * and messages scrolling above it; otherwise (a pipe, CI, `--json`) plain lines without escape
 * codes: one per phase change and at most one load line every few seconds, so logs stay short.
 * Always written to stderr by the caller; stdout stays free for `--json`.
 */
import pc from 'picocolors';
import type { ProgressEvent, RunPhase, Variant } from '../types.js';
import { formatBytes, formatDurationMs, formatRate } from './format-units.js';
import { redactSecrets } from './redact-secrets.js';
import { sparkline } from './sparkline.js';

/** Options of {@link createProgressDisplay}. */
export interface ProgressDisplayOptions {
  /** Live redrawn line with colour (true) or plain lines (false). */
  tty: boolean;
  /** Plain mode: minimum time between two load lines of one phase. Default 5 s. */
  plainTickEveryMs?: number;
  /** Live mode: minimum time between redraws. Default 100 ms. */
  redrawEveryMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** A progress sink: feed it events, close it before printing the summary. */
export interface ProgressDisplay {
  onEvent(event: ProgressEvent): void;
  /** Clears the live line (TTY) so the next output starts on a clean line. Idempotent. */
  close(): void;
}

const CLEAR_LINE = '\r\x1b[2K';
const HEAP_HISTORY = 40;

interface Current {
  variant: Variant;
  phase: RunPhase;
  label?: string;
  phaseStartMs: number;
  elapsedMs: number;
  tick?: Extract<ProgressEvent, { kind: 'tick' }>;
}

function phaseName(phase: RunPhase, label?: string): string {
  return label ? `${phase} ${label}` : phase;
}

/** Creates a progress display writing to `stream` (normally process.stderr). */
export function createProgressDisplay(stream: NodeJS.WritableStream, options: ProgressDisplayOptions): ProgressDisplay {
  const c = pc.createColors(options.tty);
  const now = options.now ?? Date.now;
  const plainEvery = options.plainTickEveryMs ?? 5000;
  const redrawEvery = options.redrawEveryMs ?? 100;
  let current: Current | undefined;
  let liveShown = false;
  let lastDraw = -Infinity;
  let lastPlainTick = -Infinity;
  let closed = false;
  const heap: number[] = [];

  const write = (text: string): void => {
    stream.write(text);
  };
  const clearLive = (): void => {
    if (liveShown) write(CLEAR_LINE);
    liveShown = false;
  };
  // A black-box server (no inspector) has no heap figures: only its RSS is shown.
  const tickText = (t: Extract<ProgressEvent, { kind: 'tick' }>): string =>
    rssOnly(t)
      ? `${formatRate(t.requestsPerSec)} req/s · rss ${formatBytes(t.rssBytes)}`
      : `${formatRate(t.requestsPerSec)} req/s · heap ${formatBytes(t.heapUsedBytes)} · ext ${formatBytes(t.externalBytes)} · rss ${formatBytes(t.rssBytes)}`;

  const drawLive = (): void => {
    if (!current) return;
    const elapsed = formatDurationMs(current.elapsedMs);
    const head = `${c.cyan('●')} ${c.bold(current.variant)} ${c.yellow(phaseName(current.phase, current.label).padEnd(17))} ${c.dim(elapsed.padStart(7))}`;
    const tail = current.tick ? `  ${tickText(current.tick)}  ${c.cyan(sparkline(heap, 20))}` : '';
    write(`${CLEAR_LINE}${head}${tail}`);
    liveShown = true;
    lastDraw = now();
  };

  const finishPhaseLine = (cur: Current, endElapsedMs: number): string => {
    const took = formatDurationMs(Math.max(0, endElapsedMs - cur.phaseStartMs));
    const load = cur.tick && (cur.phase === 'load' || cur.phase === 'warmup') ? `  ${c.dim(tickText(cur.tick))}` : '';
    return `${c.green('✓')} ${c.bold(cur.variant)} ${phaseName(cur.phase, cur.label).padEnd(17)} ${c.dim(took.padStart(7))}${load}\n`;
  };

  return {
    onEvent(event) {
      if (closed) return;
      if (event.kind === 'message') {
        const text = redactSecrets(event.text);
        const prefix = event.level === 'warn' ? c.yellow('warning: ') : '';
        if (options.tty) {
          clearLive();
          write(`${prefix}${text}\n`);
          drawLive();
        } else {
          write(`${event.level === 'warn' ? 'warning: ' : ''}${text}\n`);
        }
        return;
      }
      if (event.kind === 'phase') {
        const changedVariant = current !== undefined && current.variant !== event.variant;
        if (options.tty) {
          clearLive();
          if (current) write(finishPhaseLine(current, changedVariant ? current.elapsedMs : event.elapsedMs));
        } else {
          write(`[${event.variant}] ${phaseName(event.phase, event.label)} at ${formatDurationMs(event.elapsedMs)}\n`);
        }
        if (changedVariant) heap.length = 0;
        current = {
          variant: event.variant,
          phase: event.phase,
          ...(event.label === undefined ? {} : { label: event.label }),
          phaseStartMs: event.elapsedMs,
          elapsedMs: event.elapsedMs,
          ...(current && !changedVariant && current.tick ? { tick: current.tick } : {}),
        };
        lastPlainTick = -Infinity;
        if (options.tty && event.phase !== 'done') drawLive();
        if (event.phase === 'done') current = undefined;
        return;
      }
      // A tick.
      heap.push(rssOnly(event) ? event.rssBytes : event.heapUsedBytes + event.externalBytes);
      if (heap.length > HEAP_HISTORY) heap.shift();
      if (!current || current.variant !== event.variant) {
        current = { variant: event.variant, phase: event.phase, phaseStartMs: event.elapsedMs, elapsedMs: event.elapsedMs };
      }
      current.tick = event;
      current.elapsedMs = event.elapsedMs;
      if (options.tty) {
        if (now() - lastDraw >= redrawEvery) drawLive();
      } else if (event.elapsedMs - lastPlainTick >= plainEvery) {
        lastPlainTick = event.elapsedMs;
        write(`[${event.variant}] ${event.phase} ${formatDurationMs(event.elapsedMs)}: ${event.requests} requests, ${tickText(event)}\n`);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      if (options.tty) clearLive();
    },
  };
}

/** True for a tick with no heap figures (a black-box server): its memory is its RSS. */
function rssOnly(t: Extract<ProgressEvent, { kind: 'tick' }>): boolean {
  return t.heapUsedBytes === 0 && t.externalBytes === 0;
}
