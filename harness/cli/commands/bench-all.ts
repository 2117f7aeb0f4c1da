/**
 * `leakbench bench-all` (and `npm run bench:all`): every scenario, both variants, one after the
 * other; writes `reports/bench-all/<run-id>/summary.{json,md,html}` plus each scenario's own run
 * report. Progress goes to stderr; stdout gets the Markdown matrix, or the summary JSON with `--json`.
 *
 * Exit codes: 0 when every verdict is what the scenarios' metadata expects, 3 when any differs or
 * a scenario errored (the gate), 2 for bad flags or an unknown scenario in `--only`.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { getScenario, listScenarios } from '../../catalog.js';
import { LeakbenchError } from '../../errors.js';
import { REPORTS_DIR } from '../../paths.js';
import type { CommandModule } from '../main.js';
import { parseChoice, parsePositiveNumber } from '../options.js';

interface BenchAllFlags {
  only?: string;
  runtime?: string;
  duration?: string;
  warmup?: string;
  out?: string;
  json?: boolean;
}

/** Parses `--only a,b`: names in the order given, each a catalog scenario, no duplicates. */
export function parseOnly(raw: string): string[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new LeakbenchError('E_USAGE', `--only needs scenario names separated by commas, got '${raw}'`);
  for (const n of names) getScenario(n);
  return [...new Set(names)];
}

export const benchAllCommand: CommandModule = {
  register(program: Command, io, result) {
    program
      .command('bench-all')
      .description('run every scenario, both variants, and write the benchmark matrix (reports/bench-all/<run-id>/summary.{json,md,html})')
      .option('--only <names>', 'comma-separated scenario names (default: every scenario)')
      .option('--runtime <list>', "comma-separated runtimes: 'node' (default), 'rust' or 'node,rust' (Rust twins under heaptrack as <name>-rust rows; npm run build:rust first)")
      .option('--duration <s>', 'seconds of measured load per variant (default: each scenario\'s own)')
      .option('--warmup <s>', 'seconds of warm-up per variant (default: each scenario\'s own)')
      .option('--out <dir>', 'parent directory of the reports', path.relative(process.cwd(), REPORTS_DIR) || '.')
      .option('--json', 'print summary.json on stdout instead of the Markdown matrix')
      .addHelpText(
        'after',
        [
          '',
          'Scenarios run one at a time, leaky then fixed. Exit 3 when any verdict differs from the',
          "scenario's expected one (scenario.json) or a scenario errored; the comparison happens after",
          'the runs and never influences a verdict.',
          '',
          'Examples:',
          '  npm run bench:all',
          '  npm run bench:all -- --only unbounded-map,regex-churn --duration 10 --warmup 2',
        ].join('\n'),
      )
      .action(async (flags: BenchAllFlags) => {
        const only = flags.only !== undefined ? parseOnly(flags.only) : undefined;
        const durationSec = flags.duration !== undefined ? parsePositiveNumber('--duration', flags.duration) : undefined;
        let warmupSec: number | undefined;
        if (flags.warmup !== undefined) {
          warmupSec = Number(flags.warmup);
          if (flags.warmup.trim() === '' || !Number.isFinite(warmupSec) || warmupSec < 0) {
            throw new LeakbenchError('E_USAGE', `--warmup must be a number ≥ 0, got '${flags.warmup}'`);
          }
        }
        const scenarios = only ? only.map((n) => getScenario(n)) : listScenarios();
        const runtimes = (flags.runtime ?? 'node').split(',').map((r) => parseChoice('--runtime', r.trim(), ['node', 'rust'] as const));
        // The matrix runner and its renderers load here, not at start-up: see CommandModule.
        const [{ keySecret }, { matrixExitCode }, { runMatrix, serializeMatrixSummary, timeToVerdictMedians }, { formatBytesPerRequest, formatDurationMs }, { renderMatrixMarkdown }, { createProgressPrinter }, { killProcessGroup, liveChildGroups }] =
          await Promise.all([
            import('../../../scenarios/kit/api-key.js'),
            import('../../bench/matrix-gate.js'),
            import('../../bench/run-matrix.js'),
            import('../../report/format-units.js'),
            import('../../report/render-matrix.js'),
            import('../../report/terminal.js'),
            import('../../server/child-registry.js'),
          ]);
        const progress = createProgressPrinter(io.stderr, { tty: Boolean(io.stderr.isTTY) && !flags.json });
        const log = (line: string): void => {
          io.stderr.write(`${line}\n`);
        };
        const { summary, files } = await runMatrix(
          {
            scenarios,
            ...(durationSec !== undefined ? { durationSec } : {}),
            ...(warmupSec !== undefined ? { warmupSec } : {}),
            ...(only ? { only } : {}),
            runtimes,
            reportsDir: path.resolve(flags.out ?? REPORTS_DIR),
            secret: keySecret(),
          },
          {
            onScenarioStart: (s, position, total) => log(`bench:all [${position}/${total}] ${s.name}: leaky, then fixed`),
            onProgress: progress,
            onScenarioDone: (row) => {
              if (row.state === 'errored') log(`bench:all ${row.scenario}: errored: ${row.error.message} [${row.error.code}]`);
              else {
                const cells = row.cells.map((c) => `${c.variant} ${c.verdict} ${formatBytesPerRequest(c.bytesPerRequest)} in ${formatDurationMs(c.timeToVerdictMs)}${c.evidenceMs !== undefined ? ` (evidence ${formatDurationMs(c.evidenceMs)}, ${c.decidedBy ?? "?"})` : ""}`);
                log(`bench:all ${row.scenario}: ${cells.join(', ')}`);
              }
            },
            signal: io.signal,
          },
        );

        const leftover = liveChildGroups();
        for (const pid of leftover) killProcessGroup(pid, 'SIGKILL');
        if (leftover.length > 0) log(`leakbench: warning: killed ${leftover.length} leftover server process group(s)`);

        if (flags.json) io.stdout.write(serializeMatrixSummary(summary));
        else io.stdout.write(`\n${renderMatrixMarkdown(summary)}\nsummary: ${path.relative(process.cwd(), files.html)}\n`);
        // Time to verdict, the run protocol's figure: median per variant, evidence and wall.
        for (const m of timeToVerdictMedians(summary.rows)) {
          const evidence = m.evidenceMs !== undefined ? `${formatDurationMs(m.evidenceMs)} to the verdict's evidence, ` : '';
          log(`bench:all: median time to verdict, ${m.variant} (${m.runs} runs): ${evidence}${formatDurationMs(m.wallMs)} wall (boot to done)`);
        }
        for (const e of summary.expectations.filter((x) => !x.matches)) {
          log(`bench:all: ${e.scenario}/${e.variant}: got ${e.actual}, scenario.json expects ${e.expected}`);
        }
        result.code = matrixExitCode(summary.expectations);
      });
  },
};
