/**
 * Tells whether V8's heap object ids were wiped between two snapshots of one run.
 *
 * Heap snapshot node ids are comparable across snapshots only while V8 keeps its id map, and V8
 * clears that map for the whole isolate whenever *any* inspector session of the process disconnects
 * (an in-process `node:inspector` session the server opens and closes, a second debugger), even
 * while leakbench's own session stays connected. Ids are then handed out again from the start and
 * can come back equal for different objects, so overlap of ids proves nothing.
 *
 * The guard pins one object in the server at session start (a `Runtime.evaluate` result kept alive
 * by its object group, which lives as long as this session) and asks
 * `HeapProfiler.getHeapObjectId` for its id. V8 assigns ids while it takes a snapshot and answers 0
 * for an object it has no id for (measured: 0 before the first snapshot, N after it, 0 again after
 * another session disconnected, N again after the next snapshot). So: read the id right after each
 * snapshot (the reference) and right before the next one; a different answer (0 included) means
 * the ids were wiped in between.
 */
import { LeakbenchError } from '../errors.js';
import type { InspectorSession } from './inspector-session.js';

/** Object group of the pinned object: released with the session (or by `Runtime.releaseObjectGroup`). */
const PIN_GROUP = 'leakbench-id-guard';

/** Result of {@link HeapIdGuard.checkBeforeSnapshot}. */
export type IdCheck = { state: 'kept'; id: number } | { state: 'wiped'; before: number; now: number | undefined } | { state: 'first' };

/** The pinned object and the id V8 gave it at the last snapshot. */
export class HeapIdGuard {
  private referenceId: number | undefined;

  private constructor(
    private readonly session: InspectorSession,
    private objectId: string,
  ) {}

  /** Pins an object in the server for the life of `session`. */
  static async pin(session: InspectorSession): Promise<HeapIdGuard> {
    return new HeapIdGuard(session, await pinObject(session));
  }

  /** Reads the pinned object's id now: 0 when V8 has given it none since the last wipe; undefined when it is gone. */
  async currentId(): Promise<number | undefined> {
    try {
      const res = await this.session.send<{ heapSnapshotObjectId?: string }>('HeapProfiler.getHeapObjectId', { objectId: this.objectId });
      const id = Number(res.heapSnapshotObjectId);
      return Number.isFinite(id) ? id : undefined;
    } catch (err) {
      // The remote object is gone (its group was released, or the context was reset).
      if (err instanceof LeakbenchError && this.session.isOpen) return undefined;
      throw err;
    }
  }

  /** Call right before a snapshot: were the ids wiped since the previous one? */
  async checkBeforeSnapshot(): Promise<IdCheck> {
    if (this.referenceId === undefined) return { state: 'first' };
    const now = await this.currentId();
    if (now === this.referenceId) return { state: 'kept', id: now };
    return { state: 'wiped', before: this.referenceId, now };
  }

  /** Call right after a snapshot: the id V8 gave the pinned object there is the new reference. */
  async afterSnapshot(): Promise<void> {
    let id = await this.currentId();
    if (id === undefined) {
      // Lost (not a wipe of ids): pin again; the next snapshot gives it an id.
      this.objectId = await pinObject(this.session);
      id = 0;
    }
    this.referenceId = id;
  }
}

async function pinObject(session: InspectorSession): Promise<string> {
  const res = await session.send<{ result?: { objectId?: string }; exceptionDetails?: { text?: string } }>('Runtime.evaluate', {
    expression: '({ leakbenchIdGuard: true })',
    objectGroup: PIN_GROUP,
    silent: true,
    includeCommandLineAPI: false,
  });
  const objectId = res.result?.objectId;
  if (!objectId) throw new LeakbenchError('E_INSPECTOR', `cannot pin an object in the server: ${res.exceptionDetails?.text ?? 'no object id'}`);
  return objectId;
}
