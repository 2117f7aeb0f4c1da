/**
 * `leakbench check` end to end on real servers: the untouched exercise fails with a finding and a
 * hint; the scenario's fixed variant copied into the exercise passes; a "fix" that changes an
 * answer and a file that does not compile fail at their stage; `--reset` restores the original.
 * The exercise folder is a temporary one inside dist/ (the package's node_modules must resolve),
 * never the participants' workshop/. Short loads: a few seconds per run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getScenario } from '../catalog.js';
import { runCli } from '../cli/main.js';
import { captureIo } from '../cli/test-fixtures/capture-io.js';
import { DIST_DIR } from '../paths.js';
import type { CheckResult } from './check-exercise.js';
import { exercisePath, exerciseTemplate, kitImportPrefix, toExerciseSource, workshopLayout } from './exercise-files.js';

// Its fix retains nothing at all (listeners removed when each response closes), so a few seconds
// of load can tell; bounded caches that are still filling make short runs of other fixes ambiguous.
const SCENARIO = 'closure-captured-buffers';
const workshopDir = mkdtempSync(path.join(DIST_DIR, '.workshop-test-'));
const reportsDir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-check-'));
afterAll(() => {
  rmSync(workshopDir, { recursive: true, force: true });
  rmSync(reportsDir, { recursive: true, force: true });
});

async function check(...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(['check', SCENARIO, '--workshop-dir', workshopDir, '--out', reportsDir, ...extra], c.io);
  return { code, out: c.out(), err: c.err() };
}

const layout = workshopLayout(workshopDir);
const file = exercisePath(layout, SCENARIO);

describe('leakbench check', () => {
  it('the untouched exercise fails: it leaks, with a finding and the first hint', async () => {
    const { code, out } = await check('--duration', '5', '--warmup', '1', '--json');
    expect(code).toBe(3);
    const result = JSON.parse(out) as CheckResult & { hint?: { level: number; text: string } };
    expect(result.passed).toBe(false);
    expect(result.stage).toBe('memory');
    expect(result.responses?.same).toBe(true);
    expect(result.run?.verdict).toBe('leak');
    expect(result.run?.findings.length).toBeGreaterThan(0);
    expect(result.run?.bytesPerRequest).toBeGreaterThan(50);
    expect(result.hint?.level).toBe(1);
    // check wrote the missing exercise first
    expect(readFileSync(file, 'utf8')).toBe(await exerciseTemplate(layout, getScenario(SCENARIO)));
  });

  it('a file that does not compile fails at compile, with the diagnostics', async () => {
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nconst broken: number = 'not a number';\n`);
    const { code, out } = await check('--hint', '2');
    expect(code).toBe(3);
    expect(out).toMatch(/FAIL: does not compile/);
    expect(out).toMatch(/TS2322/);
    expect(out).toMatch(/hint 2\/3/);
  });

  it('a "fix" that changes an answer fails at responses, before any load', async () => {
    const scenario = getScenario(SCENARIO);
    const template = await exerciseTemplate(layout, scenario);
    // Any change to what a key resolves to changes the answers: here every key's owner.
    const changed = template.replace(
      "  variant: 'leaky',\n",
      "  variant: 'leaky',\n  resolveKeyMeta: async (keyId, { keyService }) => ({ ...(await keyService.lookup(keyId)), owner: 'acct_00000000' }),\n",
    );
    expect(changed).not.toBe(template);
    writeFileSync(file, changed);
    const { code, out } = await check('--duration', '1', '--warmup', '0');
    expect(code).toBe(3);
    expect(out).toMatch(/FAIL: answers differ from the original/);
    expect(out).toMatch(/GET good key/);
    expect(out).not.toMatch(/^\s+memory\s/m);
  });

  it("the scenario's fixed variant copied into the exercise passes", async () => {
    const scenario = getScenario(SCENARIO);
    writeFileSync(file, toExerciseSource(readFileSync(scenario.sources.fixed, 'utf8'), scenario, kitImportPrefix(workshopDir)));
    const { code, out, err } = await check('--duration', '5', '--warmup', '1');
    expect(code, `${out}\n${err}`).toBe(0);
    expect(out).toMatch(/PASS/);
    expect(out).toMatch(/same as the original on \d+ requests/);
    expect(out).toMatch(/no-leak/);
  });

  it('--reset restores the original exercise', async () => {
    const { code, out } = await check('--reset');
    expect(code).toBe(0);
    expect(out).toMatch(/restored/);
    expect(readFileSync(file, 'utf8')).toBe(await exerciseTemplate(layout, getScenario(SCENARIO)));
  });

  it('bad flags are one-line usage errors', async () => {
    expect((await check('--hint', '4')).code).toBe(2);
    const c = captureIo();
    expect(await runCli(['check', 'no-such-exercise'], c.io)).toBe(2);
    expect(c.err()).toMatch(/E_UNKNOWN_SCENARIO/);
  });
});
