import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { keySecret } from '../../scenarios/kit/api-key.js';
import { startServer } from '../server/start-server.js';
import { LoadDriver } from './load-driver.js';
import { createRequestMix } from './request-mix.js';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'test-fixtures', 'tiny-server.mjs');

describe('LoadDriver against a real server', () => {
  test('steady rate over two segments: live counter, status classes, latency percentiles', async () => {
    const server = await startServer({ entry: TINY, inspect: false });
    onTestFinished(() => server.kill().then(() => undefined));
    const load = new LoadDriver({
      baseUrl: server.baseUrl,
      connections: 5,
      rate: 500,
      nextRequest: createRequestMix({ keys: { kind: 'unique' }, invalidRatio: 0.3, postRatio: 0.2, secret: keySecret() }),
    });
    // Read the counter while the segment runs (every 50 ms, as the memory sampler would): on a busy
    // machine the first answers can take most of a fixed midpoint to arrive.
    const seen: number[] = [];
    const timer = setInterval(() => seen.push(load.requests), 50);
    const first = await load.runSegment(1200);
    clearInterval(timer);
    const seenMidway = Math.max(0, ...seen.filter((n) => n < first.requests));
    const second = await load.runSegment(800);
    const summary = load.summary(123);

    // The counter moves while a segment runs (the memory sampler reads it live).
    expect(seenMidway).toBeGreaterThan(0);
    expect(seenMidway).toBeLessThan(first.requests);
    expect(summary.requests).toBe(first.requests + second.requests);
    // 500 req/s for ~2 s; autocannon paces per second per connection, so allow slack both ways.
    expect(summary.requests).toBeGreaterThan(500);
    expect(summary.requests).toBeLessThan(1600);
    // The tiny server answers 400 only for a missing key: ~10% of requests here.
    const s4 = summary.statusCounts['4xx'] ?? 0;
    const s2 = summary.statusCounts['2xx'] ?? 0;
    expect(s2 + s4).toBe(summary.requests);
    expect(s4 / summary.requests).toBeGreaterThan(0.03);
    expect(s4 / summary.requests).toBeLessThan(0.2);
    expect(summary.latencyP50Ms).toBeGreaterThan(0);
    expect(summary.latencyP99Ms).toBeGreaterThanOrEqual(summary.latencyP50Ms);
    expect(summary.snapshotPauseMs).toBe(123);
    expect(summary.errors).toBe(0);
  });

  test('an abort stops a segment early', async () => {
    const server = await startServer({ entry: TINY, inspect: false });
    onTestFinished(() => server.kill().then(() => undefined));
    const load = new LoadDriver({
      baseUrl: server.baseUrl,
      connections: 2,
      rate: 'max',
      nextRequest: createRequestMix({ keys: { kind: 'pool', size: 3 }, invalidRatio: 0, postRatio: 0, secret: keySecret() }),
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const seg = await load.runSegment(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(seg.requests).toBeGreaterThan(0);
  });
});
