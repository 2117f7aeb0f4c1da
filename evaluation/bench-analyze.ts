/**
 * `npm run bench:analyze`: how long `leakbench analyze` takes on a three-snapshot sequence of about
 * 70 MB in total (the issue's target: ≤ 1 s on this 2-core machine), next to memlab's find-leaks
 * on the same three files in the same run. It takes the sequence from a live evaluation server
 * (one inspector session, real load), then, per run: our CLI as a user runs it (a fresh `node`
 * process), a fresh process reporting our phase timings (engine read vs. analysis), and memlab's
 * find-leaks (baseline = s1, target = s2, final = s3) in a fresh process
 * (evaluation/driver/memlab-find-leaks.ts). It prints each run, the medians, the ratio memlab /
 * ours, and whether the target is met. memlab's cluster count is shown for information only: it is
 * never compared with our verdict as truth.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeGraphs, analyzeSnapshots } from '../harness/analysis/index.js';
import { setUpProcess } from '../harness/cli/process-setup.js';
import { LeakbenchError, isLeakbenchError } from '../harness/errors.js';
import { readSnapshot } from '../harness/heap/index.js';
import { runMemlabFindLeaks, type MemlabFindLeaksResult } from './driver/memlab-find-leaks.js';
import { snapshotSequence } from './driver/snapshot-sequence.js';
import { EVAL_SERVERS, serverJsPath } from './eval-servers.js';

/**
 * Requests per step by default. Measured on session-registry (2 000 warm-up requests): 40 000 gave
 * 56.4 MB in total (6.1 / 18.7 / 31.6 MB) and 52 000 gave 68.0 MB (6.1 / 22.6 / 39.3 MB) — each
 * step adds ~0.32 MB per 1 000 requests — so 54 000 gives about 70 MB, the issue's input size.
 */
const DEFAULT_STEP_REQUESTS = 54_000;
const WARMUP_REQUESTS = 2_000;

const HELP = `usage: npm run bench:analyze -- [flags]
  --server <name>   evaluation server to snapshot (default session-registry)
  --step <n>        requests between snapshots (default ${DEFAULT_STEP_REQUESTS}: ~70 MB in total)
  --runs <n>        timed runs of each tool (default 5)
  --dir <path>      reuse s1..s3.heapsnapshot from <path> instead of taking a new sequence
  --keep            keep the new sequence's snapshots (their dir is printed)
  --no-peer         skip memlab's find-leaks
  --help            this text
`;

interface BenchOptions {
  server: string;
  stepRequests: number;
  runs: number;
  dir: string | undefined;
  keep: boolean;
  peer: boolean;
}

/** Parses the flags; a bad flag is a user error (E_USAGE). `undefined` means: print help. */
function parseArgs(argv: string[]): BenchOptions | undefined {
  const options: BenchOptions = { server: 'session-registry', stepRequests: DEFAULT_STEP_REQUESTS, runs: 5, dir: undefined, keep: false, peer: true };
  const value = (i: number, name: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new LeakbenchError('E_USAGE', `${name} needs a value`);
    return v;
  };
  const count = (i: number, name: string): number => {
    const n = Number(value(i, name));
    if (!Number.isInteger(n) || n < 1) throw new LeakbenchError('E_USAGE', `${name} must be a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return undefined;
    else if (a === '--server') options.server = value(++i, a);
    else if (a === '--step') options.stepRequests = count(++i, a);
    else if (a === '--runs') options.runs = count(++i, a);
    else if (a === '--dir') options.dir = value(++i, a);
    else if (a === '--keep') options.keep = true;
    else if (a === '--no-peer') options.peer = false;
    else throw new LeakbenchError('E_USAGE', `unknown flag ${a} (see --help)`);
  }
  return options;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Child mode: one cold analysis in a fresh process, printed as JSON (wall and CPU time). */
async function child(files: string[], requests: number[] | undefined): Promise<void> {
  const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
  // As the CLI sets up its process (the V8 flag for the reading workers, the worker's early start).
  setUpProcess('analyze');
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const result = await analyzeSnapshots(files, requests === undefined ? {} : { requestsAtSnapshot: requests });
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  // The whole process so far (module loading included): the counterpart of memlab's child figure.
  const processCpuMs = cpuMs(process.cpuUsage());
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
    JSON.stringify({ verdict: result.verdict, wallMs, cpuMs: cpuMs(cpu), processCpuMs, cpuReadMs, cpuAnalysisMs, timingsMs: result.timingsMs }),
  );
}

/** memlab's cell in a run's row: clusters found, or the failure. */
function memlabCells(r: MemlabFindLeaksResult): string {
  if (r.state === 'ok') return `${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.leakClusterCount} leak cluster(s)`;
  return `${r.wallMs.toFixed(0)} | – | failed: ${r.error.replaceAll('|', '/')}`;
}

/** Children and temp dirs to end when a signal ends the bench (`finally` blocks do not run then). */
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Kills the live children, removes the live dirs, then re-raises the signal with its default action. */
function onSignal(signal: NodeJS.Signals): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

/**
 * Runs `node <args>` to completion and returns its stdout and wall time (spawn to exit). Async, not
 * `execFileSync`, so that a signal to the bench reaches {@link onSignal} and no child outlives it.
 */
async function runNode(args: string[]): Promise<{ stdout: string; wallMs: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    const wallMs = performance.now() - start;
    if (code !== 0) throw new Error(`node ${path.basename(args[0] ?? '')} exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`);
    return { stdout: Buffer.concat(stdout).toString('utf8'), wallMs };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    liveChildren.delete(child);
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--child') {
    const requestsArg = argv.indexOf('--requests');
    const requests = requestsArg >= 0 ? argv[requestsArg + 1]!.split(',').map(Number) : undefined;
    await child(argv.slice(1, requestsArg >= 0 ? requestsArg : undefined), requests);
    return 0;
  }
  const options = parseArgs(argv);
  if (options === undefined) {
    process.stdout.write(HELP);
    return 0;
  }
  for (const s of SIGNALS) process.on(s, onSignal);
  let files: string[];
  let requests: number[] | undefined;
  let cleanup: string | undefined;
  if (options.dir !== undefined) {
    const dir = options.dir;
    files = ['s1', 's2', 's3'].map((s) => path.join(dir, `${s}.heapsnapshot`));
    if (!files.every((f) => existsSync(f))) throw new LeakbenchError('E_FILE_NOT_FOUND', `${dir} lacks s1..s3.heapsnapshot`);
  } else {
    if (!existsSync(serverJsPath(options.server))) {
      throw new LeakbenchError('E_USAGE', `no evaluation server ${options.server} (one of: ${EVAL_SERVERS.map((e) => e.name).join(', ')})`);
    }
    process.stderr.write(`taking 3 snapshots of ${options.server} (${WARMUP_REQUESTS} warm-up requests, ${options.stepRequests} requests per step)…\n`);
    // The sequence's dir (snapshots hold API keys) and server are ended by onSignal too.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-eval-'));
    liveDirs.add(dir);
    let seq;
    try {
      seq = await snapshotSequence({
        serverJs: serverJsPath(options.server),
        warmupRequests: WARMUP_REQUESTS,
        stepRequests: [options.stepRequests, options.stepRequests],
        dir,
        liveChildren,
      });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    if (options.keep) liveDirs.delete(dir);
    files = seq.files;
    requests = seq.requestsAtSnapshot;
    if (!options.keep) {
      cleanup = seq.dir;
      liveDirs.add(seq.dir);
    }
    else process.stderr.write(`snapshots kept in ${seq.dir}\n`);
  }
  try {
    const sizes = files.map((f) => statSync(f).size);
    const totalBytes = sizes.reduce((sum, n) => sum + n, 0);
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'leakbench.js');
    const self = fileURLToPath(import.meta.url);
    const extra = requests === undefined ? [] : ['--requests', requests.join(',')];
    process.stdout.write(
      `input: 3 snapshots, ${(totalBytes / 1e6).toFixed(1)} MB in total (${sizes.map((n) => (n / 1e6).toFixed(1)).join(' / ')} MB); ` +
        `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores\n`,
    );
    const peerHeader = options.peer ? ' memlab wall ms | memlab CPU ms | memlab find-leaks |' : '';
    process.stdout.write(
      `| run | CLI wall ms | in-process wall ms | CPU ms | engine read ms | analysis ms (ours) | engine CPU ms | analysis CPU ms (ours) | verdict |${peerHeader}\n` +
        `|---|---|---|---|---|---|---|---|---|${options.peer ? '---|---|---|' : ''}\n`,
    );
    const cols: number[][] = [[], [], [], [], [], [], []];
    const processCpu: number[] = [];
    const peerRuns: MemlabFindLeaksResult[] = [];
    for (let run = 1; run <= options.runs; run++) {
      // The CLI as a user runs it (process start and module loading included)…
      const cliMs = (await runNode([cli, 'analyze', ...files, '--json', ...extra])).wallMs;
      // …and a fresh process reporting its own wall and CPU time and the phase split.
      const out = (await runNode([self, '--child', ...files, ...extra])).stdout;
      const doc = JSON.parse(out) as {
        verdict: string;
        wallMs: number;
        cpuMs: number;
        processCpuMs: number;
        cpuReadMs: number;
        cpuAnalysisMs: number;
        timingsMs: Record<string, number>;
      };
      const readMs = doc.timingsMs['read'] ?? 0;
      const analysisMs = (doc.timingsMs['total'] ?? 0) - readMs;
      const row = [cliMs, doc.wallMs, doc.cpuMs, readMs, analysisMs, doc.cpuReadMs, doc.cpuAnalysisMs];
      row.forEach((v, i) => cols[i]!.push(v));
      processCpu.push(doc.processCpuMs);
      // …then the peer on the same three files, interleaved so both see the same machine load.
      let peerCells = '';
      if (options.peer) {
        const r = await runMemlabFindLeaks([files[0]!, files[1]!, files[2]!]);
        peerRuns.push(r);
        peerCells = ` ${memlabCells(r)} |`;
      }
      process.stdout.write(`| ${run} | ${row.map((v) => v.toFixed(0)).join(' | ')} | ${doc.verdict} |${peerCells}\n`);
    }
    const medians = cols.map(median);
    const okRuns = peerRuns.filter((r): r is Extract<MemlabFindLeaksResult, { state: 'ok' }> => r.state === 'ok');
    let peerMedianCells = '';
    if (options.peer) {
      peerMedianCells =
        okRuns.length === 0
          ? ' – | – | |'
          : ` ${median(okRuns.map((r) => r.wallMs)).toFixed(0)} | ${median(okRuns.map((r) => r.cpuMs)).toFixed(0)} | |`;
    }
    process.stdout.write(`| median | ${medians.map((v) => v.toFixed(0)).join(' | ')} | |${peerMedianCells}\n`);
    if (options.peer) {
      if (okRuns.length === 0) {
        const failed = peerRuns[0];
        process.stdout.write(`memlab find-leaks failed in every run${failed?.state === 'failed' ? `: ${failed.error}` : ''}; no ratio\n`);
      } else {
        const memlabWallMs = median(okRuns.map((r) => r.wallMs));
        const memlabCpuMs = median(okRuns.map((r) => r.cpuMs));
        const oursCpuMs = median(processCpu);
        const partial = okRuns.length < peerRuns.length ? ` (memlab failed in ${peerRuns.length - okRuns.length} of ${peerRuns.length} runs)` : '';
        process.stdout.write(
          `memlab find-leaks ${seconds(memlabWallMs)} vs leakbench analyze ${seconds(medians[0]!)}: ${(memlabWallMs / medians[0]!).toFixed(1)}× (wall, medians)${partial}\n` +
            `memlab find-leaks ${seconds(memlabCpuMs)} vs leakbench analyze ${seconds(oursCpuMs)}: ${(memlabCpuMs / oursCpuMs).toFixed(1)}× (whole-process CPU, medians)\n`,
        );
      }
    }
    process.stdout.write(`target: CLI wall ≤ 1000 ms; ${medians[0]! <= 1000 ? 'met' : 'NOT met'} (median)\n`);
    // For reading the CLI figure: what any Node.js command costs here before its first line runs.
    const startUps: number[] = [];
    for (let i = 0; i < 5; i++) startUps.push((await runNode(['-e', '0'])).wallMs);
    const extraCerts = process.env['NODE_EXTRA_CA_CERTS'] === undefined ? '' : ' (NODE_EXTRA_CA_CERTS is set: Node.js loads those certificates as it starts)';
    process.stdout.write(`for reference: \`node -e 0\` takes ${median(startUps).toFixed(0)} ms here (median of 5)${extraCerts}\n`);
    return 0;
  } finally {
    if (cleanup !== undefined) rmSync(cleanup, { recursive: true, force: true });
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isLeakbenchError(err)) {
      process.stderr.write(`bench:analyze: ${err.code}: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
