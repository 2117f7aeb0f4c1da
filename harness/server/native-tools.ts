/**
 * Launching a user's non-Node server under an allocation-site tool, marking instants and stopping
 * it so the tool writes its data:
 *
 * - **heaptrack** (native executables): the command becomes `exec heaptrack -o <prefix> <command>`,
 *   so heaptrack launches the server itself (attaching later misses the frees of earlier
 *   allocations) and no shell or `cargo run` sits between heaptrack and the server. An instant is
 *   a time on heaptrack's clock (ms since the server process started; its `c` lines).
 * - **tracemalloc** (`python3 app.py`): `sitecustomize.py` from `harness/server/python/` on
 *   `PYTHONPATH` starts tracemalloc before the user's code runs; SIGUSR2 makes it fork a child
 *   that writes a snapshot file (the server pauses for the fork only).
 *
 * Stopping: SIGTERM to the server process itself, never to the process group: heaptrack's
 * interpreter and compressor (in the same group) must live on to flush the data file.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import { PACKAGE_ROOT } from '../paths.js';
import { listeningSocketsOf } from './listening-sockets.js';
import { pidsInGroup } from './process-table.js';
import type { ServerExit, ServerHandle } from './start-server.js';

/** Which tool `--native` uses for a command. */
export type NativeTool = 'heaptrack' | 'tracemalloc';

/** Directory with the `sitecustomize.py` that starts tracemalloc. */
export const TRACEMALLOC_SITE_DIR = path.join(PACKAGE_ROOT, 'harness', 'server', 'python');

/** First word of a command line (the program), without quotes. */
export function programOf(command: string): string {
  return (command.trim().split(/\s+/)[0] ?? '').replace(/^['"]|['"]$/g, '');
}

/** tracemalloc for a Python interpreter, heaptrack for anything else. */
export function nativeToolFor(command: string): NativeTool {
  return /^python3?(\.\d+)?$/.test(path.basename(programOf(command))) ? 'tracemalloc' : 'heaptrack';
}

/** Absolute path of `program` on PATH, or undefined. */
export function findOnPath(program: string): string | undefined {
  if (program.includes('/')) return existsSync(program) ? program : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const candidate = path.join(dir || '.', program);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The command line that runs `command` under heaptrack, writing `<prefix>.zst` (or `.gz`). */
export function heaptrackCommand(command: string, outputPrefix: string): string {
  return `exec heaptrack -o '${outputPrefix.replace(/'/g, `'\\''`)}' ${command}`;
}

/** Environment that loads tracemalloc into a Python server (`frames` frames per traceback). */
export function tracemallocEnv(snapshotDir: string, frames: number, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const prior = env['PYTHONPATH'];
  return {
    PYTHONPATH: prior ? `${TRACEMALLOC_SITE_DIR}:${prior}` : TRACEMALLOC_SITE_DIR,
    LEAKBENCH_TRACEMALLOC_DIR: snapshotDir,
    LEAKBENCH_TRACEMALLOC_FRAMES: String(frames),
  };
}

/** The process of `handle`'s group that listens on its port: the server itself (not the shell or the tool). */
export function serverPidOf(handle: ServerHandle): number | undefined {
  for (const pid of pidsInGroup(handle.pid)) {
    if (listeningSocketsOf([pid]).some((s) => s.port === handle.port)) return pid;
  }
  return undefined;
}

/** Milliseconds since `pid` started, on the kernel's clock (10 ms resolution); undefined when gone. */
export function processAgeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, clock ticks since boot) counted after the parenthesised command name.
    const fieldsAfterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fieldsAfterName[19]);
    const uptimeSec = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Math.round(uptimeSec * 1000 - startTicks * 10);
  } catch {
    return undefined;
  }
}

/**
 * SIGTERM to the server process only, then waits for the whole command to end (the tool flushing
 * its data) up to `timeoutMs`; after that the group is killed. True when it ended by itself.
 */
export async function stopServerCleanly(handle: ServerHandle, serverPid: number, timeoutMs = 15_000): Promise<{ clean: boolean; exit: ServerExit }> {
  try {
    process.kill(serverPid, 'SIGTERM');
  } catch {
    // already gone
  }
  const ended = await Promise.race([handle.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs).unref())]);
  if (ended) return { clean: true, exit: ended };
  return { clean: false, exit: await handle.kill() };
}

/** The data file heaptrack wrote for `outputPrefix`, if any. */
export function heaptrackDataFile(outputPrefix: string): string | undefined {
  for (const suffix of ['.zst', '.gz']) if (existsSync(outputPrefix + suffix)) return outputPrefix + suffix;
  return undefined;
}

/** Lines of a heaptrack data file, decompressed as they stream (zstd through `zstd -dc`, gzip in-process). */
export async function* heaptrackLines(file: string): AsyncGenerator<string> {
  if (file.endsWith('.gz')) {
    const { createReadStream } = await import('node:fs');
    yield* readline.createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
    return;
  }
  const child = spawn('zstd', ['-dc', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    yield* readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
  } finally {
    child.kill('SIGKILL');
  }
}

/** Asks the tracemalloc hook of `serverPid` for snapshot number `index`; resolves with its file once written. */
export async function takeTracemallocSnapshot(serverPid: number, snapshotDir: string, index: number, timeoutMs = 60_000): Promise<string> {
  const file = path.join(snapshotDir, `snapshot-${index}.txt`);
  const done = `${file}.done`;
  process.kill(serverPid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`tracemalloc snapshot ${index} not written within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return file;
}
