import { describe, expect, it } from 'vitest';
import type { MemorySample, PhaseRecord } from '../types.js';
import { chartRows, renderHeapCharts } from './heap-charts.js';

const sample = (tMs: number, requests: number): MemorySample => ({
  tMs, requests, heapUsedBytes: 10e6 + requests * 100, heapTotalBytes: 20e6, externalBytes: 1e6, arrayBuffersBytes: 0, rssBytes: 60e6, afterGc: tMs % 1000 === 0,
});
const phases: PhaseRecord[] = [
  { kind: 'warmup', startMs: 0, endMs: 5000, requestsStart: 0, requestsEnd: 10_000 },
  { kind: 'load', startMs: 6000, endMs: 9000, requestsStart: 10_000, requestsEnd: 16_000 },
  { kind: 'idle', startMs: 10_000, endMs: 13_000, requestsStart: 16_000, requestsEnd: 16_000 },
];
const run = { samples: [0, 500, 1000, 5000, 9000, 10_000, 13_000].map((t) => sample(t, Math.min(16_000, t * 2))), snapshots: [], phases };

describe('heap charts: phases', () => {
  it('draws every phase but plain load as a band, on time; idle has no width on requests', () => {
    const byTime = chartRows([{ label: 'leaky', color: '#f00', run }], 'time').filter((r) => r.kind === 'phase');
    expect(new Set(byTime.map((r) => r.label))).toEqual(new Set(['warmup', 'idle']));
    expect(byTime.find((r) => r.label === 'idle')).toMatchObject({ x: 10, x2: 13 });
    const byRequests = chartRows([{ label: 'leaky', color: '#f00', run }], 'requests').filter((r) => r.kind === 'phase');
    expect(new Set(byRequests.map((r) => r.label))).toEqual(new Set(['warmup']));
  });

  it('renders with the bands', async () => {
    const { byTime } = await renderHeapCharts([{ label: 'leaky', color: '#f00', run }]);
    expect(byTime).toContain('<svg');
    expect(byTime).toContain('idle');
  });
});
