/**
 * One Chrome DevTools Protocol session to a Node process's V8 inspector, over a websocket.
 *
 * Why one session for the whole run: V8 assigns heap-snapshot node ids through the HeapProfiler
 * agent of a session, and closing the session (the agent's `disable()`) clears that id map. Ids
 * are therefore comparable across snapshots only while the same session stays connected, so the
 * orchestrator opens this once after boot and closes it only when the variant is done.
 *
 * Besides the helpers in this folder, {@link InspectorSession.send} sends any CDP command, so later
 * capabilities (allocation tracking with `HeapProfiler.startTrackingHeapObjects`, sampling) ride on
 * the same session.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { LeakbenchError } from '../errors.js';

/** A CDP event's parameters, untyped (callers narrow). */
export type CdpParams = Record<string, unknown>;

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** Options for opening a session. */
export interface ConnectOptions {
  /** How long to wait for the websocket to open (default 5 s). */
  timeoutMs?: number;
}

/** Options for one command. */
export interface SendOptions {
  /** Reject with `E_INSPECTOR` after this long (default 60 s; 0 = never). */
  timeoutMs?: number;
}

/** A connected CDP session. Create with {@link InspectorSession.connect} or {@link InspectorSession.attach}. */
export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(params: CdpParams) => void>>();
  private closeReason: string | undefined;
  /** Resolves when the websocket has closed (either side). */
  readonly closed: Promise<void>;

  private constructor(
    private readonly ws: WebSocket,
    /** The websocket URL this session is connected to. */
    readonly url: string,
  ) {
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.closeReason ??= `inspector connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
        this.failPending(this.closeReason);
        resolve();
      });
    });
    ws.on('error', (err) => {
      this.closeReason ??= `inspector connection failed: ${err.message}`;
    });
    ws.on('message', (data) => this.onMessage(data));
  }

  /** Opens a session to an inspector websocket URL (`ws://127.0.0.1:<port>/<uuid>`). */
  static connect(url: string, options: ConnectOptions = {}): Promise<InspectorSession> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      // Snapshot chunks are small, but a big Runtime.evaluate result may not be: no payload cap
      // beyond ws's default 100 MiB.
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      const onError = (err: Error): void => {
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(new LeakbenchError('E_INSPECTOR', `cannot connect to the inspector at ${url}: ${err.message}`, { cause: err }));
      };
      ws.once('error', onError);
      ws.once('open', () => {
        ws.off('error', onError);
        resolve(new InspectorSession(ws, url));
      });
    });
  }

  /**
   * Attaches to a process already running with `--inspect` on `host:port`: the first target of
   * `http://host:port/json/list` gives the websocket URL.
   */
  static async attach(host: string, port: number, options: ConnectOptions = {}): Promise<InspectorSession> {
    const url = await inspectorUrlFromPort(host, port, options.timeoutMs ?? 5000);
    return InspectorSession.connect(url, options);
  }

  /** True until the websocket closes. */
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a CDP command and resolves to its `result`; CDP errors reject with `E_INSPECTOR`. */
  send<T = CdpParams>(method: string, params: CdpParams = {}, options: SendOptions = {}): Promise<T> {
    if (!this.isOpen) {
      return Promise.reject(
        new LeakbenchError('E_INSPECTOR', `${method}: ${this.closeReason ?? 'inspector connection is not open'}`),
      );
    }
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise<T>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              reject(new LeakbenchError('E_INSPECTOR', `${method} got no answer within ${Math.round(timeoutMs / 1000)} s`));
            }, timeoutMs)
          : undefined;
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ id, method, params }), (err) => {
        if (!err) return;
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        if (p.timer) clearTimeout(p.timer);
        p.reject(new LeakbenchError('E_INSPECTOR', `${method}: ${err.message}`, { cause: err }));
      });
    });
  }

  /** Subscribes to a CDP event (e.g. `HeapProfiler.addHeapSnapshotChunk`); returns the unsubscriber. */
  on(method: string, handler: (params: CdpParams) => void): () => void {
    let set = this.listeners.get(method);
    if (!set) {
      set = new Set();
      this.listeners.set(method, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /** Closes the session (this resets V8's heap-object id map) and waits for the socket to close. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.closeReason ??= 'inspector session closed by the harness';
    this.ws.close();
    const timer = setTimeout(() => this.ws.terminate(), 1000);
    await this.closed;
    clearTimeout(timer);
  }

  private onMessage(data: WebSocket.RawData): void {
    let msg: { id?: number; method?: string; params?: CdpParams; result?: unknown; error?: { message?: string } };
    try {
      msg = JSON.parse(data.toString()) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      if (msg.error) p.reject(new LeakbenchError('E_INSPECTOR', `${p.method} failed: ${msg.error.message ?? 'unknown error'}`));
      else p.resolve(msg.result ?? {});
      return;
    }
    if (typeof msg.method === 'string') {
      const set = this.listeners.get(msg.method);
      if (set) for (const handler of set) handler(msg.params ?? {});
    }
  }

  private failPending(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(new LeakbenchError('E_INSPECTOR', `${p.method}: ${reason}`));
    }
  }
}

/** Reads `http://host:port/json/list` and returns the first target's `webSocketDebuggerUrl`. */
export function inspectorUrlFromPort(host: string, port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string, cause?: unknown): void =>
      reject(new LeakbenchError('E_INSPECTOR', `no inspector at ${host}:${port}: ${why}`, { cause }));
    const req = http.get({ host, port, path: '/json/list', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => {
        try {
          const targets = JSON.parse(body) as Array<{ webSocketDebuggerUrl?: string }>;
          const url = targets.find((t) => typeof t.webSocketDebuggerUrl === 'string')?.webSocketDebuggerUrl;
          if (url) resolve(url);
          else fail('it lists no debuggable target');
        } catch (err) {
          fail('its /json/list is not JSON', err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => fail(err.message, err));
  });
}
