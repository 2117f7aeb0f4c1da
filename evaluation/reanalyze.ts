/**
 * Tuning aid: re-analyzes snapshot sequences kept by `npm run eval -- --keep` (each directory has
 * s1..sN.heapsnapshot and sequence.json) with the current build, and prints the diff verdict, the
 * run verdict and every finding and dismissed holder. It refuses holdout servers: their snapshots
 * must not be looked at while a rule is tuned.
 *
 *   node dist/evaluation/reanalyze.js <dir>…
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeSnapshots, formatBytes } from '../harness/analysis/index.js';
import { decideVerdict } from '../harness/analysis/decide-verdict.js';
import { growthTrend } from '../harness/analysis/growth-trend.js';
import type { MemorySample } from '../harness/types.js';
import { EVAL_SERVERS } from './eval-servers.js';
import { scoreAnswers } from './run-eval.js';

async function main(dirs: string[]): Promise<number> {
  let wrong = 0;
  for (const dir of dirs) {
    const meta = JSON.parse(readFileSync(path.join(dir, 'sequence.json'), 'utf8')) as {
      server: string;
      requestsAtSnapshot: number[];
      samples: MemorySample[];
    };
    const server = EVAL_SERVERS.find((s) => s.name === meta.server);
    if (server?.set === 'holdout') {
      process.stderr.write(`${meta.server}: holdout server, not re-analyzed\n`);
      continue;
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).sort().map((f) => path.join(dir, f));
    const t = performance.now();
    const result = await analyzeSnapshots(files, { requestsAtSnapshot: meta.requestsAtSnapshot, allocationSites: false });
    const ms = performance.now() - t;
    const run = decideVerdict({ state: 'analyzed', result }, growthTrend(meta.samples));
    const score = server === undefined ? undefined : scoreAnswers(server.expected, result.verdict, run.verdict, result.findings);
    const ok = score !== undefined && score.diffOk && score.runOk && score.mechanismsOk && score.ownerOk;
    if (!ok) wrong++;
    process.stdout.write(
      `\n== ${meta.server} ${ok ? 'OK' : 'WRONG'} (${ms.toFixed(0)} ms) expected ${server?.expected.verdict} [${server?.expected.mechanisms.join(', ')}]\n` +
        `   diff ${result.verdict}: ${result.reason}\n   run ${run.verdict}: ${run.reason}\n`,
    );
    for (const f of result.findings) {
      process.stdout.write(
        `   * ${f.mechanism} (${f.pattern}) ${f.holder} [${f.containerKind}] ${f.bytesPerRequest ?? '-'} B/req owner=${f.owner?.label ?? '-'}\n` +
          `     ${f.accumulates.slice(0, 4).map((a) => `${a.name} ${a.count}/${formatBytes(a.bytes)}`).join('; ')}\n` +
          `     counts ${f.growth.counts.join(' ')} newBytes ${(f.newBytes ?? []).map((b) => formatBytes(b)).join(' ')}\n` +
          (f['sharedWith'] !== undefined ? `     shared ${JSON.stringify(f['sharedWith'])}\n` : '') +
          (f['members'] !== undefined ? `     members ${JSON.stringify(f['members']).slice(0, 300)}\n` : '') +
          (f['bound'] !== undefined ? `     bound ${JSON.stringify(f['bound'])}\n` : '') +
          `     path ${(f['anchorPath'] as unknown[] | undefined) === undefined ? f.path.map((s) => `${s.edge}→${s.node}`).join(' ').slice(-300) : JSON.stringify(f['anchorPath'])}\n`,
      );
    }
    for (const d of result.dismissed.slice(0, 5)) {
      process.stdout.write(`   - ${d.why} ${d.holder} newBytes ${d.newBytes.map((b) => formatBytes(b)).join(' ')} counts ${d.counts.join(' ')}\n`);
    }
  }
  return wrong === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`reanalyze failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
