/**
 * Boots a user's own server from a shell command (`leakbench run --cmd "<command>"`).
 *
 * The command runs under `/bin/sh -c` in its own process group (killable as a unit, and a
 * terminal's Ctrl-C reaches the harness only), with `PORT=<free port>` and `HOST=127.0.0.1`.
 * Readiness is the port accepting a TCP connection: a user's server has no `/healthz` we can
 * count on. For a Node server nothing needs changing in its code: the V8 inspector is switched on
 * through `NODE_OPTIONS` (`--inspect=127.0.0.1:0`, loopback, a port of the OS's choosing) and its
 * `ws://` URL is read from stderr; when the command wraps Node in another Node process (`npm
 * start`), each prints its own URL and the last one announced before the port opened is the
 * server's. A command that announces no inspector (not Node) is run black-box.
 *
 * The near-heap-limit snapshot flags travel through `NODE_OPTIONS` too, so a server that runs out
 * of heap leaves its last heap behind in the variant's private directory.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { LeakbenchError } from '../errors.js';
import { killProcessGroup, registerChildGroup, unregisterChildGroup } from './child-registry.js';
import { lostPort, PortTaken, startOnFreePort } from './free-port.js';
import { listeningSocketsOf } from './listening-sockets.js';
import { pidsInGroup } from './process-table.js';
import { HEAP_LIMIT_PATTERN, watchNearLimitSnapshot, type ServerExit, type ServerHandle } from './start-server.js';

/** Options for {@link startCommand}. */
export interface StartCommandOptions {
  /** Shell command line, run by `/bin/sh -c`. */
  command: string;
  /** Extra environment; `PORT` and `HOST` are always set by the harness. */
  env?: Record<string, string>;
  /** Extra Node flags appended to `NODE_OPTIONS` (e.g. `--max-old-space-size=64`). */
  nodeOptions?: string[];
  /** Inject `--inspect=127.0.0.1:0` through `NODE_OPTIONS` (default true). */
  inspect?: boolean;
  cwd?: string;
  /** How long to wait for the port to open (default 15 s) before `E_SERVER_START_TIMEOUT`. */
  startTimeoutMs?: number;
  /** Aborting kills the child and rejects. */
  signal?: AbortSignal;
}

const TAIL_CHARS = 16 * 1024;
const INSPECTOR_PATTERN = /Debugger listening on (ws:\/\/\S+)/g;

/**
 * Starts `command` and resolves once its port accepts connections. `inspectorUrl` is set when a
 * Node inspector announced itself. Throws `E_SERVER_CRASHED` when the command exits first and
 * `E_SERVER_START_TIMEOUT` when the port never opens; the process group is dead by then.
 */
export async function startCommand(options: StartCommandOptions): Promise<ServerHandle> {
  // As for scenario servers: a command that dies on EADDRINUSE for the port chosen for it (taken
  // by another process in the gap) is started again on a new one.
  return startOnFreePort(`command "${options.command}"`, (port) => startCommandOn(port, options));
}

async function startCommandOn(port: number, options: StartCommandOptions): Promise<ServerHandle> {
  const inspect = options.inspect ?? true;
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const nodeOptions = [
    process.env['NODE_OPTIONS'] ?? '',
    ...(inspect ? ['--inspect=127.0.0.1:0'] : []),
    ...(options.nodeOptions ?? []),
  ]
    .filter(Boolean)
    .join(' ');
  const child = spawn('/bin/sh', ['-c', options.command], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1', NODE_OPTIONS: nodeOptions },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new LeakbenchError('E_SERVER_CRASHED', `could not start: ${options.command}`);
  registerChildGroup(pid);

  let text = '';
  const urls: string[] = [];
  const push = (chunk: string): void => {
    text += chunk;
    if (text.length > TAIL_CHARS * 2) text = text.slice(-TAIL_CHARS);
  };
  child.stderr.setEncoding('utf8');
  child.stdout.setEncoding('utf8');
  let pendingLine = '';
  const nearLimit = watchNearLimitSnapshot(options.nodeOptions);
  child.stderr.on('data', (chunk: string) => {
    push(chunk);
    nearLimit.push(chunk);
    pendingLine += chunk;
    for (const m of pendingLine.matchAll(INSPECTOR_PATTERN)) urls.push(m[1]!);
    pendingLine = pendingLine.slice(pendingLine.lastIndexOf('\n') + 1);
  });
  child.stdout.on('data', push);
  const tailLines = (n = 20): string =>
    text.slice(-TAIL_CHARS).split('\n').filter((l) => l.trim() !== '').slice(-n).join('\n');

  let killedByHarness = false;
  let exitInfo: ServerExit | undefined;
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('close', (exitCode, signal) => {
      unregisterChildGroup(pid);
      killProcessGroup(pid, 'SIGKILL');
      exitInfo = { exitCode, signal, heapLimit: HEAP_LIMIT_PATTERN.test(text), stderrTail: tailLines(), killedByHarness };
      resolve(exitInfo);
    });
  });
  const kill = async (): Promise<ServerExit> => {
    if (exitInfo) return exitInfo;
    killedByHarness = true;
    killProcessGroup(pid, 'SIGKILL');
    return exited;
  };
  let chosenUrl: string | undefined;
  const handle: ServerHandle = {
    pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get inspectorUrl() {
      return chosenUrl;
    },
    command: ['/bin/sh', '-c', options.command],
    exited,
    get exit() {
      return exitInfo;
    },
    outputTail: () => tailLines(),
    nearLimitSnapshotWritten: nearLimit.written,
    kill,
  };

  try {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
      if (exitInfo) {
        const how = exitInfo.signal ? `signal ${exitInfo.signal}` : `code ${exitInfo.exitCode}`;
        throw new LeakbenchError('E_SERVER_CRASHED', `command exited with ${how} before its port opened${oneLine(exitInfo.stderrTail)}`);
      }
      if (Date.now() > deadline) {
        throw new LeakbenchError(
          'E_SERVER_START_TIMEOUT',
          `command did not open port ${port} (given as PORT) on 127.0.0.1 within ${Math.round(startTimeoutMs / 1000)} s${oneLine(tailLines(5))}`,
        );
      }
      if ((await portAccepts(port)) && ownsPort(pid, port)) break;
      await delay(50);
    }
    // The inspector is announced before any user code runs, so it is known by now; a short grace
    // covers a slow stderr pipe.
    if (inspect && urls.length === 0) await delay(300);
    chosenUrl = urls.at(-1);
    return handle;
  } catch (err) {
    await kill();
    const portTaken = err instanceof LeakbenchError && err.code === 'E_SERVER_CRASHED' && exitInfo?.killedByHarness === false && lostPort(text, port);
    throw portTaken ? new PortTaken(err) : err;
  }
}

/**
 * True when a process of the command's group listens on `port`: another process that took the port
 * in the gap must not pass for the server (the command then dies on EADDRINUSE and is started
 * again). Where `/proc` cannot say (not Linux), an open port is trusted.
 */
export function ownsPort(pgid: number, port: number): boolean {
  if (!existsSync('/proc/net/tcp')) return true;
  return listeningSocketsOf(pidsInGroup(pgid)).some((s) => s.port === port);
}

/** True when a TCP connection to 127.0.0.1:`port` succeeds. */
export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Keeps an error message on one line: the last output lines joined with ` | `. */
function oneLine(text: string): string {
  const flat = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-5).join(' | ');
  return flat ? `; output: ${flat}` : '; the command wrote nothing';
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
