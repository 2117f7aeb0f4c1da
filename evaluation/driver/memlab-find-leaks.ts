/**
 * The peer of `npm run bench:analyze`: memlab's `find-leaks --baseline <s1> --target <s2> --final
 * <s3>`, driven through the installed `@memlab/core` (there is no memlab CLI or `@memlab/api`
 * here). Each run is a fresh `node` process, as our CLI's runs are, so both sides pay process
 * start and module loading.
 *
 * What the child does mirrors memlab's CLI (packages/cli: `CheckLeakCommand.run` after the
 * `BaselineFileOption` / `TargetFileOption` / `FinalFileOption` parsers and the
 * `InitDirectoryCommand` prerequisite):
 *   1. `config.useExternalSnapshot = true` and `config.externalSnapshotFilePaths[0..2]` = the three
 *      files (what the three option parsers set);
 *   2. `fileManager.initDirs(config, { workDir })` (what `find-leaks` does first);
 *   3. `config.chaseWeakMapEdge = false`, then `await analysis.checkLeak()` — memlab's
 *      MemoryAnalyst: diff baseline/target/final, filter, find retainer traces, cluster them.
 * With `useExternalSnapshot` set and no snapshot dir, memlab reads the visit order from its own
 * static baseline/target/final template and each tab's file from `externalSnapshotFilePaths`, so
 * `fileManager.createOrOverrideVisitOrderMetaFileForExternalSnapshot` (the single-snapshot
 * analyses' path) is not needed for find-leaks and is not called.
 *
 * Isolation: the child runs with TMPDIR, cwd and memlab's work dir in a fresh 0700 temp dir (memlab
 * writes its default work dir and a console log under `os.tmpdir()` even when given a work dir, and
 * its trace files quote heap strings, which include API keys); the dir is removed after each run.
 * memlab's console is muted; its errors are turned into throws (not `process.exit`) and reported
 * as the run's result. The child is killed in `finally`, on a timeout, and when the bench gets
 * SIGINT/SIGTERM/SIGHUP; the child also exits when its IPC channel to the parent closes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One memlab find-leaks run: what it found, or why it failed (never thrown). */
export type MemlabFindLeaksResult =
  | {
      state: 'ok';
      /** Spawn to exit (stdio and IPC closed), measured by the parent (process start and module loading included). */
      wallMs: number;
      /** The child's whole-process CPU time (user + system), as it reported it just before exiting. */
      cpuMs: number;
      /** Wall time of `analysis.checkLeak()` alone, inside the child. */
      checkLeakMs: number;
      /** Number of leak trace clusters memlab reported (length of checkLeak()'s result). */
      leakClusterCount: number;
    }
  | { state: 'failed'; wallMs: number; error: string };

/** Options of {@link runMemlabFindLeaks}. */
export interface MemlabFindLeaksOptions {
  /** Kill the child after this long (default 300 000 ms). */
  timeoutMs?: number;
}

const CHILD_FLAG = '--memlab-find-leaks-child';

/** What the child sends over IPC. */
type ChildMessage =
  | { kind: 'done'; cpuMs: number; checkLeakMs: number; leakClusterCount: number }
  | { kind: 'error'; error: string };

/**
 * Runs memlab's find-leaks logic on `[baseline, target, final]` in a fresh child process and
 * returns its timing and cluster count, or the failure as data.
 */
export async function runMemlabFindLeaks(
  files: readonly [string, string, string],
  options: MemlabFindLeaksOptions = {},
): Promise<MemlabFindLeaksResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-memlab-')); // mode 0700
  const self = fileURLToPath(import.meta.url);
  const start = performance.now();
  const child = spawn(process.execPath, [self, CHILD_FLAG, workDir, ...files], {
    cwd: workDir,
    env: { ...process.env, TMPDIR: workDir },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const killChild = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // A signal to the bench alone (not its process group) must not orphan the child: kill it, clean
  // up, then re-raise the signal with the default action restored.
  const onSignal = (signal: NodeJS.Signals): void => {
    killChild();
    rmSync(workDir, { recursive: true, force: true });
    removeSignalHandlers();
    process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeSignalHandlers = (): void => {
    for (const s of signals) process.off(s, onSignal);
  };
  for (const s of signals) process.on(s, onSignal);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  let message: ChildMessage | undefined;
  child.on('message', (m) => {
    message = m as ChildMessage;
  });
  try {
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }>((resolve, reject) => {
      const timer = setTimeout(() => {
        killChild();
        resolve({ code: null, signal: 'SIGKILL', timedOut: true });
      }, timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, timedOut: false });
      });
    });
    const wallMs = performance.now() - start;
    if (exit.timedOut) return { state: 'failed', wallMs, error: `timed out after ${timeoutMs} ms` };
    if (message?.kind === 'done' && exit.code === 0) {
      return { state: 'ok', wallMs, cpuMs: message.cpuMs, checkLeakMs: message.checkLeakMs, leakClusterCount: message.leakClusterCount };
    }
    const why =
      message?.kind === 'error'
        ? message.error
        : `exited with ${exit.signal ?? `code ${exit.code}`}${stderr.trim() === '' ? '' : `: ${lastLine(stderr)}`}`;
    return { state: 'failed', wallMs, error: why };
  } catch (err) {
    return { state: 'failed', wallMs: performance.now() - start, error: err instanceof Error ? err.message : String(err) };
  } finally {
    killChild();
    removeSignalHandlers();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.slice(0, 300);
}

/** The subset of `@memlab/core` 2.0.5 the child uses (it ships CommonJS typings we keep out of our build). */
interface MemlabCore {
  config: {
    muteConsole: boolean;
    errorHandling: number;
    useExternalSnapshot: boolean;
    externalSnapshotFilePaths: string[];
    chaseWeakMapEdge: boolean;
  };
  ErrorHandling: { Throw: number };
  fileManager: { initDirs(config: unknown, options: { workDir: string }): void };
  analysis: { checkLeak(): Promise<unknown[]> };
}

/** Child mode: memlab's find-leaks on three files, result sent over IPC. */
async function childMain(workDir: string, files: string[]): Promise<void> {
  // If the bench dies without killing us (SIGKILL), do not run on as an orphan, and take the work
  // dir (memlab's output quotes heap strings) with us.
  const onDisconnect = (): void => {
    rmSync(workDir, { recursive: true, force: true });
    process.kill(process.pid, 'SIGKILL');
  };
  process.on('disconnect', onDisconnect);
  const send = (m: ChildMessage): Promise<void> => new Promise((resolve) => process.send!(m, () => resolve()));
  try {
    const memlab = createRequire(import.meta.url)('@memlab/core') as MemlabCore;
    const { config, fileManager, analysis } = memlab;
    config.muteConsole = true;
    // memlab's CLI halts (process.exit(1)) on errors; we want the message as the peer's result.
    config.errorHandling = memlab.ErrorHandling.Throw;
    // BaselineFileOption / TargetFileOption / FinalFileOption.
    config.useExternalSnapshot = true;
    config.externalSnapshotFilePaths = [files[0]!, files[1]!, files[2]!];
    // CheckLeakCommand.run.
    fileManager.initDirs(config, { workDir });
    config.chaseWeakMapEdge = false;
    const t0 = performance.now();
    const clusters = await analysis.checkLeak();
    const checkLeakMs = performance.now() - t0;
    const cpu = process.cpuUsage();
    await send({ kind: 'done', cpuMs: (cpu.user + cpu.system) / 1000, checkLeakMs, leakClusterCount: clusters.length });
  } catch (err) {
    await send({ kind: 'error', error: (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300) });
  } finally {
    process.off('disconnect', onDisconnect);
    process.disconnect?.();
  }
}

if (process.argv[2] === CHILD_FLAG && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [workDir, ...files] = process.argv.slice(3);
  if (workDir === undefined || files.length !== 3 || process.send === undefined) {
    process.stderr.write('usage: (internal) memlab-find-leaks child needs a work dir, three files and an IPC channel\n');
    process.exitCode = 2;
  } else {
    void childMain(workDir, files);
  }
}
