/** `leakbench list`: the scenarios with one-line descriptions. */
import { listScenarios } from '../../catalog.js';
import type { CommandModule } from '../main.js';

export const listCommand: CommandModule = {
  register(program, io) {
    program
      .command('list')
      .description('list the scenarios with one-line descriptions')
      .option('--json', 'print the catalog as JSON')
      .action((opts: { json?: boolean }) => {
        const scenarios = listScenarios();
        if (opts.json) {
          const rows = scenarios.map(({ name, title, summary, teaches, difficulty, minutes, load, expected }) => ({
            name, title, summary, teaches, difficulty, minutes, load, expected,
          }));
          io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const width = Math.max(4, ...scenarios.map((s) => s.name.length));
        for (const s of scenarios) io.stdout.write(`${s.name.padEnd(width)}  ${s.summary}\n`);
      });
  },
};
