/**
 * Every `leakbench` command, one module each. Add a command by writing
 * `harness/cli/commands/<name>.ts` (exporting a {@link CommandModule}) and listing it here.
 */
import type { CommandModule } from '../main.js';
import { analyzeCommand } from './analyze.js';
import { attachCommand } from './attach.js';
import { benchAllCommand } from './bench-all.js';
import { compareCommand } from './compare.js';
import { inspectCommand } from './inspect.js';
import { listCommand } from './list.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { workshopCommand } from './workshop.js';

export const commands: CommandModule[] = [listCommand, runCommand, reportCommand, compareCommand, analyzeCommand, inspectCommand, benchAllCommand, workshopCommand, attachCommand];
