/**
 * `npm run bench:engine`: the heap engine against its peers on the same realistic server heaps.
 *
 * 1. Makes (once; cached in `.bench/`, regenerated when missing) snapshots of about 10 MB,
 *    150 MB and 700 MB written by a node:http server filled by real requests on 127.0.0.1.
 * 2. Runs, on each file, our engine, DevTools' model (heap-snapshot-toolkit), @memlab/core and
 *    @vscode/v8-heap-parser, each in its own child process (peak RSS per tool), one at a time.
 * 3. Runs every tool several times per file (5 on the 10 MB file, 3 on the 150 MB one, once on
 *    the 700 MB one; `--runs N` for all), the tools in turn within each round so that a busy
 *    moment of this shared machine does not fall on one tool only, and keeps each tool's median
 *    run (by wall time).
 * 4. Prints wall time, CPU time, peak RSS and our ratio to each peer; a peer that fails shows as
 *    failing.
 *
 * Flags: `--size 2g` generates and analyzes a ~2 GB snapshot with our engine only;
 * `--sizes 10m,150m` picks the standard files; `--no-peers` runs ours only; `--runs N`;
 * `--timeout <s>` per tool run (default 900).
 */
import { fork } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../harness/paths.js';
import { generateServerHeap } from './bench/engine/generate-heap.js';
import type { ToolName, ToolResult } from './bench/engine/run-tool.js';

const here = dirname(fileURLToPath(import.meta.url));
const BENCH_DIR = join(PACKAGE_ROOT, '.bench');

interface SizeSpec {
  label: string;
  /** heapUsed of the fixture server at which it writes its snapshot (calibrated: file ≈ 1.3–1.6× heapUsed). */
  targetHeapUsedBytes: number;
  /** Targets for our engine (issue 20: the heap engine v2). */
  targetMs?: number;
  targetRssBytes?: number;
  /** The target as the issue words it. */
  targetLabel?: string;
  /** Runs per tool unless `--runs` says otherwise (the median is kept). */
  runs: number;
  /**
   * `--max-old-space-size` for the tool processes, only where a file needs more than V8's default
   * limit. Not otherwise: any V8 flag on the command line makes Node compile its own internal
   * modules from source instead of its code cache (keyed by the flags), ~7–9 ms more for every
   * tool (measured on the 12 MiB file; DevTools' model and memlab read the 680 MiB one within
   * the default limit).
   */
  heapLimitMb?: number;
}

const MiB = 2 ** 20;
const SIZES: Record<string, SizeSpec> = {
  '10m': { label: '10m', targetHeapUsedBytes: 8 * MiB, targetMs: 250, targetLabel: '≤ 0.25 s', runs: 5 },
  '150m': { label: '150m', targetHeapUsedBytes: 92 * MiB, targetMs: 1000, targetRssBytes: 450e6, targetLabel: '≤ 1.0 s, ≤ 450 MB', runs: 3 },
  '700m': { label: '700m', targetHeapUsedBytes: 390 * MiB, targetMs: 5000, targetRssBytes: 1.1e9, targetLabel: '≤ 5 s, ≤ 1.1 GB', runs: 1 },
  '2g': { label: '2g', targetHeapUsedBytes: 1150 * MiB, targetMs: 10_000, targetLabel: '≤ 10 s', runs: 1, heapLimitMb: 20000 },
};
const PEERS: ToolName[] = ['devtools', 'memlab', 'vscode'];

const HELP = `usage: npm run bench:engine -- [flags]
  --sizes 10m,150m   which of the standard snapshots to run (default 10m,150m,700m; made once in .bench/)
  --size 2g          a ~2 GB snapshot, our engine only (generated on first use: several minutes, ~2 GB disk)
  --no-peers         our engine only (no DevTools model, memlab, vscode parser)
  --runs N           runs per tool and file, the median kept (default 5 / 3 / 1 for 10m / 150m / 700m)
  --timeout <s>      limit per tool run (default 900)
  --help             this text
`;

function parseArgs(argv: string[]): { sizes: string[]; peers: boolean; timeoutMs: number; runs: number | undefined } | undefined {
  let sizes = ['10m', '150m', '700m'];
  let peers = true;
  let timeoutMs = 900_000;
  let runs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--size') {
      sizes = [String(argv[++i]).toLowerCase()];
      if (sizes[0] === '2g') peers = false;
    } else if (a === '--sizes') sizes = String(argv[++i]).toLowerCase().split(',');
    else if (a === '--no-peers') peers = false;
    else if (a === '--timeout') timeoutMs = Number(argv[++i]) * 1000;
    else if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--help' || a === '-h') return undefined;
    else throw new Error(`unknown flag ${a} (see --help)`);
  }
  for (const s of sizes) if (SIZES[s] === undefined) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  if (!(timeoutMs > 0)) throw new Error('--timeout needs a positive number of seconds');
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1 && runs <= 51)) throw new Error('--runs needs a whole number from 1 to 51');
  return { sizes, peers, timeoutMs, runs };
}

type Measured = ToolResult | { ok: false; error: string; maxRssBytes: number };

/** Runs one tool on one file in a fresh process and collects its report. */
function runTool(tool: ToolName, file: string, timeoutMs: number, heapLimitMb: number | undefined): Promise<Measured> {
  return new Promise((resolve) => {
    const child = fork(join(here, 'bench', 'engine', 'run-tool.js'), [tool, file], {
      execArgv: heapLimitMb === undefined ? [] : [`--max-old-space-size=${heapLimitMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let result: Measured | undefined;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const timer = setTimeout(() => {
      result = { ok: false, error: `timeout after ${timeoutMs / 1000} s`, maxRssBytes: 0 };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: ToolResult) => {
      result ??= m;
    });
    const killChild = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killChild);
    child.on('exit', (code, signal) => {
      process.off('exit', killChild);
      clearTimeout(timer);
      if (result === undefined) {
        const last = stderr.trim().split('\n').filter((l) => /error|unreachable|abort|memory/i.test(l)).pop();
        result = { ok: false, error: `crashed (${signal ?? `exit ${code}`})${last ? `: ${last.trim().slice(0, 100)}` : ''}`, maxRssBytes: 0 };
      }
      resolve(result);
    });
  });
}

/** The run with the median wall time, the slower middle one of an even count (a failed run, if any: failing is the result). */
function medianRun(results: Measured[]): Measured | undefined {
  const failed = results.find((r) => !r.ok);
  if (failed !== undefined || results.length === 0) return failed;
  const wall = (r: Measured): number => (r.ok ? r.wallMs : Infinity);
  const sorted = [...results].sort((a, b) => wall(a) - wall(b));
  return sorted[sorted.length >> 1];
}

function fmtTime(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}
function fmtMem(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / MiB).toFixed(0)} MiB`;
}
function cell(r: Measured | undefined): string {
  if (r === undefined) return '-';
  if (!r.ok) return `fails (${r.error})`;
  const inspect = r.analysisMs === undefined ? '' : `; inspect total ${fmtTime(r.analysisMs)}`;
  return `${fmtTime(r.wallMs)} (cpu ${fmtTime(r.cpuMs)}${inspect}), ${fmtMem(r.maxRssBytes)}`;
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === undefined) {
    process.stdout.write(HELP);
    return;
  }
  const { sizes, peers, timeoutMs, runs } = parsed;
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const rows: Array<{
    spec: SizeSpec; file: string; fileBytes: number; runs: number;
    results: Partial<Record<ToolName, Measured>>; walls: Partial<Record<ToolName, number[]>>;
  }> = [];
  for (const s of sizes) {
    const spec = SIZES[s]!;
    const file = join(BENCH_DIR, `server-heap-${spec.label}.heapsnapshot`);
    if (!existsSync(file)) {
      log(`generating ${file} (server heap → ~${spec.label} snapshot, cached for later runs)`);
      await generateServerHeap(file, { targetHeapUsedBytes: spec.targetHeapUsedBytes, log });
    }
    rows.push({ spec, file, fileBytes: statSync(file).size, runs: runs ?? spec.runs, results: {}, walls: {} });
  }
  const tools: ToolName[] = ['leakbench', ...(peers ? PEERS : [])];
  for (const row of rows) {
    const all: Partial<Record<ToolName, Measured[]>> = {};
    for (let round = 1; round <= row.runs; round++) {
      for (const tool of tools) {
        // A tool that failed is not run again (a crash or a timeout repeats).
        if (all[tool]?.some((r) => !r.ok)) continue;
        log(`running ${tool} on ${row.file}${row.runs > 1 ? ` (run ${round} of ${row.runs})` : ''} …`);
        const r = await runTool(tool, row.file, timeoutMs, row.spec.heapLimitMb);
        (all[tool] ??= []).push(r);
        log(`  ${tool}: ${cell(r)}`);
      }
    }
    for (const tool of tools) {
      const results = all[tool] ?? [];
      const median = medianRun(results);
      if (median !== undefined) row.results[tool] = median;
      row.walls[tool] = results.flatMap((r) => (r.ok ? [r.wallMs] : []));
    }
  }

  const out: string[] = [];
  const header = ['file', 'nodes', 'runs', 'leakbench (full analysis)', ...(peers ? ['DevTools model (toolkit)', 'memlab', 'vscode WASM parser'] : []), 'target', 'ratios (peer time / ours)'];
  out.push(`| ${header.join(' | ')} |`);
  out.push(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) {
    const ours = row.results.leakbench;
    const nodes = ours?.ok ? `${(ours.nodeCount / 1e6).toFixed(2)}M` : '?';
    const target = row.spec.targetLabel ?? '-';
    let verdict = '';
    if (ours?.ok && row.spec.targetMs !== undefined) {
      const timeOk = ours.wallMs <= row.spec.targetMs;
      const memOk = row.spec.targetRssBytes === undefined || ours.maxRssBytes <= row.spec.targetRssBytes;
      verdict = timeOk && memOk ? ' (met)' : ` (missed: ${timeOk ? '' : 'time '}${memOk ? '' : 'memory'})`.replace(' )', ')');
    }
    const ratios = peers
      ? PEERS.map((p) => {
        const r = row.results[p];
        if (!r?.ok) return `${p}: fails`;
        if (!ours?.ok) return `${p}: -`;
        return `${p} ${(r.wallMs / ours.wallMs).toFixed(1)}× wall, ${(r.cpuMs / ours.cpuMs).toFixed(1)}× cpu, ${(r.maxRssBytes / ours.maxRssBytes).toFixed(1)}× RSS`;
      }).join('; ')
      : '-';
    const walls = row.walls.leakbench ?? [];
    const spread = walls.length > 1 ? `; runs ${fmtTime(Math.min(...walls))}–${fmtTime(Math.max(...walls))}` : '';
    out.push(`| ${fmtMem(row.fileBytes)} | ${nodes} | ${row.runs} | ${cell(ours)}${spread} | ${peers ? `${PEERS.map((p) => cell(row.results[p])).join(' | ')} | ` : ''}${target}${verdict} | ${ratios} |`);
  }
  const load = loadavg().map((x) => x.toFixed(1)).join(' ');
  process.stdout.write(`\nHeap engine benchmark: wall time of load + full analysis (cpu = user + system of all threads), ` +
    `peak RSS of the process; each tool's median run of \`runs\` (tools in turn each round); node ${process.version}, ` +
    `${availableParallelism()} CPUs, load average ${load}\n` +
    `leakbench's full analysis is the work \`leakbench inspect\` does, through the same functions: read and parse, ` +
    `derived data (distances, dominators, retained sizes), class aggregates, the top 10 dominators and their paths. ` +
    `Its wall time counts from the tool process's start, module loading included; "inspect total" is the span ` +
    `\`leakbench inspect --verbose\` prints as total (without start-up and module loading).\n\n`);
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench:engine: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
