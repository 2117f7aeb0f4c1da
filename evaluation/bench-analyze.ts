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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

async function main(argv: string[]): Promise<number> {
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
    const args = [cli, 'analyze', ...files, '--json'];
    if (requests !== undefined) args.push('--requests', requests.join(','));
    process.stdout.write(`input: 3 snapshots, ${(totalBytes / 1e6).toFixed(1)} MB in total\n`);
    process.stdout.write('| run | wall ms | engine read ms | analysis ms | verdict |\n|---|---|---|---|---|\n');
    const walls: number[] = [];
    const reads: number[] = [];
    const analyses: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const start = performance.now();
      const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const wallMs = performance.now() - start;
      const doc = JSON.parse(out) as { verdict: string; timingsMs: Record<string, number> };
      const readMs = doc.timingsMs['read'] ?? 0;
      const analysisMs = (doc.timingsMs['total'] ?? 0) - readMs;
      walls.push(wallMs);
      reads.push(readMs);
      analyses.push(analysisMs);
      process.stdout.write(`| ${run} | ${wallMs.toFixed(0)} | ${readMs.toFixed(0)} | ${analysisMs.toFixed(0)} | ${doc.verdict} |\n`);
    }
    process.stdout.write(
      `| median | ${median(walls).toFixed(0)} | ${median(reads).toFixed(0)} | ${median(analyses).toFixed(0)} | |\n` +
        `target: wall ≤ 1000 ms; ${median(walls) <= 1000 ? 'met' : 'NOT met'} (median)\n`,
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
