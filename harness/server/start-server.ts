/**
 * Boots the server under test as a child process and tells when it is ready.
 *
 * The child runs `node --inspect=127.0.0.1:0 … <entry>` with `PORT=<free port>` in its own process
 * group: the inspector picks its own port and announces the `ws://` URL on stderr, which we parse;
 * readiness is the first `200` from `GET /healthz`. The last few KiB of the child's output are kept
 * so a start failure or a crash can say why. Killing sends SIGKILL to the whole group, so anything
 * the server spawned dies with it.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { isLeakbenchError, LeakbenchError } from '../errors.js';
import { killProcessGroup, registerChildGroup, unregisterChildGroup } from './child-registry.js';
import { lostPort, PortTaken, startOnFreePort } from './free-port.js';

/** How the child ended, as observed by the harness. */
export interface ServerExit {
  exitCode: number | null;
  signal: string | null;
  /** True when the child's output says V8 ran out of heap (the leak under test can cause it). */
  heapLimit: boolean;
  /** The last lines of the child's stderr (and stdout). */
  stderrTail: string;
  /** True when the harness killed it on purpose (cleanup), false for a crash. */
  killedByHarness: boolean;
}

/** Options for {@link startServer}. */
export interface StartServerOptions {
  /** JavaScript entry point, run by the current `node` binary. */
  entry: string;
  /** Extra flags for node before the entry (e.g. `--max-old-space-size=64`). */
  nodeArgs?: string[];
  /** Extra environment; `PORT` is always set by the harness. */
  env?: Record<string, string>;
  cwd?: string;
  /** Open the V8 inspector on 127.0.0.1 port 0 (default true). */
  inspect?: boolean;
  /** Path answered with 200 once the server is ready (default `/healthz`). */
  readinessPath?: string;
  /** How long to wait for readiness before `E_SERVER_START_TIMEOUT` (default 15 s). */
  startTimeoutMs?: number;
  /** Aborting kills the child and rejects. */
  signal?: AbortSignal;
}

/** A running server under test. */
export interface ServerHandle {
  pid: number;
  port: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** `ws://127.0.0.1:<port>/<uuid>` of the child's inspector, when `inspect` is on. */
  inspectorUrl: string | undefined;
  /** The argv that started the child (no secrets: keys travel in the environment's default). */
  command: string[];
  /** Resolves once the child has exited (crash or kill). */
  exited: Promise<ServerExit>;
  /** The exit, once it happened. */
  readonly exit: ServerExit | undefined;
  /** The last lines the child wrote. */
  outputTail(): string;
  /**
   * Resolves with the file Node names once it has written its near-heap-limit snapshot
   * (`--heapsnapshot-near-heap-limit`); never resolves otherwise. V8 raises the heap limit so the
   * snapshot can be written and may keep it raised, so a leaking server can run on long past the
   * limit it was given. Absent for a server leakbench did not start (`attach`).
   */
  nearLimitSnapshotWritten?: Promise<string>;
  /** Kills the whole process group and waits for the child to be reaped. Idempotent. */
  kill(): Promise<ServerExit>;
}

const TAIL_BYTES = 16 * 1024;
/** What Node and V8 print when the heap ran out. */
export const HEAP_LIMIT_PATTERN = /JavaScript heap out of memory|Reached heap limit|Allocation failed - /;
const INSPECTOR_PATTERN = /Debugger listening on (ws:\/\/\S+)/;

/** Node's line once its near-heap-limit snapshot is on disk. */
const NEAR_LIMIT_WRITTEN_PATTERN = /^Wrote snapshot to (.+\.heapsnapshot)\s*$/gm;

/**
 * Watches a child's stderr, chunk by chunk, for the line Node prints once it has written its
 * near-heap-limit snapshot; `written` resolves with the file it names. With `nodeArgs` holding a
 * `--diagnostic-dir=<dir>`, only a file in that folder counts: a server that prints such a line
 * of its own (about some other snapshot) is not taken for one at its heap limit.
 */
export function watchNearLimitSnapshot(nodeArgs: readonly string[] = []): { push(chunk: string): void; written: Promise<string> } {
  const dirArg = nodeArgs.findLast((a) => a.startsWith('--diagnostic-dir='));
  const dir = dirArg === undefined ? undefined : path.resolve(dirArg.slice('--diagnostic-dir='.length));
  let pending = '';
  let found = false;
  let resolveWritten: (file: string) => void = () => {};
  const written = new Promise<string>((resolve) => {
    resolveWritten = resolve;
  });
  return {
    written,
    push(chunk: string): void {
      if (found) return;
      pending += chunk;
      const end = pending.lastIndexOf('\n');
      if (end < 0) {
        // No whole line yet; a line longer than any Node prints is not the one we want.
        if (pending.length > 64 * 1024) pending = '';
        return;
      }
      const lines = pending.slice(0, end);
      pending = pending.slice(end + 1);
      for (const match of lines.matchAll(NEAR_LIMIT_WRITTEN_PATTERN)) {
        const file = match[1]!;
        if (dir !== undefined && path.dirname(path.resolve(file)) !== dir) continue;
        found = true;
        pending = '';
        resolveWritten(file);
        return;
      }
    },
  };
}

/** Keeps the last {@link TAIL_BYTES} of a stream's text. */
class OutputTail {
  private text = '';
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > TAIL_BYTES * 2) this.text = this.text.slice(-TAIL_BYTES);
  }
  all(): string {
    return this.text.slice(-TAIL_BYTES);
  }
  /** The last `lines` non-empty lines. */
  lines(lines = 20): string {
    return this.all().split('\n').filter((l) => l.trim() !== '').slice(-lines).join('\n');
  }
}

/**
 * Starts the server and resolves once `/healthz` answers 200 (and the inspector URL is known).
 * Throws `E_SERVER_START_TIMEOUT` (with the stderr tail) when it never gets ready and
 * `E_SERVER_CRASHED` when it exits first; in both cases the child is already dead.
 */
export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
  // The port is chosen here and bound by the child a moment later; another process (parallel
  // tests, another run) can take it in between. A child that dies on EADDRINUSE for that port is
  // started again on a new one; any other failure is reported as it is.
  return startOnFreePort(`server ${options.entry}`, (port) => startServerOn(port, options));
}

async function startServerOn(port: number, options: StartServerOptions): Promise<ServerHandle> {
  const inspect = options.inspect ?? true;
  const readinessPath = options.readinessPath ?? '/healthz';
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const args = [...(inspect ? ['--inspect=127.0.0.1:0'] : []), ...(options.nodeArgs ?? []), options.entry];
  const command = [process.execPath, ...args];

  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: killable as a unit, and a terminal's SIGINT goes to the harness only,
    // which then decides when to kill (after writing a partial report).
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new LeakbenchError('E_SERVER_CRASHED', `could not start ${options.entry}`);
  }
  registerChildGroup(pid);

  const tail = new OutputTail();
  const nearLimit = watchNearLimitSnapshot(args);
  let inspectorUrl: string | undefined;
  child.stderr.setEncoding('utf8');
  child.stdout.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    tail.push(chunk);
    nearLimit.push(chunk);
    if (inspectorUrl === undefined) {
      const match = INSPECTOR_PATTERN.exec(tail.all());
      if (match) inspectorUrl = match[1];
    }
  });
  child.stdout.on('data', (chunk: string) => tail.push(chunk));

  let killedByHarness = false;
  let exitInfo: ServerExit | undefined;
  const exited = new Promise<ServerExit>((resolve) => {
    // `close` (not `exit`) so the tail includes everything the child wrote before dying.
    child.once('close', (exitCode, signal) => {
      unregisterChildGroup(pid);
      // Anything else left in the group (a grandchild) goes too.
      killProcessGroup(pid, 'SIGKILL');
      const text = tail.all();
      exitInfo = {
        exitCode,
        signal,
        heapLimit: HEAP_LIMIT_PATTERN.test(text),
        stderrTail: tail.lines(),
        killedByHarness,
      };
      resolve(exitInfo);
    });
  });

  const kill = async (): Promise<ServerExit> => {
    if (exitInfo) return exitInfo;
    killedByHarness = true;
    killProcessGroup(pid, 'SIGKILL');
    return exited;
  };

  const handle: ServerHandle = {
    pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get inspectorUrl() {
      return inspectorUrl;
    },
    command: command.map((part) => part),
    exited,
    get exit() {
      return exitInfo;
    },
    outputTail: () => tail.lines(),
    nearLimitSnapshotWritten: nearLimit.written,
    kill,
  };

  try {
    await waitUntilReady({
      port,
      readinessPath,
      startTimeoutMs,
      needInspector: inspect,
      hasInspector: () => inspectorUrl !== undefined,
      exited,
      signal: options.signal,
      entry: options.entry,
      tail,
    });
    return handle;
  } catch (err) {
    await kill();
    const portTaken = isLeakbenchError(err, 'E_SERVER_CRASHED') && exitInfo?.killedByHarness === false && lostPort(tail.all(), port);
    throw portTaken ? new PortTaken(err) : err;
  }
}

interface ReadyWait {
  port: number;
  readinessPath: string;
  startTimeoutMs: number;
  needInspector: boolean;
  hasInspector: () => boolean;
  exited: Promise<ServerExit>;
  signal: AbortSignal | undefined;
  entry: string;
  tail: OutputTail;
}

async function waitUntilReady(w: ReadyWait): Promise<void> {
  const deadline = Date.now() + w.startTimeoutMs;
  let exit: ServerExit | undefined;
  void w.exited.then((e) => {
    exit = e;
  });
  for (;;) {
    if (w.signal?.aborted) throw w.signal.reason instanceof Error ? w.signal.reason : new Error('aborted');
    if (exit) {
      const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.exitCode}`;
      throw new LeakbenchError(
        'E_SERVER_CRASHED',
        `server ${w.entry} exited with ${how} before it was ready${formatTail(exit.stderrTail)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new LeakbenchError(
        'E_SERVER_START_TIMEOUT',
        `server ${w.entry} did not answer GET ${w.readinessPath} on 127.0.0.1:${w.port} within ` +
          `${Math.round(w.startTimeoutMs / 1000)} s${formatTail(w.tail.lines(5))}`,
      );
    }
    if ((!w.needInspector || w.hasInspector()) && (await probeHttp(w.port, w.readinessPath))) return;
    await delay(50);
  }
}

/** Keeps a one-line error message one line: the tail joined with ` | `. */
function formatTail(text: string): string {
  const flat = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-5).join(' | ');
  return flat ? `; server output: ${flat}` : '; the server wrote nothing';
}

function probeHttp(port: number, pathname: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
