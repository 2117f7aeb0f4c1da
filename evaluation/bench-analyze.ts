/**
 * `npm run bench:analyze`: how long `leakbench analyze` takes on a three-snapshot sequence of about
 * 70 MB in total (the target: ≤ 1 s on this 2-core machine). It takes the sequence from a
 * live evaluation server (one inspector session, real load), then runs the CLI as a user would —
 * a fresh `node` process per run — and prints the wall time and the phase timings (engine read
 * vs. analysis) of each run, and the median.
 *
 * Flags: `--server <name>` (default session-registry), `--step <requests>` (default 40000),
 * `--runs <n>` (default 5), `--dir <path>` reuse s1..s3.heapsnapshot from a directory, `--keep`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeGraphs, analyzeSnapshots } from '../harness/analysis/index.js';
import { readSnapshot } from '../harness/heap/index.js';
import { snapshotSequence } from './driver/snapshot-sequence.js';
import { serverJsPath } from './eval-servers.js';

function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Child mode: one cold analysis in a fresh process, printed as JSON (wall and CPU time). */
async function child(files: string[], requests: number[] | undefined): Promise<void> {
  const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const result = await analyzeSnapshots(files, requests === undefined ? {} : { requestsAtSnapshot: requests });
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  // The same work split by CPU time (wall time on a busy machine mostly measures waiting): the
  // engine's reads, then our analysis on the parsed graphs.
  const cpu1 = process.cpuUsage();
  const graphs = [];
  for (const f of files) graphs.push(await readSnapshot(f));
  const cpuReadMs = cpuMs(process.cpuUsage(cpu1));
  const cpu2 = process.cpuUsage();
  analyzeGraphs(graphs, requests === undefined ? {} : { requestsAtSnapshot: requests });
  const cpuAnalysisMs = cpuMs(process.cpuUsage(cpu2));
  process.stdout.write(
    JSON.stringify({ verdict: result.verdict, wallMs, cpuMs: cpuMs(cpu), cpuReadMs, cpuAnalysisMs, timingsMs: result.timingsMs }),
  );
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--child') {
    const requestsArg = argv.indexOf('--requests');
    const requests = requestsArg >= 0 ? argv[requestsArg + 1]!.split(',').map(Number) : undefined;
    await child(argv.slice(1, requestsArg >= 0 ? requestsArg : undefined), requests);
    return 0;
  }
  const server = flag(argv, '--server', 'session-registry');
  const step = Number(flag(argv, '--step', '40000'));
  const runs = Number(flag(argv, '--runs', '5'));
  const reuse = argv.includes('--dir') ? flag(argv, '--dir', '') : undefined;
  let files: string[];
  let requests: number[] | undefined;
  let cleanup: string | undefined;
  if (reuse !== undefined) {
    files = ['s1', 's2', 's3'].map((s) => path.join(reuse, `${s}.heapsnapshot`));
    if (!files.every((f) => existsSync(f))) throw new Error(`${reuse} lacks s1..s3.heapsnapshot`);
  } else {
    process.stderr.write(`taking 3 snapshots of ${server} (${step} requests per step)…\n`);
    const seq = await snapshotSequence({ serverJs: serverJsPath(server), warmupRequests: 2_000, stepRequests: [step, step] });
    files = seq.files;
    requests = seq.requestsAtSnapshot;
    if (!argv.includes('--keep')) cleanup = seq.dir;
    else process.stderr.write(`snapshots kept in ${seq.dir}\n`);
  }
  try {
    const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'leakbench.js');
    const self = fileURLToPath(import.meta.url);
    const extra = requests === undefined ? [] : ['--requests', requests.join(',')];
    process.stdout.write(`input: 3 snapshots, ${(totalBytes / 1e6).toFixed(1)} MB in total; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores\n`);
    process.stdout.write(
      '| run | CLI wall ms | in-process wall ms | CPU ms | engine read ms | analysis ms (ours) | engine CPU ms | analysis CPU ms (ours) | verdict |\n' +
        '|---|---|---|---|---|---|---|---|---|\n',
    );
    const cols: number[][] = [[], [], [], [], [], [], []];
    for (let run = 1; run <= runs; run++) {
      // The CLI as a user runs it (process start and module loading included)…
      const start = performance.now();
      execFileSync(process.execPath, [cli, 'analyze', ...files, '--json', ...extra], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const cliMs = performance.now() - start;
      // …and a fresh process reporting its own wall and CPU time and the phase split.
      const out = execFileSync(process.execPath, [self, '--child', ...files, ...extra], { encoding: 'utf8' });
      const doc = JSON.parse(out) as {
        verdict: string;
        wallMs: number;
        cpuMs: number;
        cpuReadMs: number;
        cpuAnalysisMs: number;
        timingsMs: Record<string, number>;
      };
      const readMs = doc.timingsMs['read'] ?? 0;
      const analysisMs = (doc.timingsMs['total'] ?? 0) - readMs;
      const row = [cliMs, doc.wallMs, doc.cpuMs, readMs, analysisMs, doc.cpuReadMs, doc.cpuAnalysisMs];
      row.forEach((v, i) => cols[i]!.push(v));
      process.stdout.write(`| ${run} | ${row.map((v) => v.toFixed(0)).join(' | ')} | ${doc.verdict} |\n`);
    }
    const medians = cols.map(median);
    process.stdout.write(
      `| median | ${medians.map((v) => v.toFixed(0)).join(' | ')} | |\n` +
        `target: CLI wall ≤ 1000 ms; ${medians[0]! <= 1000 ? 'met' : 'NOT met'} (median)\n`,
    );
    return 0;
  } finally {
    if (cleanup !== undefined) rmSync(cleanup, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
