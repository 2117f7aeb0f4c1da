import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { SCHEMA_VERSION } from '../types.js';
import { buildFixtureReport } from './build-fixture-report.js';
import { readRunReport, reportSchema, reportSchemaErrors } from './read-run-report.js';
import { updateReportsIndex } from './update-reports-index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'leakbench-report-'));
  dirs.push(d);
  return d;
}

describe('report.schema.json', () => {
  it('accepts a full report and carries the schema version of the types', () => {
    expect(reportSchemaErrors(buildFixtureReport())).toEqual([]);
    const props = reportSchema()['properties'] as Record<string, { const?: unknown }>;
    expect(props['schemaVersion']?.const).toBe(SCHEMA_VERSION);
  });

  it('rejects wrong shapes with readable messages', () => {
    const bad = buildFixtureReport() as unknown as { runs: Array<Record<string, unknown>> };
    bad.runs[0]!['verdict'] = 'leaking';
    delete bad.runs[1]!['samples'];
    const errors = reportSchemaErrors(bad);
    expect(errors.join('\n')).toMatch(/\/runs\/0\/verdict must be equal to one of the allowed values \(leak, no-leak/);
    expect(errors.join('\n')).toMatch(/\/runs\/1 must have required property 'samples'/);
  });

  it('allows fields added by later issues (additive changes never break old readers)', () => {
    const report = buildFixtureReport() as unknown as Record<string, unknown>;
    report['flamegraph'] = 'flame.html';
    expect(reportSchemaErrors(report)).toEqual([]);
  });
});

describe('readRunReport', () => {
  it('reads a run directory, E_FILE_NOT_FOUND for a missing one, E_REPORT_INVALID for bad JSON', () => {
    const root = tmp();
    const dir = path.join(root, 'x', 'run');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(buildFixtureReport()));
    expect(readRunReport(dir).report.runId).toBe(buildFixtureReport().runId);
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return isLeakbenchError(err) ? err.code : 'not-a-leakbench-error';
      }
      return undefined;
    };
    expect(codeOf(() => readRunReport(path.join(root, 'nope')))).toBe('E_FILE_NOT_FOUND');
    expect(codeOf(() => readRunReport(root))).toBe('E_FILE_NOT_FOUND');
    writeFileSync(path.join(dir, 'report.json'), '{"schemaVersion": 1, "tool": "leak');
    expect(codeOf(() => readRunReport(dir))).toBe('E_REPORT_INVALID');
    writeFileSync(path.join(dir, 'report.json'), '{"schemaVersion": 2}');
    expect(codeOf(() => readRunReport(dir))).toBe('E_REPORT_INVALID');
  });
});

describe('updateReportsIndex', () => {
  it('lists every run newest first with verdicts and links, and flags unreadable ones', async () => {
    const root = tmp();
    const older = buildFixtureReport({ runId: 'run-old' });
    older.startedAt = '2026-11-28T09:00:00.000Z';
    const newer = buildFixtureReport({ runId: 'run-new', scenario: 'closure-captured-buffers' });
    for (const r of [older, newer]) {
      const d = path.join(root, r.scenario, r.runId);
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, 'report.json'), JSON.stringify(r));
    }
    mkdirSync(path.join(root, 'unbounded-map', 'broken'), { recursive: true });
    writeFileSync(path.join(root, 'unbounded-map', 'broken', 'report.json'), '{}');
    const file = await updateReportsIndex(root);
    const html = readFileSync(file, 'utf8');
    expect(html.indexOf('run-new')).toBeLessThan(html.indexOf('run-old'));
    expect(html).toContain('closure-captured-buffers/run-new/report.json');
    expect(html).toContain('unreadable');
    expect(html).toContain('E_REPORT_INVALID');
    expect(html).toContain('class="badge leak"');
    expect(html).toContain('class="badge no-leak"');
  });
});
