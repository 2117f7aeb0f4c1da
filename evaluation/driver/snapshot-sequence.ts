/**
 * Test-support driver of the evaluation (and of the analysis' integration tests): boots a server
 * under `node --inspect=127.0.0.1:0`, keeps ONE inspector session open for the whole sequence (so
 * V8's node ids stay stable), drives an exact number of requests with autocannon (a fresh valid
 * API key per request), and takes a heap snapshot after a forced GC at each checkpoint. The child
 * is always killed in `finally`. This is deliberately small; the product's run loop lives in
 * harness/orchestrator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { keySecret, mintKey } from '../../scenarios/kit/api-key.js';
import type { MemorySample } from '../../harness/types.js';

/** What to run and how much load between snapshots. */
export interface SnapshotSequenceOptions {
  /** Compiled server (JavaScript) to run. */
  serverJs: string;
  /** Requests before the baseline snapshot (warm-up: JIT, lazy module state). */
  warmupRequests: number;
  /** Requests between consecutive snapshots; one entry per step (2 entries → 3 snapshots). */
  stepRequests: number[];
  connections?: number;
  /**
   * After-GC memory samples per step (default 4): the step's requests are sent in this many
   * chunks, each followed by a forced GC and `process.memoryUsage()` read through the same
   * inspector session. With the baseline's sample they feed the growth trend of the run verdict.
   */
  samplesPerStep?: number;
  /** Directory for the snapshot files (created 0700 under the OS temp dir when omitted). */
  dir?: string;
  onMessage?: (text: string) => void;
  /**
   * Receives the server process while it runs (removed when it is stopped), so that a caller's
   * signal handler can kill it: `finally` blocks do not run when a signal ends the process.
   */
  liveChildren?: Set<ChildProcess>;
}

/** Snapshot files and the request count at each. */
export interface SnapshotSequence {
  files: string[];
  requestsAtSnapshot: number[];
  dir: string;
  loadMs: number;
  snapshotMs: number;
  /** After-GC memory samples from the baseline snapshot to the last (see `samplesPerStep`). */
  samples: MemorySample[];
}

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A minimal Chrome DevTools Protocol client over one websocket. */
class CdpSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, (params: Record<string, unknown>) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as {
        id?: number;
        method?: string;
        params?: Record<string, unknown>;
        result?: unknown;
        error?: { message: string };
      };
      if (msg.id !== undefined) {
        const waiter = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) waiter?.reject(new Error(msg.error.message));
        else waiter?.resolve(msg.result);
      } else if (msg.method !== undefined) {
        this.listeners.get(msg.method)?.(msg.params ?? {});
      }
    });
    socket.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('inspector session closed'));
      this.pending.clear();
    });
  }

  static async connect(url: string): Promise<CdpSession> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new CdpSession(socket);
  }

  on(method: string, listener: ((params: Record<string, unknown>) => void) | undefined): void {
    if (listener === undefined) this.listeners.delete(method);
    else this.listeners.set(method, listener);
  }

  post(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Forced GC, then a heap snapshot streamed to `file` (mode 0600). */
async function takeSnapshot(session: CdpSession, file: string): Promise<void> {
  await session.post('HeapProfiler.collectGarbage');
  const fd = openSync(file, 'w', 0o600);
  try {
    session.on('HeapProfiler.addHeapSnapshotChunk', (params) => {
      writeSync(fd, String(params['chunk']));
    });
    await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  } finally {
    session.on('HeapProfiler.addHeapSnapshotChunk', undefined);
    closeSync(fd);
  }
}

/** Forced GC, then the child's `process.memoryUsage()` read through the inspector. */
async function sampleMemory(session: CdpSession, requests: number, tMs: number): Promise<MemorySample> {
  await session.post('HeapProfiler.collectGarbage');
  const answer = (await session.post('Runtime.evaluate', {
    expression: 'JSON.stringify(process.memoryUsage())',
    returnByValue: true,
  })) as { result?: { value?: unknown } };
  const usage = JSON.parse(String(answer.result?.value)) as NodeJS.MemoryUsage;
  return {
    tMs,
    requests,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    rssBytes: usage.rss,
    afterGc: true,
  };
}

/** Waits for the inspector URL on the child's stderr. */
function inspectorUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no inspector URL within ${timeoutMs} ms: ${text}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before its inspector was ready: ${text}`));
    });
  });
}

/** Polls `GET /healthz` until it answers. */
async function waitForReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server on port ${port} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends exactly `amount` requests, each with a fresh valid key; resolves to the count sent. */
async function drive(port: number, amount: number, connections: number): Promise<number> {
  const secret = keySecret();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/data`,
    connections,
    amount,
    requests: [
      {
        setupRequest: (req) => ({ ...req, headers: { ...(req.headers ?? {}), 'x-api-key': mintKey(secret) } }),
      },
    ],
  });
  // A few non-2xx answers are part of some servers' behaviour (the seed scenarios' key service
  // refuses some keys); a run where most requests fail measures nothing.
  if (result.errors > amount / 100 || result.non2xx > amount / 2) {
    throw new Error(`load failed: ${result.errors} errors, ${result.non2xx} non-2xx responses of ${amount}`);
  }
  return result.requests.total;
}

/** Boots the server, drives load and takes `stepRequests.length + 1` snapshots in one session. */
export async function snapshotSequence(options: SnapshotSequenceOptions): Promise<SnapshotSequence> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'leakbench-eval-'));
  const connections = options.connections ?? 8;
  const port = await freePort();
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', options.serverJs], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  options.liveChildren?.add(child);
  let session: CdpSession | undefined;
  try {
    const url = await inspectorUrl(child, 10_000);
    await waitForReady(port, 10_000);
    session = await CdpSession.connect(url);
    const loadStart = performance.now();
    let requests = await drive(port, options.warmupRequests, connections);
    const files: string[] = [];
    const requestsAtSnapshot: number[] = [];
    const samples: MemorySample[] = [];
    const chunks = Math.max(1, options.samplesPerStep ?? 4);
    let loadMs = 0;
    let snapshotMs = 0;
    for (let i = 0; i <= options.stepRequests.length; i++) {
      if (i > 0) {
        const stepRequests = options.stepRequests[i - 1]!;
        for (let k = 0; k < chunks; k++) {
          const amount = Math.floor((stepRequests * (k + 1)) / chunks) - Math.floor((stepRequests * k) / chunks);
          const t = performance.now();
          requests += await drive(port, amount, connections);
          loadMs += performance.now() - t;
          samples.push(await sampleMemory(session, requests, performance.now() - loadStart));
        }
      } else {
        samples.push(await sampleMemory(session, requests, performance.now() - loadStart));
      }
      const file = path.join(dir, `s${i + 1}.heapsnapshot`);
      const t = performance.now();
      await takeSnapshot(session, file);
      snapshotMs += performance.now() - t;
      options.onMessage?.(`snapshot ${i + 1} after ${requests} requests`);
      files.push(file);
      requestsAtSnapshot.push(requests);
    }
    return { files, requestsAtSnapshot, dir, loadMs, snapshotMs, samples };
  } catch (err) {
    // Partial snapshots contain API keys: a failed sequence leaves nothing behind in a temp dir
    // it created.
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    session?.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    options.liveChildren?.delete(child);
  }
}
