/**
 * `npm run bench:assertions`: how long each leak assertion on the scenarios' per-call code takes,
 * where it runs — in a vitest worker of vitest's default pool — and, with `--noise-runs N`, how
 * often the noise cases (heavy churn, a lazy singleton, a bounded cache filled in warm-up) pass
 * `not.toLeak` out of N fresh runs each. Prints the load (`uptime`) beside the figures: on a shared
 * 2-core machine the load decides them.
 *
 * `--direct` measures the same assertions with `measureLeak` in plain Node, one child process per
 * twin, and prints each phase, the CPU time (all threads) and, on Linux, `idle est.`: what the
 * measurement takes on an idle 2-CPU machine, from per-thread CPU times — the test's thread until
 * the analysis, its settle waits, then the larger of the two threads' shares of the analysis phase
 * (see `LeakTimings`). On a loaded machine that is the figure that says what the assertion costs.
 * `--phases` prints the same table for the measurements in a vitest worker (default pool), where the
 * assertions run: a bigger heap (the runner's) than plain Node's, so bigger snapshots.
 *
 * Usage: node dist/scripts/bench-assertions.js [--noise-runs <n>] [--skip-scenarios] [--direct] [--phases]
 * (internal: --child <scenario> <twin> measures one twin and prints its JSON result)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureLeak } from '../harness/testing/measure-leak.js';
import { PER_CALL_DRIVERS, setUpTwin, stopVirtualClock, type Twin } from '../scenarios/kit/testing/per-call-drivers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
/** The target of the issue: each assertion within 3 s on this 2-core machine. */
const TARGET_MS = 3000;

interface JsonAssertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number;
  failureMessages?: string[];
}

function fail(message: string): never {
  process.stderr.write(`bench:assertions: ${message} [E_USAGE]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { noiseRuns: number; scenarios: boolean; direct: boolean; phases: boolean } {
  let noiseRuns = 0;
  let scenarios = true;
  let direct = false;
  let phases = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--direct') direct = true;
    else if (argv[i] === '--phases') phases = true;
    else if (argv[i] === '--noise-runs') {
      noiseRuns = Number(argv[++i]);
      if (!Number.isInteger(noiseRuns) || noiseRuns < 1 || noiseRuns > 1000) fail('--noise-runs must be an integer 1..1000');
    } else if (argv[i] === '--skip-scenarios') scenarios = false;
    else fail(`unknown argument '${argv[i]}' (usage: bench-assertions [--noise-runs <n>] [--skip-scenarios] [--direct] [--phases])`);
  }
  return { noiseRuns, scenarios, direct, phases };
}

function load(): string {
  const [a, b, c] = os.loadavg();
  return `load average ${a!.toFixed(2)}, ${b!.toFixed(2)}, ${c!.toFixed(2)} (${os.cpus().length} CPUs)`;
}

/** Runs vitest on `files` with the JSON reporter; returns every assertion's result. */
function vitestJson(files: string[], env: NodeJS.ProcessEnv, extra: string[] = []): JsonAssertion[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-bench-assertions-'));
  const out = path.join(dir, 'results.json');
  try {
    const res = spawnSync(process.execPath, [VITEST, 'run', ...files, '--reporter=json', `--outputFile=${out}`, ...extra], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let json: { testResults?: Array<{ assertionResults?: JsonAssertion[] }> };
    try {
      json = JSON.parse(readFileSync(out, 'utf8')) as typeof json;
    } catch {
      throw new Error(`vitest wrote no results (exit ${res.status ?? res.signal})`);
    }
    return (json.testResults ?? []).flatMap((f) => f.assertionResults ?? []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function scenarioTable(): boolean {
  process.stdout.write(`\nleak assertions on the scenarios' per-call code (vitest, default pool), ${load()}\n`);
  const results = vitestJson(['scenarios/leak-assertions.int.test.ts'], {});
  let ok = true;
  process.stdout.write(`${pad('scenario', 26)}${pad('assertion', 22)}${pad('result', 8)}${pad('time', 9)}within ${TARGET_MS / 1000} s\n`);
  for (const r of results) {
    const ms = r.duration ?? NaN;
    const within = r.status === 'passed' && ms <= TARGET_MS;
    ok &&= r.status === 'passed';
    process.stdout.write(
      `${pad(r.ancestorTitles.at(-1) ?? '', 26)}${pad(r.title, 22)}${pad(r.status === 'passed' ? 'pass' : 'FAIL', 8)}${pad(`${(ms / 1000).toFixed(2)} s`, 9)}${within ? 'yes' : 'no'}\n`,
    );
    if (r.status !== 'passed') process.stdout.write(`  ${(r.failureMessages?.[0] ?? '').split('\n')[0]}\n`);
  }
  const durations = results.map((r) => r.duration ?? 0).sort((a, b) => a - b);
  const median = durations.length === 0 ? NaN : durations[Math.floor((durations.length - 1) / 2)]!;
  process.stdout.write(`median ${(median / 1000).toFixed(2)} s, max ${((durations.at(-1) ?? NaN) / 1000).toFixed(2)} s; after: ${load()}\n`);
  return ok;
}

function noiseTable(runs: number): boolean {
  process.stdout.write(`\nnot.toLeak on noise, ${runs} fresh runs each (vitest, default pool), ${load()}\n`);
  // `-t` leaves the other tests of the file in the results as skipped.
  const results = vitestJson(['harness/testing/measure-leak.int.test.ts'], { LEAKBENCH_REPEAT: String(runs) }, ['-t', 'noise is not a leak']).filter(
    (r) => r.status !== 'skipped' && r.status !== 'pending' && r.status !== 'todo',
  );
  const byCase = new Map<string, { passed: number; total: number; ms: number[] }>();
  for (const r of results) {
    const name = r.title.replace(/ \(run \d+\)$/, '');
    const entry = byCase.get(name) ?? { passed: 0, total: 0, ms: [] };
    entry.total++;
    if (r.status === 'passed') entry.passed++;
    else process.stdout.write(`  failed: ${r.title}: ${(r.failureMessages?.[0] ?? '').split('\n')[0]}\n`);
    entry.ms.push(r.duration ?? 0);
    byCase.set(name, entry);
  }
  let ok = true;
  for (const [name, e] of byCase) {
    ok &&= e.passed === runs && e.total === runs;
    const sorted = e.ms.sort((a, b) => a - b);
    process.stdout.write(`${pad(name, 60)}${e.passed}/${e.total} passed   median ${(sorted[Math.floor((sorted.length - 1) / 2)]! / 1000).toFixed(2)} s\n`);
  }
  process.stdout.write(`after: ${load()}\n`);
  return ok;
}

/** One twin's measurement in this process (the child side of `--direct`). */
async function measureChild(scenario: string, twin: Twin): Promise<void> {
  const driver = PER_CALL_DRIVERS.find((d) => d.scenario === scenario);
  if (driver === undefined) fail(`no driver for ${scenario}`);
  const { call, close } = await setUpTwin(driver, twin);
  try {
    const m = await measureLeak(call, { iterations: driver.iterations, warmup: driver.warmup });
    process.stdout.write(`${JSON.stringify({ verdict: m.verdict, bytesPerIteration: m.bytesPerIteration, timingsMs: m.timingsMs })}\n`);
  } finally {
    await close();
    stopVirtualClock();
  }
}

/** One twin's measurement: plain Node (`--direct`) or a vitest worker (`--phases`). */
interface TwinTimings {
  scenario: string;
  twin: string;
  verdict: string;
  timingsMs: Record<string, number>;
}

function directTable(): boolean {
  process.stdout.write(`\nthe same assertions with measureLeak in plain Node (a child per twin), ${load()}\n`);
  const rows: Array<TwinTimings | { scenario: string; twin: string; error: string }> = [];
  for (const driver of PER_CALL_DRIVERS) {
    for (const twin of ['leaky', 'fixed'] as const) {
      const res = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(import.meta.url), '--child', driver.scenario, twin], { cwd: ROOT, encoding: 'utf8' });
      const line = res.stdout.trim().split('\n').at(-1) ?? '';
      try {
        rows.push({ scenario: driver.scenario, twin, ...(JSON.parse(line) as { verdict: string; timingsMs: Record<string, number> }) });
      } catch {
        rows.push({ scenario: driver.scenario, twin, error: (res.stderr || line).split('\n')[0] ?? '' });
      }
    }
  }
  return timingsTable(rows);
}

function phasesTable(): boolean {
  process.stdout.write(`\nthe same assertions with measureLeak in a vitest worker (default pool), ${load()}\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-bench-phases-'));
  const out = path.join(dir, 'phases.jsonl');
  try {
    const results = vitestJson(['scenarios/leak-assertions-phases.int.test.ts'], { LEAKBENCH_PHASES_OUT: out });
    const failed = results.filter((r) => r.status !== 'passed');
    for (const r of failed) process.stdout.write(`  failed: ${r.title}: ${(r.failureMessages?.[0] ?? '').split('\n')[0]}\n`);
    let lines: string[] = [];
    try {
      lines = readFileSync(out, 'utf8').trim().split('\n').filter((l) => l !== '');
    } catch {
      // no measurement finished: reported as failures above
    }
    return timingsTable(lines.map((l) => JSON.parse(l) as TwinTimings)) && failed.length === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function timingsTable(rows: Array<TwinTimings | { scenario: string; twin: string; error: string }>): boolean {
  process.stdout.write(
    `${pad('scenario', 26)}${pad('twin', 7)}${pad('verdict', 9)}${pad('wall', 9)}${pad('cpu', 9)}${pad('idle est.', 11)}calls / settle / gc / snapshots / analysis (ms)\n`,
  );
  let ok = true;
  const cpus: number[] = [];
  const estimates: number[] = [];
  for (const row of rows) {
    if ('error' in row) {
      ok = false;
      process.stdout.write(`${pad(row.scenario, 26)}${pad(row.twin, 7)}error: ${row.error}\n`);
      continue;
    }
    const t = row.timingsMs;
    cpus.push(t['cpuMs']!);
    const estimate = idleEstimateMs(t);
    if (estimate !== undefined) estimates.push(estimate);
    process.stdout.write(
      `${pad(row.scenario, 26)}${pad(row.twin, 7)}${pad(row.verdict, 9)}${pad(`${(t['totalMs']! / 1000).toFixed(2)} s`, 9)}${pad(`${(t['cpuMs']! / 1000).toFixed(2)} s`, 9)}` +
        `${pad(estimate === undefined ? '-' : `${(estimate / 1000).toFixed(2)} s`, 11)}` +
        `${t['callsMs']} / ${t['settleMs']} / ${t['gcMs']} / ${t['snapshotMs']} / ${t['analysisMs']}\n`,
    );
  }
  cpus.sort((a, b) => a - b);
  estimates.sort((a, b) => a - b);
  const median = (xs: number[]): string => (xs.length === 0 ? '-' : `${(xs[Math.floor((xs.length - 1) / 2)]! / 1000).toFixed(2)} s`);
  const max = (xs: number[]): string => (xs.length === 0 ? '-' : `${(xs.at(-1)! / 1000).toFixed(2)} s`);
  process.stdout.write(`cpu median ${median(cpus)}, max ${max(cpus)}; idle est. median ${median(estimates)}, max ${max(estimates)}; after: ${load()}\n`);
  return ok;
}

/**
 * Wall time of a measurement on an idle 2-CPU machine, from its CPU times (Linux only): the test's
 * thread until the analysis, its settle waits, and the larger of the two threads' shares of the
 * analysis phase (the test's thread, and everything else: the snapshot reader).
 */
function idleEstimateMs(t: Record<string, number>): number | undefined {
  const { threadCpuMs, settleMs, analysisCpuMs, analysisThreadCpuMs } = t;
  if (threadCpuMs === undefined || settleMs === undefined || analysisCpuMs === undefined || analysisThreadCpuMs === undefined) return undefined;
  return threadCpuMs + settleMs + Math.max(analysisThreadCpuMs, analysisCpuMs - analysisThreadCpuMs);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await measureChild(argv[1] ?? '', (argv[2] ?? '') as Twin);
  process.exit(0);
}
const args = parseArgs(argv);
let ok = true;
if (args.direct) ok = directTable() && ok;
if (args.phases) ok = phasesTable() && ok;
if (args.scenarios) ok = scenarioTable() && ok;
if (args.noiseRuns > 0) ok = noiseTable(args.noiseRuns) && ok;
process.exitCode = ok ? 0 : 3;
