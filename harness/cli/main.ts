/**
 * The `leakbench` command line: builds the commander program from one module per command and
 * runs it. It never calls `process.exit`; it returns the exit code for `scripts/leakbench.ts`.
 *
 * Exit codes: 0 ok, 1 unexpected failure, 2 user error (message + code), 3 a gate failed.
 */
import { Command, CommanderError } from 'commander';
import { LeakbenchError } from '../errors.js';
import { commands } from './commands/index.js';

/** What a command's action resolves to: the process exit code. */
export type ExitCode = 0 | 1 | 2 | 3;

/** Streams a command writes to; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted on SIGINT/SIGTERM; long commands stop, clean up and write a partial report. */
  signal: AbortSignal;
}

/**
 * A command module registers itself on the program and sets `result.code` when it finishes.
 * Registration must stay cheap: every module is registered on every start-up (even for `--help`),
 * so a command imports its implementation with `await import(...)` inside its action.
 */
export interface CommandModule {
  register(program: Command, io: CliIo, result: { code: ExitCode }): void;
}

/** Builds the program (exported for tests that check `--help` text). */
export function buildProgram(io: CliIo, result: { code: ExitCode }): Command {
  const program = new Command('leakbench')
    .description(
      'Find memory leaks in Node.js API servers: boot a server, drive HTTP load, sample memory, ' +
        'take V8 heap snapshots, diff them and name what accumulates.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are reported once, by runCli, with their stable code.
      outputError: () => {},
    });
  for (const mod of commands) mod.register(program, io, result);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    });
  }
  return program;
}

/** Runs the CLI with `argv` (without `node` and the script). Resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const result: { code: ExitCode } = { code: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        return 0;
      }
      const message = err.message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ');
      io.stderr.write(`leakbench: ${message} (see --help) [E_USAGE]\n`);
      return 2;
    }
    // Loaded only on this error path: it pulls in node:crypto (~4 ms of start-up) for fingerprints.
    const { redactSecrets } = await import('../report/redact-secrets.js');
    if (err instanceof LeakbenchError) {
      // Messages can quote a server's output, which may echo an API key: never print one.
      io.stderr.write(`leakbench: ${redactSecrets(err.message)} [${err.code}]\n`);
      return 2;
    }
    const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(`leakbench: unexpected failure\n${redactSecrets(stack)}\n`);
    return 1;
  }
}
