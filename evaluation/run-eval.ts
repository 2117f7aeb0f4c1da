/**
 * `npm run eval`: runs every evaluation server (tuning set first, holdout set last), takes three
 * snapshots of each under load through one inspector session, analyzes them with
 * `analyzeSnapshots` and prints a table: server, expected, got, pattern, bytes/request, time.
 * Only this scoring step reads `expected`. Exit code 1 when any server is misjudged.
 *
 * Flags: `--only a,b` runs those servers; `--holdout` only the holdout set; `--tuning` only the
 * tuning set; `--seed` runs the three seed scenarios' variants instead (a cross-check); `--keep`
 * keeps the snapshot files; `--json` prints the rows as JSON.
 */
import { rmSync, statSync } from 'node:fs';
import { analyzeSnapshots, formatBytes } from '../harness/analysis/index.js';
import { EVAL_SERVERS, seedChecks, serverJsPath, type EvalServer } from './eval-servers.js';
import { snapshotSequence } from './driver/snapshot-sequence.js';

/** One row of the evaluation table. */
export interface EvalRow {
  server: string;
  holdout: boolean;
  /** `tuning`, `holdout`, or `seed` (the seed scenarios' cross-check). */
  set: 'tuning' | 'holdout' | 'seed';
  expected: string;
  got: string;
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
}

/** Runs one server through the driver and the analysis. */
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
    const snapshotBytes = seq.files.reduce((sum, f) => sum + statSync(f).size, 0);
    const got = `${result.verdict}/${result.pattern}`;
    const expected = `${server.expected.verdict}/${server.expected.pattern}`;
    return {
      server: server.name,
      holdout: server.holdout,
      set: server.serverJs !== undefined ? 'seed' : server.holdout ? 'holdout' : 'tuning',
      expected,
      got,
      ok: got === expected,
      findings: result.findings.length,
      holder: result.findings[0]?.holder ?? '',
      bytesPerRequest: result.bytesPerRequest,
      requests: seq.requestsAtSnapshot[seq.requestsAtSnapshot.length - 1]!,
      totalMs: performance.now() - start,
      analyzeMs,
      snapshotBytes,
      largestDismissedBytes: result.dismissed.reduce((max, d) => Math.max(max, d.newBytes.at(-1) ?? 0), 0),
      reason: result.reason,
    };
  } finally {
    if (!keep) rmSync(seq.dir, { recursive: true, force: true });
    else process.stderr.write(`snapshots kept in ${seq.dir}\n`);
  }
}

function table(rows: EvalRow[]): string {
  const header = [
    'server', 'set', 'expected', 'got', 'ok', 'findings', 'B/request', 'requests', 'largest dismissed', 'MB snapshots', 'time s', 'analyze ms',
  ];
  const lines = rows.map((r) => [
    r.server,
    r.set,
    r.expected,
    r.got,
    r.ok ? 'yes' : 'NO',
    String(r.findings),
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

async function main(argv: string[]): Promise<number> {
  const onlyArg = argv.indexOf('--only');
  const only = onlyArg >= 0 ? new Set((argv[onlyArg + 1] ?? '').split(',')) : undefined;
  const pool = argv.includes('--seed') ? seedChecks() : EVAL_SERVERS;
  let servers = pool.filter((s) => only === undefined || only.has(s.name));
  if (argv.includes('--holdout')) servers = servers.filter((s) => s.holdout);
  if (argv.includes('--tuning')) servers = servers.filter((s) => !s.holdout);
  // Holdout servers last: they were kept out of tuning.
  servers = [...servers.filter((s) => !s.holdout), ...servers.filter((s) => s.holdout)];
  if (servers.length === 0) {
    process.stderr.write('no evaluation server matches\n');
    return 2;
  }
  const rows: EvalRow[] = [];
  for (const server of servers) {
    process.stderr.write(`${server.name} …\n`);
    const row = await evaluateServer(server, argv.includes('--keep'));
    process.stderr.write(`  ${row.got} (${row.ok ? 'ok' : 'WRONG'}): ${row.reason}\n`);
    rows.push(row);
  }
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else {
    process.stdout.write(`${table(rows)}\n`);
    const right = rows.filter((r) => r.ok).length;
    process.stdout.write(`\n${right}/${rows.length} right\n`);
  }
  return rows.every((r) => r.ok) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`eval failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
