/**
 * Every `leakbench` command, one module each. Add a command by writing
 * `harness/cli/commands/<name>.ts` (exporting a {@link CommandModule}) and listing it here.
 */
import type { CommandModule } from '../main.js';
import { listCommand } from './list.js';

export const commands: CommandModule[] = [listCommand];
