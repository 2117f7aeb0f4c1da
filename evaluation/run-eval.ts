/**
 * `npm run eval`: runs every evaluation server (tuning part first, holdout part last), takes three
 * snapshots of each under load through one inspector session with after-GC memory samples between
 * them, and scores three answers per server:
 * - the snapshot diff's verdict (`analyzeSnapshots`);
 * - the run verdict: the diff and the growth trend of the samples combined by `decideVerdict`,
 *   exactly as `leakbench run` combines them;
 * - the findings: their mechanisms must equal the expected multiset (no missing, no extra finding),
 *   and, where the case is about ownership, the largest finding's owner must match.
 * Only this scoring step reads `expected`. The tuning and holdout parts are totalled separately.
 * Exit code 1 when any server is misjudged.
 *
 * Flags: `--only a,b` runs those servers; `--holdout` only the holdout part; `--tuning` only the
 * tuning part; `--seed` runs the seed scenarios' variants instead (a cross-check); `--keep` keeps
 * the snapshot files; `--json` prints the rows as JSON.
 */
import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeSnapshots, formatBytes } from '../harness/analysis/index.js';
import { decideVerdict } from '../harness/analysis/decide-verdict.js';
import { growthTrend } from '../harness/analysis/growth-trend.js';
import type { Finding } from '../harness/types.js';
import { EVAL_SERVERS, seedChecks, serverJsPath, type EvalExpectation, type EvalServer } from './eval-servers.js';
import { snapshotSequence } from './driver/snapshot-sequence.js';

/** One row of the evaluation table. */
export interface EvalRow {
  server: string;
  /** `tuning`, `holdout`, or `seed` (the seed scenarios' cross-check). */
  set: 'tuning' | 'holdout' | 'seed';
  failureClass: string;
  expected: string;
  /** The snapshot diff's verdict and the run verdict (diff + growth trend). */
  diffVerdict: string;
  runVerdict: string;
  /** Mechanisms of the findings, sorted. */
  mechanisms: string[];
  owner: string;
  diffOk: boolean;
  runOk: boolean;
  mechanismsOk: boolean;
  ownerOk: boolean;
  ok: boolean;
  findings: number;
  holder: string;
  bytesPerRequest: number | undefined;
  requests: number;
  /** Wall time of the whole server run (boot, load, snapshots, analysis). */
  totalMs: number;
  analyzeMs: number;
  snapshotBytes: number;
  /** Largest examined holder that was not a finding: its new bytes at the last snapshot (noise floor). */
  largestDismissedBytes: number;
  reason: string;
  runReason: string;
}

/** Scores one server's answers against its expectation (pure, unit-tested). */
export function scoreAnswers(
  expected: EvalExpectation,
  diffVerdict: string,
  runVerdict: string,
  findings: Pick<Finding, 'mechanism' | 'owner'>[],
): { diffOk: boolean; runOk: boolean; mechanismsOk: boolean; ownerOk: boolean } {
  const got = findings.map((f) => f.mechanism).sort();
  const want = [...expected.mechanisms].sort();
  const mechanismsOk = got.length === want.length && got.every((m, i) => m === want[i]);
  const owner = findings[0]?.owner;
  const ownerOk =
    expected.owner === undefined || (owner !== undefined && owner.kind === expected.owner.kind && owner.label === expected.owner.label);
  return { diffOk: diffVerdict === expected.verdict, runOk: runVerdict === expected.verdict, mechanismsOk, ownerOk };
}

/** Runs one server through the driver, the analysis and the run verdict. */
export async function evaluateServer(server: EvalServer, keep = false): Promise<EvalRow> {
  const start = performance.now();
  const seq = await snapshotSequence({
    serverJs: server.serverJs ?? serverJsPath(server.name),
    warmupRequests: server.warmupRequests,
    stepRequests: server.stepRequests,
  });
  try {
    const t = performance.now();
    const result = await analyzeSnapshots(seq.files, { requestsAtSnapshot: seq.requestsAtSnapshot });
    const analyzeMs = performance.now() - t;
    const run = decideVerdict({ state: 'analyzed', result }, growthTrend(seq.samples));
    const snapshotBytes = seq.files.reduce((sum, f) => sum + statSync(f).size, 0);
    const score = scoreAnswers(server.expected, result.verdict, run.verdict, result.findings);
    return {
      server: server.name,
      set: server.serverJs !== undefined ? 'seed' : server.set,
      failureClass: server.failureClass,
      expected: `${server.expected.verdict} [${[...server.expected.mechanisms].sort().join(', ')}]`,
      diffVerdict: result.verdict,
      runVerdict: run.verdict,
      mechanisms: result.findings.map((f) => f.mechanism).sort(),
      owner: result.findings[0]?.owner?.label ?? '',
      ...score,
      ok: score.diffOk && score.runOk && score.mechanismsOk && score.ownerOk,
      findings: result.findings.length,
      holder: result.findings[0]?.holder ?? '',
      bytesPerRequest: result.bytesPerRequest,
      requests: seq.requestsAtSnapshot[seq.requestsAtSnapshot.length - 1]!,
      totalMs: performance.now() - start,
      analyzeMs,
      snapshotBytes,
      largestDismissedBytes: result.dismissed.reduce((max, d) => Math.max(max, d.newBytes.at(-1) ?? 0), 0),
      reason: result.reason,
      runReason: run.reason,
    };
  } finally {
    if (!keep) rmSync(seq.dir, { recursive: true, force: true });
    else {
      // What a later re-analysis needs besides the snapshots (evaluation/reanalyze.ts).
      const meta = { server: server.name, requestsAtSnapshot: seq.requestsAtSnapshot, samples: seq.samples };
      writeFileSync(path.join(seq.dir, 'sequence.json'), `${JSON.stringify(meta)}\n`, { mode: 0o600 });
      process.stderr.write(`snapshots kept in ${seq.dir}\n`);
    }
  }
}

const mark = (ok: boolean): string => (ok ? 'yes' : 'NO');

function table(rows: EvalRow[]): string {
  const header = [
    'server', 'set', 'expected', 'diff', 'run', 'mechanisms', 'ok', 'B/request', 'requests', 'largest dismissed', 'MB snapshots', 'time s', 'analyze ms',
  ];
  const lines = rows.map((r) => [
    r.server,
    r.set,
    r.expected,
    `${r.diffVerdict}${r.diffOk ? '' : ' ✗'}`,
    `${r.runVerdict}${r.runOk ? '' : ' ✗'}`,
    `[${r.mechanisms.join(', ')}]${r.mechanismsOk ? '' : ' ✗'}${r.ownerOk ? '' : ` owner ${r.owner || '–'} ✗`}`,
    mark(r.ok),
    r.bytesPerRequest === undefined ? '-' : r.bytesPerRequest.toFixed(1),
    String(r.requests),
    formatBytes(r.largestDismissedBytes),
    (r.snapshotBytes / 1e6).toFixed(1),
    (r.totalMs / 1000).toFixed(1),
    r.analyzeMs.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

/** `tuning: 17/19 right (diff 19, run 18, mechanisms 17)`, one line per part present. */
export function summary(rows: EvalRow[]): string {
  const parts: Array<EvalRow['set']> = ['tuning', 'holdout', 'seed'];
  return parts
    .map((set) => {
      const part = rows.filter((r) => r.set === set);
      if (part.length === 0) return '';
      const count = (f: (r: EvalRow) => boolean): number => part.filter(f).length;
      return (
        `${set}: ${count((r) => r.ok)}/${part.length} right ` +
        `(diff verdict ${count((r) => r.diffOk)}, run verdict ${count((r) => r.runOk)}, ` +
        `mechanisms ${count((r) => r.mechanismsOk)}, owner ${count((r) => r.ownerOk)})\n`
      );
    })
    .join('');
}

async function main(argv: string[]): Promise<number> {
  const onlyArg = argv.indexOf('--only');
  const only = onlyArg >= 0 ? new Set((argv[onlyArg + 1] ?? '').split(',')) : undefined;
  const pool = argv.includes('--seed') ? seedChecks() : EVAL_SERVERS;
  let servers = pool.filter((s) => only === undefined || only.has(s.name));
  if (argv.includes('--holdout')) servers = servers.filter((s) => s.set === 'holdout');
  if (argv.includes('--tuning')) servers = servers.filter((s) => s.set === 'tuning');
  // Holdout servers last: they are kept out of tuning.
  servers = [...servers.filter((s) => s.set !== 'holdout'), ...servers.filter((s) => s.set === 'holdout')];
  if (servers.length === 0) {
    process.stderr.write('no evaluation server matches\n');
    return 2;
  }
  const rows: EvalRow[] = [];
  for (const server of servers) {
    process.stderr.write(`${server.name} (${server.set}) …\n`);
    const row = await evaluateServer(server, argv.includes('--keep'));
    // The holdout part's reasons are not printed: reading them while tuning would fit rules to it.
    if (row.set !== 'holdout') {
      process.stderr.write(`  ${row.diffVerdict}/${row.runVerdict} [${row.mechanisms.join(', ')}] (${row.ok ? 'ok' : 'WRONG'}): ${row.reason}\n`);
    }
    rows.push(row);
  }
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else {
    process.stdout.write(`${table(rows)}\n\n${summary(rows)}`);
  }
  return rows.every((r) => r.ok) ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`eval failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
