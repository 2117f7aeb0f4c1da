import { describe, expect, test } from 'vitest';
import type { AnalysisResult } from '../analysis/types.js';
import type { SnapshotEvidence } from '../analysis/decide-verdict.js';
import { endpointTableLines } from '../report/endpoint-table.js';
import type { Finding } from '../types.js';
import { analyzeEndpointWindows, endpointRow, endpointSegmentMs, endpointWindow, mergeEndpointEvidence } from './per-endpoint.js';

const finding = (holder: string, bytesPerRequest: number): Finding => ({
  pattern: 'unbounded-map',
  mechanism: 'keyed-collection',
  confidence: 'high',
  holder,
  path: [],
  growth: { counts: [0, 1, 2], retainedBytes: [0, 1, 2] },
  bytesPerRequest,
  accumulates: [],
  explanation: '',
  fix: '',
});

const analyzed = (verdict: AnalysisResult['verdict'], findings: Finding[]): SnapshotEvidence => ({
  state: 'analyzed',
  result: {
    schemaVersion: 1,
    verdict,
    reason: `${verdict} here`,
    pattern: findings[0]?.pattern ?? 'none',
    findings,
    bytesPerRequest: findings.reduce((s, f) => s + (f.bytesPerRequest ?? 0), 0),
    snapshots: [],
    dismissed: [],
    timingsMs: {},
  },
});

describe('per-endpoint windows', () => {
  test('each endpoint: two segments of the duration share, at least 1 s; three consecutive snapshots', () => {
    expect(endpointSegmentMs(20, 5)).toBe(2000);
    expect(endpointSegmentMs(20, 40)).toBe(1000);
    expect(endpointWindow(0)).toEqual([0, 1, 2]);
    expect(endpointWindow(3)).toEqual([6, 7, 8]);
  });

  test('rows: holders of a leaking window, nothing for a clean one, errored with its reason', () => {
    expect(endpointRow('put', 500, analyzed('leak', [finding('Array history', 291.96)]))).toEqual({
      endpoint: 'put', requests: 500, verdict: 'leak', bytesPerRequest: 292, holders: [{ holder: 'Array history', pattern: 'unbounded-map', bytesPerRequest: 292 }],
    });
    expect(endpointRow('get', 900, analyzed('no-leak', []))).toMatchObject({ verdict: 'no-leak', holders: [], bytesPerRequest: 0 });
    expect(endpointRow('del', 0, { state: 'errored', error: { code: 'E_LOAD', message: 'no response' } })).toMatchObject({ verdict: 'errored', reason: 'no response' });
  });

  test('the run evidence: union of the leaking windows, the largest first, each holder once', () => {
    const merged = mergeEndpointEvidence([
      { endpoint: 'a', evidence: analyzed('no-leak', []) },
      { endpoint: 'b', evidence: analyzed('leak', [finding('Map m', 50)]) },
      { endpoint: 'c', evidence: analyzed('leak', [finding('Array x', 300), finding('Map m', 20)]) },
    ]);
    expect(merged.state).toBe('analyzed');
    if (merged.state !== 'analyzed') return;
    expect(merged.result.verdict).toBe('leak');
    expect(merged.result.findings.map((f) => f.holder)).toEqual(['Array x', 'Map m']);
    expect(merged.result.reason).toMatch(/^Per endpoint, memory accumulated while c, b were under load\. c: /);
    const clean = mergeEndpointEvidence([{ endpoint: 'a', evidence: analyzed('no-leak', []) }, { endpoint: 'b', evidence: analyzed('inconclusive', []) }]);
    expect(clean.state === 'analyzed' && clean.result.verdict).toBe('inconclusive');
  });

  test('each window analysed on its own three snapshots; a window without responses is not analysed', async () => {
    const source = { next: () => ({ method: 'GET', path: '/', headers: {} }) };
    const asked: number[][] = [];
    const seen: string[] = [];
    const { evidence, endpoints } = await analyzeEndpointWindows(
      [{ endpoint: 'GET /a', source }, { endpoint: 'GET /b', source }, { endpoint: 'PUT /c', source }],
      [100, 0, 80],
      async (at) => {
        asked.push(at);
        return at[0] === 4 ? analyzed('leak', [finding('Map c', 120)]) : analyzed('no-leak', []);
      },
      (e) => seen.push(e),
    );
    expect(asked).toEqual([[0, 1, 2], [4, 5, 6]]);
    expect(seen).toEqual(['GET /a', 'GET /b', 'PUT /c']);
    expect(endpoints.map((r) => [r.endpoint, r.verdict, r.holders.map((h) => h.holder)])).toEqual([
      ['GET /a', 'no-leak', []],
      ['GET /b', 'errored', []],
      ['PUT /c', 'leak', ['Map c']],
    ]);
    expect(evidence.state === 'analyzed' && evidence.result.verdict).toBe('leak');
  });

  test('the terminal table lists every endpoint, growth only where a holder grew', () => {
    const lines = endpointTableLines(
      [endpointRow('listUsers', 1041, analyzed('no-leak', [])), endpointRow('updatePreferences', 534, analyzed('leak', [finding('Array preferenceHistory', 292)]))],
      '  ',
    );
    expect(lines).toEqual([
      '  endpoint           requests        growth  holders that grew',
      '  listUsers             1,041             –',
      '  updatePreferences       534    +292 B/req  Array preferenceHistory +292 B/req',
    ]);
  });
});
