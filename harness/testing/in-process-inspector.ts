/**
 * One `node:inspector` session to the current thread's own V8, kept open for a whole measurement.
 *
 * Why one session: V8 numbers heap-snapshot objects through the HeapProfiler agent, and any session
 * that disconnects clears that id map (see /work/shared/STACK-NOTES.md, "Measured 2026-12-07"), so
 * the snapshots of one measurement are comparable only while this session stays connected.
 *
 * Why not the probe's websocket {@link InspectorSession}: an in-process session needs no
 * `--inspect` port, and its messages are dispatched synchronously on this thread — a heap snapshot's
 * chunks arrive while `HeapProfiler.takeHeapSnapshot` is still being dispatched, before any
 * stream could flush. So chunks are written with `writeSync`, one at a time, and the snapshot is
 * never held in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { LeakbenchError } from '../errors.js';

/** A connected in-process session. */
export class InProcessInspector {
  private readonly session = new Session();
  private snapshotFd = -1;
  private writeError: Error | undefined;

  private constructor() {
    this.session.connect();
    this.session.on('HeapProfiler.addHeapSnapshotChunk', (message) => {
      if (this.snapshotFd < 0 || this.writeError !== undefined) return;
      try {
        writeSync(this.snapshotFd, message.params.chunk);
      } catch (err) {
        this.writeError = err as Error;
      }
    });
  }

  /** Connects to this thread's inspector. @throws LeakbenchError `E_INSPECTOR` when it cannot. */
  static open(): InProcessInspector {
    try {
      return new InProcessInspector();
    } catch (err) {
      throw new LeakbenchError('E_INSPECTOR', `cannot open an in-process inspector session: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Sends a CDP command; a protocol error rejects with `E_INSPECTOR`. */
  post<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.session.post(method, params, (err, result) => {
        if (err) reject(new LeakbenchError('E_INSPECTOR', `${method} failed: ${err.message}`, { cause: err }));
        else resolve((result ?? {}) as T);
      });
    });
  }

  /** A full GC (`HeapProfiler.collectGarbage`: V8's low-memory notification, several full GCs). */
  async collectGarbage(): Promise<void> {
    await this.post('HeapProfiler.collectGarbage');
  }

  /**
   * Writes a heap snapshot of this thread to `filePath`, created exclusively with mode 0600. On
   * failure the partial file is left for the caller's folder clean-up and the error is thrown.
   */
  async takeHeapSnapshot(filePath: string): Promise<void> {
    this.snapshotFd = openSync(filePath, 'wx', 0o600);
    this.writeError = undefined;
    try {
      await this.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      if (this.writeError !== undefined) throw this.writeError;
    } finally {
      closeSync(this.snapshotFd);
      this.snapshotFd = -1;
    }
  }

  /**
   * The heap-snapshot id V8 gives this process's `process` object now: an object alive for the
   * whole measurement, so its id stays the same unless V8's id map was reset — which any inspector
   * session that disconnects does (STACK-NOTES, "Measured 2026-12-07"); overlap of ids is no proof.
   */
  async processHeapId(): Promise<string> {
    const evaluated = await this.post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: 'process', silent: true, objectGroup: 'leakbench' });
    try {
      const objectId = evaluated.result.objectId;
      if (objectId === undefined) throw new LeakbenchError('E_INSPECTOR', 'Runtime.evaluate gave no object for `process`');
      return (await this.post<{ heapSnapshotObjectId: string }>('HeapProfiler.getHeapObjectId', { objectId })).heapSnapshotObjectId;
    } finally {
      await this.post('Runtime.releaseObjectGroup', { objectGroup: 'leakbench' });
    }
  }

  /**
   * The inline source maps (`data:` URLs) of the scripts V8 has compiled from files, by script URL:
   * code a test runner transformed in memory (vitest evaluates TypeScript as JavaScript) has its
   * map only there, not in the file on disk. The Debugger domain reports every script with its map
   * when enabled; it is disabled again at once, before any other code runs.
   */
  async inlineSourceMaps(): Promise<Map<string, string>> {
    const maps = new Map<string, string>();
    const onScript = (message: { params: { url: string; sourceMapURL?: string } }): void => {
      const { url, sourceMapURL } = message.params;
      if (url.startsWith('file://') && sourceMapURL?.startsWith('data:')) maps.set(url, sourceMapURL);
    };
    this.session.on('Debugger.scriptParsed', onScript);
    try {
      await this.post('Debugger.enable');
      await this.post('Debugger.disable');
    } finally {
      this.session.off('Debugger.scriptParsed', onScript);
    }
    return maps;
  }

  /** Disconnects (this resets V8's heap-object ids and stops any tracking or sampling it started). */
  close(): void {
    this.session.disconnect();
  }
}
