/**
 * One `node:inspector` session to the current thread's own V8, kept open for a whole measurement.
 *
 * Why one session: V8 numbers heap-snapshot objects through the HeapProfiler agent, and any session
 * that disconnects clears that id map (see /work/shared/STACK-NOTES.md, "Measured 2026-12-07"), so
 * the snapshots of one measurement are comparable only while this session stays connected.
 *
 * Why not the probe's websocket {@link InspectorSession}: an in-process session needs no
 * `--inspect` port.
 *
 * Snapshots are written by `v8.writeHeapSnapshot`, not through the session: the same V8 heap
 * profiler, so the same object ids (STACK-NOTES, "Measured 2026-12-07"), but V8 writes the file
 * itself, where the session hands each chunk to this thread as a CDP message to parse and write
 * (measured in a vitest worker, 8 MB snapshots, one after the other: 675–741 ms of CPU through the
 * session, 567–638 ms with `v8.writeHeapSnapshot`; most of either is V8 walking the heap).
 */
import { chmodSync, existsSync } from 'node:fs';
import { Session } from 'node:inspector';
import { writeHeapSnapshot } from 'node:v8';
import { LeakbenchError } from '../errors.js';

/** A connected in-process session. */
export class InProcessInspector {
  private readonly session = new Session();

  private constructor() {
    this.session.connect();
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
   * Writes a heap snapshot of this thread to `filePath` (a new file in a private folder), mode
   * 0600. On failure a partial file is left for the caller's folder clean-up and the error is
   * thrown. Call it while this session is connected: that keeps V8's object ids across snapshots.
   */
  async takeHeapSnapshot(filePath: string): Promise<void> {
    if (existsSync(filePath)) throw new LeakbenchError('E_INSPECTOR', `heap snapshot ${filePath} exists already`);
    writeHeapSnapshot(filePath);
    chmodSync(filePath, 0o600);
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
