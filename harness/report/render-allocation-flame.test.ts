import { Session } from 'node:inspector/promises';
import { describe, expect, it } from 'vitest';
import { type SamplingHeapProfile, frameOrigin, layoutFlame, renderAllocationFlame, topAllocationSites } from './render-allocation-flame.js';

// A real sampling heap profile of this process: a named function keeps many objects alive.
async function realProfile(): Promise<SamplingHeapProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 512 });
    const kept: object[] = [];
    function keepRecordsForFlameTest(n: number): void {
      for (let i = 0; i < n; i++) kept.push({ id: i, owner: `owner-${i}`, scopes: ['read:data'] });
    }
    keepRecordsForFlameTest(40_000);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    expect(kept.length).toBe(40_000);
    return profile as unknown as SamplingHeapProfile;
  } finally {
    session.disconnect();
  }
}

describe('allocation flame graph', () => {
  it('lays out frames within their parents and finds the allocating function', async () => {
    const profile = await realProfile();
    const { frames, totalBytes } = layoutFlame(profile);
    expect(totalBytes).toBeGreaterThan(1e6);
    expect(frames[0]!.depth).toBe(0);
    expect(frames[0]!.x1 - frames[0]!.x0).toBe(totalBytes);
    for (const f of frames) {
      expect(f.x0).toBeGreaterThanOrEqual(0);
      expect(f.x1).toBeLessThanOrEqual(totalBytes + 1e-6);
    }
    const top = topAllocationSites(profile);
    expect(top.map((s) => s.name)).toContain('keepRecordsForFlameTest');
    expect(frames.some((f) => f.name === 'keepRecordsForFlameTest' && f.origin === 'app')).toBe(true);
    const svg = await renderAllocationFlame(profile, 'f');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('keepRecordsForFlameTest');
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(3);
  });

  it('classifies frames by where their code lives', () => {
    expect(frameOrigin('node:internal/buffer')).toBe('node');
    expect(frameOrigin('')).toBe('node');
    expect(frameOrigin('file:///app/node_modules/fastify/lib/route.js')).toBe('dependency');
    expect(frameOrigin('file:///app/dist/scenarios/unbounded-map/leaky.js')).toBe('app');
  });

  it('draws nothing for an empty profile', async () => {
    const empty: SamplingHeapProfile = { head: { callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, selfSize: 0, children: [] } };
    expect(await renderAllocationFlame(empty, 'e')).toBe('');
  });
});
