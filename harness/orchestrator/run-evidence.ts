/**
 * The evidence a run collects about its server, pluggable under one lifecycle (run-variant.ts):
 *
 * - {@link HeapEvidence}: one inspector session for the whole run. Memory readings through
 *   `process.memoryUsage()`, forced full GCs, heap snapshots guarded against id wipes
 *   (heap-id-guard.ts), allocation recording, and the snapshot diff.
 * - {@link RssEvidence}: a server with no inspector (black-box). The resident memory of its process
 *   group from /proc; no GC can be forced and no snapshot taken.
 */
import path from 'node:path';
import type { AllocationSiteOptions } from '../analysis/allocation-sites.js';
import { analyzeSnapshots } from '../analysis/analyze-snapshots.js';
import type { SnapshotEvidence } from '../analysis/decide-verdict.js';
import type { AnalyzeOptions } from '../analysis/types.js';
import { isLeakbenchError } from '../errors.js';
import {
  finishAllocationRecording,
  startAllocationRecording,
  type AllocationRecording,
  type AllocationRecordingInfo,
  type SamplingProfile,
} from '../probe/allocation-recorder.js';
import { HeapIdGuard, type IdCheck } from '../probe/heap-id-guard.js';
import { collectGarbage, sampleMemory, takeHeapSnapshot, type MemoryUsage, type SnapshotResult } from '../probe/heap-probe.js';
import { InspectorSession } from '../probe/inspector-session.js';
import { processGroupRssBytes } from '../server/process-memory.js';

/** What every kind of evidence offers the lifecycle. */
export interface RunEvidence {
  readonly kind: 'heap' | 'rss';
  /** True when {@link read} can force a full GC first (after-GC samples). */
  readonly canForceGc: boolean;
  /** One memory reading (after a forced GC when asked and possible); undefined when none could be taken. */
  read(afterGc: boolean): Promise<MemoryUsage | undefined>;
  close(): Promise<void>;
}

/** A snapshot as {@link HeapEvidence.snapshot} took it, with what the id guard saw before it. */
export interface GuardedSnapshot extends SnapshotResult {
  ids: IdCheck;
}

/** Heap evidence through one inspector session. */
export class HeapEvidence implements RunEvidence {
  readonly kind = 'heap';
  readonly canForceGc = true;
  private allocationInfo: AllocationRecordingInfo | undefined;

  private constructor(
    readonly session: InspectorSession,
    private readonly guard: HeapIdGuard,
  ) {}

  /** Connects to the server's inspector and pins the id guard's object. */
  static async open(inspectorUrl: string): Promise<HeapEvidence> {
    const session = await InspectorSession.connect(inspectorUrl);
    try {
      return new HeapEvidence(session, await HeapIdGuard.pin(session));
    } catch (err) {
      await session.close().catch(() => {});
      throw err;
    }
  }

  async read(afterGc: boolean): Promise<MemoryUsage> {
    if (afterGc) await collectGarbage(this.session);
    return sampleMemory(this.session);
  }

  /** Takes a heap snapshot into `file`, asking the id guard first whether the ids were wiped since the last one. */
  async snapshot(file: string): Promise<GuardedSnapshot> {
    // The id check goes out with the snapshot command, not one round trip before it: measured, a
    // server that opened and closed its own session every 3 s wiped the ids between a check and
    // its snapshot (nothing of the server's can run between two commands the inspector receives
    // together), and the diff across the wipe was wrong.
    let check: Promise<IdCheck> | undefined;
    const snap = await takeHeapSnapshot(this.session, file, {
      justBefore: () => {
        check = this.guard.checkBeforeSnapshot();
        check.catch(() => {});
      },
    });
    const ids = await check!;
    await this.guard.afterSnapshot();
    return { ...snap, ids };
  }

  /** True while the heap ids V8 gave at the last snapshot still hold (no wipe since). */
  async idsKept(): Promise<boolean> {
    return (await this.guard.checkBeforeSnapshot()).state !== 'wiped';
  }

  /** Starts recording allocations (before the baseline: every object the diff counts as new is then recorded). */
  async startAllocations(method: AllocationRecording, samplingIntervalBytes: number | undefined, sinceLaunch: boolean): Promise<void> {
    this.allocationInfo = await startAllocationRecording(this.session, method, samplingIntervalBytes, sinceLaunch);
  }

  /** Stops recording; the sampling profile (if any) is written into `dir`. */
  async finishAllocations(dir: string): Promise<SamplingProfile | undefined> {
    if (!this.allocationInfo) return undefined;
    return finishAllocationRecording(this.session, this.allocationInfo, path.join(dir, 'allocation-sampling.json'));
  }

  get allocations(): AllocationRecordingInfo | undefined {
    return this.allocationInfo;
  }

  /** Runs JavaScript in the server and returns its JSON value (undefined when it threw). */
  async evaluate<T>(expression: string): Promise<T | undefined> {
    const res = await this.session.send<{ result?: { value?: T }; exceptionDetails?: unknown }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
      silent: true,
      includeCommandLineAPI: false,
    });
    return res.exceptionDetails ? undefined : res.result?.value;
  }

  /**
   * Entries of the container with heap id `nodeId` (Map/Set size, array length, own keys), through
   * `HeapProfiler.getObjectByHeapObjectId`: the id must come from a snapshot of this session with no
   * id wipe since. Undefined when it is not a JavaScript object the run can reach.
   */
  async entriesOf(nodeId: number): Promise<number | undefined> {
    const group = 'leakbench-replay';
    try {
      const found = await this.session.send<{ result?: { objectId?: string } }>('HeapProfiler.getObjectByHeapObjectId', { objectId: String(nodeId), objectGroup: group });
      const objectId = found.result?.objectId;
      if (!objectId) return undefined;
      const res = await this.session.send<{ result?: { value?: unknown }; exceptionDetails?: unknown }>('Runtime.callFunctionOn', {
        objectId,
        functionDeclaration:
          'function () { if (this instanceof Map || this instanceof Set) return this.size; if (Array.isArray(this)) return this.length; return Object.keys(this).length; }',
        returnByValue: true,
        silent: true,
      });
      return !res.exceptionDetails && typeof res.result?.value === 'number' ? res.result.value : undefined;
    } catch {
      return undefined;
    } finally {
      await this.session.send('Runtime.releaseObjectGroup', { objectGroup: group }).catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.session.close().catch(() => {});
  }
}

/** RSS of a black-box server's process group. */
export class RssEvidence implements RunEvidence {
  readonly kind = 'rss';
  readonly canForceGc = false;
  /** `rss`: how to read the server's RSS (default: its whole process group's, from /proc). */
  constructor(
    private readonly pid: number,
    private readonly rss: () => number = () => processGroupRssBytes(pid),
  ) {}

  read(): Promise<MemoryUsage | undefined> {
    const rssBytes = this.rss();
    if (rssBytes === 0) return Promise.resolve(undefined);
    return Promise.resolve({ heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: 0, arrayBuffersBytes: 0, rssBytes });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Runs the snapshot diff; its failure is evidence too (the trend then decides), never a crash. */
export async function analyzeRunSnapshots(
  files: string[],
  requestsAtSnapshot: number[],
  allocationSites: AllocationSiteOptions | false = {},
  keyResidency?: AnalyzeOptions['keyResidency'],
  thresholds?: AnalyzeOptions['thresholds'],
): Promise<SnapshotEvidence> {
  try {
    return {
      state: 'analyzed',
      result: await analyzeSnapshots(files, { requestsAtSnapshot, allocationSites, ...(keyResidency ? { keyResidency } : {}), ...(thresholds ? { thresholds } : {}) }),
    };
  } catch (err) {
    if (!isLeakbenchError(err)) throw err;
    return { state: 'errored', error: { code: err.code, message: err.message } };
  }
}
