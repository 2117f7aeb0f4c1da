/**
 * Workshop mode: `leakbench workshop` lists the exercises (difficulty and time from each
 * scenario's metadata, and the state of the participant's file); `--init` writes the missing
 * exercise files `workshop/<scenario>.ts`; `leakbench check <scenario>` measures a participant's
 * fix (see harness/workshop/check-exercise.ts). Exit codes of `check`: 0 pass, 3 fail, 2 bad
 * usage.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { getScenario, listScenarios } from '../../catalog.js';
import { LeakbenchError } from '../../errors.js';
import { REPORTS_DIR } from '../../paths.js';
import type { CommandModule } from '../main.js';
import { parseInteger, parsePositiveNumber } from '../options.js';

/** Reports of workshop checks go here, apart from the scenarios' own runs. */
export const WORKSHOP_REPORTS_SUBDIR = 'workshop';

function workshopDirOption(): Option {
  // For tests and facilitators with several copies; hidden from --help to keep it simple.
  return new Option('--workshop-dir <dir>', 'folder of the exercise files (default: workshop/)').hideHelp();
}

export const workshopCommand: CommandModule = {
  register(program: Command, io, exit) {
    program
      .command('workshop')
      .description('list the workshop exercises with difficulty and time; --init writes the exercise files to fix')
      .option('--init', 'write workshop/<scenario>.ts for every exercise that has no file yet (never overwrites)')
      .option('--json', 'print the list as JSON')
      .addOption(workshopDirOption())
      .addHelpText(
        'after',
        [
          '',
          'Each exercise is a copy of a scenario\'s leaky server. Edit it, then:',
          '  npx leakbench check <scenario>           pass, or what still leaks and a first hint',
          '  npx leakbench check <scenario> --hint 2  a stronger hint (up to 3)',
          '  npx leakbench check <scenario> --reset   restore the original exercise',
          'Facilitator\'s guide: WORKSHOP.md.',
        ].join('\n'),
      )
      .action(async (flags: { init?: boolean; json?: boolean; workshopDir?: string }) => {
        // Loaded here, not at start-up: see CommandModule.
        const { exercisePath, exerciseState, workshopLayout, writeExercise } = await import('../../workshop/exercise-files.js');
        const layout = workshopLayout(flags.workshopDir);
        const scenarios = listScenarios();
        const created: string[] = [];
        if (flags.init) {
          for (const s of scenarios) if (await writeExercise(layout, s, false)) created.push(s.name);
        }
        const rows = [];
        for (const s of scenarios) {
          rows.push({
            name: s.name,
            title: s.title,
            difficulty: s.difficulty ?? 'medium',
            minutes: s.minutes ?? 15,
            file: path.relative(process.cwd(), exercisePath(layout, s.name)),
            state: await exerciseState(layout, s),
          });
        }
        if (flags.json) {
          io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const order = { easy: 0, medium: 1, hard: 2 } as const;
        rows.sort((a, b) => order[a.difficulty] - order[b.difficulty] || a.minutes - b.minutes || a.name.localeCompare(b.name));
        const w = Math.max(8, ...rows.map((r) => r.name.length));
        io.stdout.write(`${'exercise'.padEnd(w)}  difficulty  time    file state  title\n`);
        for (const r of rows) {
          io.stdout.write(`${r.name.padEnd(w)}  ${r.difficulty.padEnd(10)}  ${`${r.minutes} min`.padEnd(6)}  ${r.state.padEnd(10)} ${r.title}\n`);
        }
        const total = rows.reduce((sum, r) => sum + r.minutes, 0);
        io.stdout.write(`\n${rows.length} exercises, about ${total} minutes in all.\n`);
        if (created.length > 0) io.stdout.write(`created ${created.map((n) => path.relative(process.cwd(), exercisePath(layout, n))).join(', ')}\n`);
        else if (rows.some((r) => r.state === 'missing')) io.stdout.write('Run `npx leakbench workshop --init` to write the exercise files.\n');
        io.stdout.write('Then edit one and run `npx leakbench check <exercise>`.\n');
      });

    program
      .command('check')
      .description("check a participant's fix of a workshop exercise: pass (no leak, same answers as the original) or what still leaks")
      .argument('<scenario>', 'exercise name (see `leakbench workshop`)')
      .option('--hint <n>', 'hint level to show when the check fails: 1 (a nudge) to 3 (the shape of the fix)', '1')
      .option('--reset', 'restore workshop/<scenario>.ts from the original and stop')
      .option('--duration <s>', "seconds of measured load (default: the scenario's own)")
      .option('--warmup <s>', "seconds of warm-up (default: the scenario's own)")
      .option('--out <dir>', 'parent directory of the check reports', path.relative(process.cwd(), path.join(REPORTS_DIR, WORKSHOP_REPORTS_SUBDIR)) || '.')
      .option('--json', 'print the result as JSON')
      .addOption(workshopDirOption())
      .action(async (name: string, flags: { hint: string; reset?: boolean; duration?: string; warmup?: string; out?: string; json?: boolean; workshopDir?: string }) => {
        const scenario = getScenario(name);
        // The check (compiler, run loop, renderers) loads here, not at start-up: see CommandModule.
        const [{ keySecret }, { redactDeep }, { createProgressPrinter }, { killProcessGroup, liveChildGroups }, { checkExercise }, { exercisePath, workshopLayout, writeExercise }, { formatCheckResult }, { readHints }] =
          await Promise.all([
            import('../../../scenarios/kit/api-key.js'),
            import('../../report/redact-secrets.js'),
            import('../../report/terminal.js'),
            import('../../server/child-registry.js'),
            import('../../workshop/check-exercise.js'),
            import('../../workshop/exercise-files.js'),
            import('../../workshop/format-check.js'),
            import('../../workshop/hints.js'),
          ]);
        const layout = workshopLayout(flags.workshopDir);
        const hints = readHints(scenario.name);
        const hintLevel = parseInteger('--hint', flags.hint, 1);
        if (hints.length > 0 && hintLevel > hints.length) {
          throw new LeakbenchError('E_USAGE', `--hint must be from 1 to ${hints.length} for ${scenario.name}, got '${flags.hint}'`);
        }
        const file = path.relative(process.cwd(), exercisePath(layout, scenario.name));
        if (flags.reset) {
          await writeExercise(layout, scenario, true);
          io.stdout.write(`restored ${file} from scenarios/${scenario.name}/leaky.ts\n`);
          return;
        }
        const durationSec = flags.duration !== undefined ? parsePositiveNumber('--duration', flags.duration) : undefined;
        let warmupSec: number | undefined;
        if (flags.warmup !== undefined) {
          warmupSec = Number(flags.warmup);
          if (flags.warmup.trim() === '' || !Number.isFinite(warmupSec) || warmupSec < 0) {
            throw new LeakbenchError('E_USAGE', `--warmup must be a number ≥ 0, got '${flags.warmup}'`);
          }
        }
        if (!existsSync(scenario.entries.leaky)) {
          throw new LeakbenchError(
            'E_FILE_NOT_FOUND',
            `compiled original ${path.relative(process.cwd(), scenario.entries.leaky)} is missing; run \`npm run build\` first`,
          );
        }
        if (await writeExercise(layout, scenario, false)) io.stderr.write(`created ${file} (it had not been written yet)\n`);

        const progress = createProgressPrinter(io.stderr, { tty: Boolean(io.stderr.isTTY) && !flags.json });
        let result;
        try {
          result = await checkExercise({
            scenario,
            layout,
            reportsDir: path.resolve(flags.out ?? path.join(REPORTS_DIR, WORKSHOP_REPORTS_SUBDIR)),
            secret: keySecret(),
            ...(durationSec !== undefined ? { durationSec } : {}),
            ...(warmupSec !== undefined ? { warmupSec } : {}),
            onProgress: progress,
            onStage: (_stage, text) => io.stderr.write(`check: ${text}\n`),
            signal: io.signal,
          });
        } catch (err) {
          // Ctrl-C while compiling or comparing answers: stop quietly (the entry script exits 130).
          if (io.signal.aborted) {
            io.stderr.write('check: interrupted\n');
            return;
          }
          throw err;
        } finally {
          for (const pid of liveChildGroups()) killProcessGroup(pid, 'SIGKILL');
        }
        if (io.signal.aborted) {
          io.stderr.write(`check: interrupted${result.run ? ` (partial report: ${result.run.reportHtml})` : ''}\n`);
          return;
        }

        if (flags.json) {
          const level = Math.min(hintLevel, hints.length);
          io.stdout.write(`${JSON.stringify(redactDeep({ ...result, ...(result.passed || level === 0 ? {} : { hint: { level, text: hints[level - 1] } }) }), null, 2)}\n`);
        } else {
          io.stdout.write(formatCheckResult(result, { color: Boolean(io.stdout.isTTY), hints, hintLevel }));
        }
        exit.code = result.passed ? 0 : 3;
      });
  },
};
