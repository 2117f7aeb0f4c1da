/**
 * Workshop exercise files and hints, without servers: the exercise is the leaky variant's code,
 * line for line, minus what spoils it; every scenario has three hints; the check's terminal text
 * says pass/fail with the finding and the hint level asked for.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../catalog.js';
import { PACKAGE_ROOT } from '../paths.js';
import { buildFixtureReport } from '../report/build-fixture-report.js';
import type { CheckResult } from './check-exercise.js';
import { kitImportPrefix, toExerciseSource, workshopLayout, WORKSHOP_DIR, WORKSHOP_BUILD_DIR } from './exercise-files.js';
import { formatCheckResult } from './format-check.js';
import { readHints } from './hints.js';

/** Code lines of a source: no comments, no blank lines, kit imports normalized. */
function codeLines(source: string): string[] {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((l) => !/^\s*\/\//.test(l) && l.trim() !== '')
    .map((l) => l.replace(/(['"])[./]*(scenarios\/)?kit\//, '$1kit/'));
}

describe('exercise files', () => {
  const scenarios = listScenarios();

  it('the default workshop compiles apart from the project (dist/workshop-build)', () => {
    expect(workshopLayout()).toEqual({ dir: WORKSHOP_DIR, buildDir: WORKSHOP_BUILD_DIR });
    expect(kitImportPrefix(WORKSHOP_DIR)).toBe('../scenarios/kit');
    expect(() => workshopLayout('/tmp')).toThrow(/inside/);
    // The project build must never see a participant's file.
    const tsconfig = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'tsconfig.json'), 'utf8')) as { exclude: string[] };
    expect(tsconfig.exclude).toContain('workshop');
  });

  for (const scenario of scenarios) {
    it(`${scenario.name}: same code as leaky.ts, no spoilers, kit imports from the workshop folder`, () => {
      const leaky = readFileSync(scenario.sources.leaky, 'utf8');
      const exercise = toExerciseSource(leaky, scenario, '../scenarios/kit');
      expect(codeLines(exercise)).toEqual(codeLines(leaky));
      expect(exercise).not.toMatch(/\/\/\s*LEAK/);
      expect(exercise).not.toMatch(/from '\.\.\/kit\//);
      expect(exercise).toContain(`npx leakbench check ${scenario.name}`);
      // The original's file comment (which explains the leak) is gone.
      const firstComment = /^\s*\/\*\*([\s\S]*?)\*\//.exec(leaky)?.[1];
      if (firstComment) expect(exercise).not.toContain(firstComment.trim().split('\n')[0]!.trim());
    });

    it(`${scenario.name}: three hints, weakest first`, () => {
      const hints = readHints(scenario.name);
      expect(hints).toHaveLength(3);
      for (const h of hints) expect(h.length).toBeGreaterThan(40);
    });
  }

  it('removes a multi-line LEAK note but keeps the code and other comments', () => {
    const src = ['/**', ' * explains the leak', ' */', "import { x } from '../kit/a.js';", 'function f() {', '  // LEAK: first line', '  // second line', '  // FIX: not a continuation', '  keep();', '}', ''].join('\n');
    const out = toExerciseSource(src, { name: 'demo' }, '../scenarios/kit');
    expect(out).toContain("import { x } from '../scenarios/kit/a.js';");
    expect(out).not.toContain('explains the leak');
    expect(out).not.toContain('first line');
    expect(out).not.toContain('second line');
    expect(out).toContain('// FIX: not a continuation');
    expect(out).toContain('  keep();');
  });
});

describe('check output', () => {
  const fixture = buildFixtureReport();
  const leakyRun = fixture.runs[0]!;
  const hints = ['first nudge', 'the mechanism', 'the shape of the fix'];
  const failing: CheckResult = {
    scenario: 'unbounded-map',
    exercise: 'workshop/unbounded-map.ts',
    passed: false,
    stage: 'memory',
    compile: { ok: true, diagnostics: '', durationMs: 2100 },
    responses: { same: true, requests: 27, differences: [] },
    run: {
      verdict: 'leak',
      pattern: leakyRun.pattern,
      bytesPerRequest: leakyRun.bytesPerRequest,
      reason: leakyRun.reason,
      findings: leakyRun.findings,
      requests: leakyRun.requests,
      reportHtml: 'reports/workshop/unbounded-map/x/report.html',
    },
  };

  it('a leak: FAIL, the finding, the first hint and how to get the next', () => {
    const text = formatCheckResult(failing, { hints, hintLevel: 1 });
    expect(text).toMatch(/FAIL: still leaks/);
    expect(text).toContain(leakyRun.findings[0]!.holder);
    expect(text).toContain('hint 1/3: first nudge');
    expect(text).toContain('--hint 2');
    expect(text).not.toContain('the mechanism');
  });

  it('--hint 3 gives the strongest hint', () => {
    const text = formatCheckResult(failing, { hints, hintLevel: 3 });
    expect(text).toContain('hint 3/3: the shape of the fix');
    expect(text).not.toContain('first nudge');
  });

  it('different answers: FAIL with the differing requests, no memory run', () => {
    const text = formatCheckResult(
      { ...failing, stage: 'responses', run: undefined as never, responses: { same: false, requests: 27, differences: [{ request: 'GET revoked key', original: '401 {"error":"revoked"}', yours: '200 {}' }] } },
      { hints, hintLevel: 1 },
    );
    expect(text).toMatch(/FAIL: answers differ/);
    expect(text).toContain('GET revoked key');
  });

  it('a compile error: FAIL with the diagnostics', () => {
    const text = formatCheckResult(
      { scenario: 'unbounded-map', exercise: 'workshop/unbounded-map.ts', passed: false, stage: 'compile', compile: { ok: false, diagnostics: "workshop/unbounded-map.ts(3,1): error TS1005: ';' expected.", durationMs: 900 } },
      { hints, hintLevel: 1 },
    );
    expect(text).toMatch(/FAIL: does not compile/);
    expect(text).toContain('TS1005');
  });

  it('a pass: PASS, no hint', () => {
    const text = formatCheckResult(
      { ...failing, passed: true, run: { ...failing.run!, verdict: 'no-leak', pattern: 'none', findings: [], bytesPerRequest: 0 } },
      { hints, hintLevel: 2 },
    );
    expect(text).toMatch(/PASS/);
    expect(text).not.toMatch(/hint \d/);
  });
});
