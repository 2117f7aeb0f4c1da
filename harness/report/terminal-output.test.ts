import { describe, expect, it } from 'vitest';
import { mintKey } from '../../scenarios/kit/api-key.js';
import type { ProgressEvent } from '../types.js';
import { buildFixtureReport } from './build-fixture-report.js';
import { formatTerminalSummary } from './format-terminal-summary.js';
import { createProgressDisplay } from './progress-display.js';
import { containsKeyLike } from './redact-secrets.js';
import { sparkline } from './sparkline.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  let out = '';
  const stream = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  return { stream, text: () => out };
}

describe('sparkline', () => {
  it('climbs for growth, stays low for flat data, resamples to the width', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
    expect(sparkline(Array.from({ length: 100 }, (_, i) => i), 10)).toHaveLength(10);
    expect(sparkline([])).toBe('');
  });
});

describe('formatTerminalSummary', () => {
  it('says when the growth goes on with no requests (driven by time)', () => {
    const report = buildFixtureReport({});
    report.runs[0]!.idleGrowth = {
      bytesPerSecond: 25_000, ciLowBytesPerSecond: 21_000, ciHighBytesPerSecond: 29_000, samples: 5, durationMs: 5_000,
      loadBytesPerSecond: 26_000, drivenByTime: true, reason: 'driven by time',
    };
    const text = formatTerminalSummary(report, { color: false });
    expect(text).toMatch(/driven by time: 25\.0 kB\/s with no requests/);
    report.runs[0]!.idleGrowth.drivenByTime = false;
    expect(formatTerminalSummary(report, { color: false })).not.toMatch(/driven by time/);
  });

  it('prints verdicts, growth, the top finding and a sparkline, redacted, plain without colour', () => {
    const key = mintKey('s');
    const report = buildFixtureReport({ plantedKey: key });
    report.runs[0]!.findings[0]!.holder = `Map keyed by ${key}`;
    const text = formatTerminalSummary(report, { color: false });
    expect(text).not.toMatch(ANSI);
    expect(text).toMatch(/leaky\s+leak\s+unbounded-map\s+\+624 B\/req/);
    expect(text).toMatch(/fixed\s+no-leak\s+none/);
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]{10,}/);
    expect(text).toContain('p99');
    // The key-residency section: counts, holders, fingerprints; never the key or its checksum.
    expect(text).toContain('Key material still in memory');
    expect(text).toMatch(/leaky\s+47,?\d+ of 47,?\d+ completed keys \(100 %\) with their secret resident/);
    expect(text).toMatch(/fixed\s+0 of [\d,]+ completed keys resident/);
    expect(text).not.toContain(key.slice(-12));
    expect(text).not.toContain(key);
    expect(containsKeyLike(text)).toBe(false);
    expect(formatTerminalSummary(report, { color: true })).toMatch(ANSI);
  });

  it('a black-box run (no heap figures) draws and ranges its RSS', () => {
    const report = buildFixtureReport({});
    const run = report.runs[0]!;
    run.samples = run.samples.map((s, i) => ({ ...s, heapUsedBytes: 0, externalBytes: 0, afterGc: false, rssBytes: 70e6 + i * 1e6 }));
    const line = formatTerminalSummary(report, { color: false }).split('\n').find((l) => l.includes('leaky'))!;
    expect(line).toContain(`70.0 MB→${(70 + run.samples.length - 1).toFixed(0)}`);
    expect(line).toMatch(/MB RSS/);
    expect(line).not.toContain('0 B→0 B');
  });
});

describe('createProgressDisplay', () => {
  const events: ProgressEvent[] = [
    { kind: 'phase', variant: 'leaky', phase: 'boot', elapsedMs: 0 },
    { kind: 'phase', variant: 'leaky', phase: 'warmup', elapsedMs: 300 },
    ...Array.from({ length: 30 }, (_, i): ProgressEvent => ({
      kind: 'tick', variant: 'leaky', phase: 'load', elapsedMs: 500 + i * 500, requests: i * 1000,
      requestsPerSec: 2000, heapUsedBytes: 12e6 + i * 3e5, externalBytes: 1.9e6, rssBytes: 70e6,
    })),
    { kind: 'message', level: 'warn', text: `server logged ${mintKey('s')}` },
    { kind: 'phase', variant: 'leaky', phase: 'snapshot', label: 'final', elapsedMs: 15_600 },
    { kind: 'phase', variant: 'leaky', phase: 'done', elapsedMs: 17_000 },
  ];

  it('writes plain lines without escape codes when not a TTY, throttling load lines', () => {
    const out = sink();
    const display = createProgressDisplay(out.stream, { tty: false });
    for (const e of events) display.onEvent(e);
    display.close();
    const text = out.text();
    expect(text).not.toMatch(ANSI);
    expect(text).toContain('[leaky] warmup at 300 ms');
    expect(text).toContain('[leaky] snapshot final');
    const loadLines = text.split('\n').filter((l) => l.includes('req/s'));
    expect(loadLines.length).toBeGreaterThan(1);
    expect(loadLines.length).toBeLessThanOrEqual(4); // 15 s of ticks, one line per 5 s
    expect(containsKeyLike(text)).toBe(false);
  });

  it('redraws one live line on a TTY and clears it on close', () => {
    const out = sink();
    let t = 0;
    const display = createProgressDisplay(out.stream, { tty: true, now: () => (t += 1000) });
    for (const e of events) display.onEvent(e);
    display.close();
    const text = out.text();
    expect(text).toContain('\r\x1b[2K');
    expect(text).toMatch(/heap \d/);
    expect(text).toContain('✓');
    expect(containsKeyLike(text)).toBe(false);
  });

  it('a black-box tick (no heap figures) shows only the RSS', () => {
    const out = sink();
    const display = createProgressDisplay(out.stream, { tty: false });
    display.onEvent({ kind: 'phase', variant: 'custom', phase: 'load', elapsedMs: 0 });
    display.onEvent({ kind: 'tick', variant: 'custom', phase: 'load', elapsedMs: 500, requests: 100, requestsPerSec: 200, heapUsedBytes: 0, externalBytes: 0, rssBytes: 77e6 });
    display.close();
    expect(out.text()).toMatch(/200 req\/s · rss 77\.0 MB/);
    expect(out.text()).not.toContain('heap 0 B');
  });
});
