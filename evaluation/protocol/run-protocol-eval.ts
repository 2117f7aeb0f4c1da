/**
 * `npm run eval:protocol`: runs each case of cases.ts through the real CLI
 * (`leakbench run --cmd "node <server>" --json`, default load unless a case adds flags), scores
 * the run verdict it reports, and prints one row per case: tuning set first, holdout set last and
 * scored apart. Exit code 1 when any case is wrong.
 *
 * Flags: `--only a,b`; `--holdout` / `--tuning`; any flag after `--` goes to every run
 * (e.g. `-- --duration 30`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport, VariantRun } from '../../harness/types.js';
import { PROTOCOL_CASES, type ProtocolCase } from './cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../scripts/leakbench.js');

interface Row {
  name: string;
  set: 'tuning' | 'holdout';
  ok: boolean;
  expect: string;
  got: string;
  seconds: number;
  reason: string;
}

async function runCase(c: ProtocolCase, extra: string[]): Promise<Row> {
  const out = mkdtempSync(path.join(os.tmpdir(), `leakbench-protocol-${c.name}-`));
  const started = performance.now();
  try {
    const args = [cli, 'run', '--cmd', `node ${path.join(here, c.server)}`, '--out', out, '--json', ...(c.flags ?? []), ...extra];
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let so = '';
      let se = '';
      child.stdout.on('data', (d: Buffer) => (so += d.toString()));
      child.stderr.on('data', (d: Buffer) => (se += d.toString()));
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: so, stderr: se }));
    });
    const seconds = (performance.now() - started) / 1000;
    let run: VariantRun | undefined;
    try {
      run = (JSON.parse(stdout) as RunReport).runs[0];
    } catch {
      run = undefined;
    }
    if (run === undefined) {
      const last = stderr.trim().split('\n').pop() ?? '';
      return { name: c.name, set: c.holdout ? 'holdout' : 'tuning', ok: false, expect: c.expect, got: `no report (exit ${code}): ${last}`, seconds, reason: '' };
    }
    const got = [
      run.verdict,
      run.drivenBy ? `driven by ${run.drivenBy}` : '',
      run.idWipes?.length ? `${run.idWipes.length} id reset(s)` : '',
      run.selfCheck ? `self-check ${run.selfCheck.state}` : '',
      `${run.requests} req`,
    ]
      .filter(Boolean)
      .join(', ');
    return { name: c.name, set: c.holdout ? 'holdout' : 'tuning', ok: c.ok(run), expect: c.expect, got, seconds, reason: run.reason };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const extra = dash < 0 ? [] : argv.slice(dash + 1);
  const onlyAt = own.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((own[onlyAt + 1] ?? '').split(',')) : undefined;
  let cases = PROTOCOL_CASES.filter((c) => only === undefined || only.has(c.name));
  if (own.includes('--holdout')) cases = cases.filter((c) => c.holdout);
  if (own.includes('--tuning')) cases = cases.filter((c) => !c.holdout);
  cases = [...cases.filter((c) => !c.holdout), ...cases.filter((c) => c.holdout)];
  const rows: Row[] = [];
  for (const c of cases) {
    process.stderr.write(`protocol eval: ${c.name} …\n`);
    const row = await runCase(c, extra);
    rows.push(row);
    process.stdout.write(`${row.ok ? 'ok  ' : 'FAIL'} ${row.set.padEnd(7)} ${row.name.padEnd(24)} ${row.seconds.toFixed(0).padStart(4)} s  got: ${row.got}\n`);
    process.stdout.write(`     expected: ${row.expect}\n     why: ${row.reason}\n`);
  }
  for (const set of ['tuning', 'holdout'] as const) {
    const part = rows.filter((r) => r.set === set);
    if (part.length > 0) process.stdout.write(`${set}: ${part.filter((r) => r.ok).length}/${part.length} right\n`);
  }
  process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}

await main();
