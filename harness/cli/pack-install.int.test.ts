/**
 * issue-16: leakbench as a user gets it. `npm pack`, the tarball installed into an empty project
 * (offline, from the npm cache), a Fastify server of that project with a bearer token from the
 * environment, and `npx leakbench run --cmd "node server.mjs" --workload <file>`:
 * - the workload that creates orders (kept forever in a module-level Map) → `leak`, naming that Map;
 * - the workload that only reads products → `no-leak`.
 * Also: the library entry points and their types resolve from the installed package.
 * issue-19: the project installs the tarball without optional dependencies (`npm ci --omit=optional`),
 * so all of this runs without `@clinic/heap-profiler`, and `--clinic` there is a one-line
 * E_CLINIC_MISSING.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';
import type { RunReport } from '../types.js';
import { runCliToEnd } from './test-fixtures/cli-process.js';
import { installTarball, packTarball } from './test-fixtures/install-tarball.js';

const FIXTURE = path.join(PACKAGE_ROOT, 'harness', 'cli', 'test-fixtures', 'installed-app');
const SHORT = ['--warmup', '2', '--duration', '8', '--connections', '4', '--rate', '1000', '--no-keep-snapshots', '--json'];

let tmp: string;
let app: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'leakbench-pack-'));
  app = path.join(tmp, 'app');
  installTarball(packTarball(tmp), app, { omitOptional: true });
  for (const f of readdirSync(FIXTURE)) copyFileSync(path.join(FIXTURE, f), path.join(app, f));
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const npx = ['npx', '--offline', 'leakbench'];

describe('the packed package, installed into another project', () => {
  test('the tarball is lean: no tests, no snapshots, no reports', () => {
    const files = execFileSync('tar', ['tzf', readdirSync(tmp).map((f) => path.join(tmp, f)).find((f) => f.endsWith('.tgz'))!], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('package/dist/scripts/leakbench.js');
    expect(files).toContain('package/dist/harness/api.d.ts');
    expect(files.filter((f) => /\.test\.|heapsnapshot|package\/reports\//.test(f))).toEqual([]);
  });

  test('workload with a bearer token from the environment: leak on the orders route, no-leak on products', async ({ onTestFinished }) => {
    const env = { API_TOKEN: `tok-${process.pid}` };
    const [leaky, clean] = [
      await runCliToEnd(['run', '--cmd', 'node server.mjs', '--workload', 'w-leak.json', '--name', 'orders', ...SHORT], { command: npx, cwd: app, env, onTestFinished }),
      await runCliToEnd(['run', '--cmd', 'node server.mjs', '--workload', 'w-clean.json', '--name', 'products', ...SHORT], { command: npx, cwd: app, env, onTestFinished }),
    ];
    expect(leaky.code, leaky.stderr).toBe(0);
    const leakRun = (JSON.parse(leaky.stdout) as RunReport).runs[0]!;
    // Every request authenticated and every read found its order: the token and the capture worked.
    expect(Object.keys(leakRun.load!.statusCounts)).toEqual(['2xx']);
    expect(leakRun.verdict).toBe('leak');
    expect(leakRun.findings[0]!.holder).toMatch(/orderHistory/);

    expect(clean.code, clean.stderr).toBe(0);
    const cleanRun = (JSON.parse(clean.stdout) as RunReport).runs[0]!;
    expect(Object.keys(cleanRun.load!.statusCounts)).toEqual(['2xx']);
    expect(cleanRun.verdict).toBe('no-leak');
    // Reports land in the project, not inside node_modules.
    expect(readdirSync(path.join(app, 'reports')).sort()).toEqual(['index.html', 'orders', 'products']);
  });

  test('a missing token is a one-line user error before anything starts', async ({ onTestFinished }) => {
    const unset = await runCliToEnd(['run', '--cmd', 'node server.mjs', '--workload', 'w-leak.json'], {
      command: ['env', '-u', 'API_TOKEN', ...npx],
      cwd: app,
      onTestFinished,
    });
    expect(unset.code).toBe(2);
    expect(unset.stderr.trim()).toMatch(/^leakbench: .*environment variable API_TOKEN is not set \[E_WORKLOAD\]$/);
  });

  test('issue-19: installed without optional dependencies, --clinic is a one-line E_CLINIC_MISSING before anything starts', async ({ onTestFinished }) => {
    expect(existsSync(path.join(app, 'node_modules', 'leakbench', 'package.json'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules', '@clinic'))).toBe(false);
    const r = await runCliToEnd(['run', '--cmd', 'node server.mjs', '--workload', 'w-leak.json', '--name', 'with-clinic', '--clinic'], {
      command: npx,
      cwd: app,
      env: { API_TOKEN: `tok-${process.pid}` },
      onTestFinished,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^leakbench: the Clinic view needs the optional package @clinic\/heap-profiler, .*\[E_CLINIC_MISSING\]$/);
    expect(existsSync(path.join(app, 'reports', 'with-clinic'))).toBe(false);
  });

  test('the run API, the heap engine and the analysis import with types', () => {
    writeFileSync(
      path.join(app, 'check.mts'),
      [
        "import { runScenario, readWorkloadFile, type RunReport } from 'leakbench';",
        "import { readSnapshot } from 'leakbench/heap';",
        "import { analyzeSnapshots } from 'leakbench/analysis';",
        'const fns: unknown[] = [runScenario, readWorkloadFile, readSnapshot, analyzeSnapshots];',
        'const r: RunReport | undefined = undefined;',
        'export { fns, r };',
      ].join('\n'),
    );
    const tsc = path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--typeRoots', path.join(PACKAGE_ROOT, 'node_modules', '@types'), '--skipLibCheck', 'check.mts'], {
      cwd: app,
    });
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('leakbench'); const h = await import('leakbench/heap'); console.log(typeof m.runScenario, typeof h.readSnapshot)"], { cwd: app, encoding: 'utf8' });
    expect(out.trim()).toBe('function function');
    expect(JSON.parse(readFileSync(path.join(app, 'node_modules', 'leakbench', 'package.json'), 'utf8')).private).toBeUndefined();
  });
});
