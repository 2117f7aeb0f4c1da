/**
 * `npm run bench:micro`: tinybench micro-benchmarks of each scenario pair's per-request key
 * handling. Every pair runs in its own child process (a fresh heap: a leaky twin's retained
 * memory must not slow the next pair), then the table is printed and the results written to
 * `reports/bench-micro/<run-id>/results.json`. Children run with `--expose-gc` so retained bytes
 * per operation are measured between forced full GCs.
 *
 * Usage: node dist/scripts/bench-micro.js [--time <ms>] [--pair <id>]...
 * (internal: --child <id> runs one pair and prints its JSON result on stdout)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRunDir } from '../harness/orchestrator/run-dir.js';
import { REPORTS_DIR } from '../harness/paths.js';
import { writeFileAtomic } from '../harness/report/write-file-atomic.js';
import { formatMicroTable, measurePair, type MicroPairResult } from '../scenarios/kit/bench/measure-pair.js';
import { PAIR_IDS, buildPair, type PairId } from '../scenarios/kit/bench/micro-pairs.js';

function fail(message: string): never {
  process.stderr.write(`bench:micro: ${message} [E_USAGE]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { timeMs: number; pairs: PairId[]; child?: PairId } {
  let timeMs = 1000;
  const pairs: PairId[] = [];
  let child: PairId | undefined;
  const asPair = (value: string | undefined): PairId => {
    if (value === undefined || !(PAIR_IDS as readonly string[]).includes(value)) fail(`unknown pair '${value ?? ''}'; choose one of: ${PAIR_IDS.join(', ')}`);
    return value as PairId;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--time') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 50 || value > 60_000) fail('--time must be an integer number of milliseconds, 50..60000');
      timeMs = value;
    } else if (arg === '--pair') {
      pairs.push(asPair(argv[++i]));
    } else if (arg === '--child') {
      child = asPair(argv[++i]);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: npm run bench:micro -- [--time <ms per task, default 1000>] [--pair <id>]...\npairs: ${PAIR_IDS.join(', ')}\n`);
      process.exit(0);
    } else {
      fail(`unknown argument '${arg ?? ''}'`);
    }
  }
  return { timeMs, pairs: pairs.length > 0 ? pairs : [...PAIR_IDS], ...(child ? { child } : {}) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const result = await measurePair(await buildPair(args.child), { timeMs: args.timeMs, warmupMs: Math.min(250, args.timeMs) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const results: MicroPairResult[] = [];
  for (const id of args.pairs) {
    process.stderr.write(`bench:micro: ${id} …\n`);
    const child = spawnSync(process.execPath, ['--expose-gc', self, '--child', id, '--time', String(args.timeMs)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (child.status !== 0) {
      process.stderr.write(`bench:micro: pair ${id} failed (exit ${child.status ?? child.signal}):\n${child.stderr}\n`);
      process.exitCode = 1;
      continue;
    }
    results.push(JSON.parse(child.stdout) as MicroPairResult);
  }
  process.stdout.write(`${formatMicroTable(results)}\n`);
  const { runId, runDir } = await createRunDir(REPORTS_DIR, 'bench-micro');
  const file = path.join(runDir, 'results.json');
  const report = {
    tool: 'leakbench',
    benchmark: 'bench-micro',
    runId,
    startedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg(),
    timePerTaskMs: args.timeMs,
    pairs: results,
  };
  await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
