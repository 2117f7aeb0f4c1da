/**
 * Test helpers for the robustness integration tests: run the real compiled CLI
 * (`node dist/scripts/leakbench.js …`) as a child process, watch its stderr progress lines, and
 * find its servers in the process table by a unique tag in their environment (every server the
 * harness starts inherits the CLI's environment, so `/proc/<pid>/environ` names them even after
 * the CLI is gone and they were re-parented).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { PACKAGE_ROOT } from '../../paths.js';

/** The compiled CLI entry (npm test builds first). */
export const CLI = path.join(PACKAGE_ROOT, 'dist', 'scripts', 'leakbench.js');
/** Name of the environment variable that tags a test's processes. */
export const TAG_VAR = 'LEAKBENCH_TEST_TAG';

/** A running CLI. */
export interface CliRun {
  child: ChildProcess;
  tag: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when a stderr line matches `pattern` (rejects if the CLI exits first). */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** Resolves with the exit once the CLI has exited. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of {@link startCli}. */
export interface CliOptions {
  env?: Record<string, string>;
  /** The command that runs the CLI (default `node dist/scripts/leakbench.js`), e.g. `npx leakbench` in an installed project. */
  command?: string[];
  cwd?: string;
  /**
   * The test's own `onTestFinished` (from the test context). Concurrent tests must pass it: the
   * global one attaches the cleanup to whichever test vitest thinks is current.
   */
  onTestFinished?: (fn: () => Promise<void>) => void;
}

/** Starts the CLI with `args`; it is killed (SIGKILL) when the test finishes, if still running. */
export function startCli(args: string[], options: CliOptions = {}): CliRun {
  const tag = `t${randomBytes(6).toString('hex')}`;
  const [file, ...prefix] = options.command ?? [process.execPath, CLI];
  const child = spawn(file!, [...prefix, ...args], {
    cwd: options.cwd ?? PACKAGE_ROOT,
    env: { ...process.env, ...options.env, [TAG_VAR]: tag, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    err += c;
    for (const w of [...waiters]) {
      const line = err.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`CLI exited (${code ?? signal}) before ${w.pattern}; stderr:\n${err}`));
      resolve({ code, signal });
    });
  });
  (options.onTestFinished ?? onTestFinished)(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await done;
    // Anything the CLI left behind (a failing test must not leak servers into the next one).
    for (const pid of pidsWithTag(tag)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
  return {
    child,
    tag,
    stdout: () => out,
    stderr: () => err,
    waitForStderr: (pattern) => {
      const line = err.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return Promise.resolve(line);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`CLI already exited before ${pattern}`));
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
    done,
  };
}

/** Runs the CLI to completion. */
export async function runCliToEnd(
  args: string[],
  options: CliOptions = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; tag: string }> {
  const run = startCli(args, options);
  const { code, signal } = await run.done;
  // A signal from outside (not the CLI's own doing) is worth naming in a failure message.
  const stderr = signal ? `${run.stderr()}\n(the CLI was killed by ${signal})` : run.stderr();
  return { code, signal, stdout: run.stdout(), stderr, tag: run.tag };
}

/** Live (non-zombie) processes whose environment carries `LEAKBENCH_TEST_TAG=<tag>`, except the CLI itself when `exceptPid` is given. */
export function pidsWithTag(tag: string, exceptPid?: number): number[] {
  const needle = `${TAG_VAR}=${tag}`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === exceptPid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(needle)) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** The `[E_…]` error lines of a stderr text. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /\[E_[A-Z_]+\]\s*$/.test(l));
}

/** True when the text looks like it carries a stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(]/m.test(text) || /unexpected failure/.test(text);
}
