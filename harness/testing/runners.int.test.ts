/**
 * The published entry points under real test runners, as a user's project would run them:
 * `node --test` with `leakbench/test`, and vitest with `leakbench/vitest` under its default pool
 * (`forks`) and under `threads`. Each fixture has a function that keeps nothing (passes), a leak
 * asserted with the teaching direction (passes) and a leak asserted not to leak (fails on purpose,
 * with the finding as the message). The entry points resolve to dist/: `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';

/** A whole runner with three leak assertions: ~15 s on an idle machine, minutes on a loaded one. */
const RUNNER_TIMEOUT_MS = 600_000;

const FIXTURES = new URL('./test-fixtures/', import.meta.url);
const VITEST_BIN = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/** Runs a command to its end (killed if the test ends first); resolves to its exit code and output. */
function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '' } });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file: URL, text: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
}

describe('node --test with leakbench/test', () => {
  test('passes the two true assertions and fails the false one with the finding', async () => {
    const file = new URL('node-test-suite.mjs', FIXTURES);
    const { code, output } = await run(['--test', '--test-reporter=tap', fileURLToPath(file)], fileURLToPath(FIXTURES));
    expect(output).toMatch(/^# pass 2$/m);
    expect(output).toMatch(/^# fail 1$/m);
    expect(code).toBe(1);
    expect(output).toContain('not ok 3 - keepRecord does not leak (fails on purpose)');
    expect(output).toContain('expected keepRecord not to leak, but each call keeps');
    expect(output).toContain('Array kept (module scope of node-test-suite.mjs) grows at every round');
    expect(output).toContain(`node-test-suite.mjs:${lineOf(file, 'kept.push(')}:`);
    expect(output).toContain("name: 'AssertionError'");
  }, RUNNER_TIMEOUT_MS);
});

describe('vitest with leakbench/vitest', () => {
  for (const pool of ['forks', 'threads'] as const) {
    test(`pool ${pool}${pool === 'forks' ? ' (the default)' : ''}: the matcher passes and fails as expected`, async () => {
      const project = new URL('vitest-project/', FIXTURES);
      const args = [VITEST_BIN, 'run', '--reporter=verbose'];
      if (pool !== 'forks') args.push('--pool', pool);
      const { code, output } = await run(args, fileURLToPath(project));
      expect(output).toMatch(/✓ .*formatRow keeps nothing/);
      expect(output).toMatch(/✓ .*keepRecord leaks/);
      expect(output).toMatch(/× .*keepRecord does not leak \(fails on purpose\)/);
      expect(output).toContain('Array kept (module scope of leak.test.mjs) grows at every round');
      expect(output).toContain(`leak.test.mjs:${lineOf(new URL('leak.test.mjs', project), 'kept.push(')}:`);
      expect(code).toBe(1);
    }, RUNNER_TIMEOUT_MS);
  }
});
