/**
 * Allocation recording through the run's one inspector session, for "allocated at":
 *
 * - `tracking` (`--allocation-stacks`): `HeapProfiler.startTrackingHeapObjects` with
 *   `trackAllocations: true`. From then on V8 records the JavaScript stack of every allocation and
 *   every later heap snapshot carries `trace_function_infos`/`trace_tree`, each node pointing at
 *   its stack through `trace_node_id`. Exact, but every allocation leaves the inline fast path, so
 *   it slows the server (measured by `npm run bench:alloc-overhead`).
 * - `sampling` (the cheap fallback): `HeapProfiler.startSampling`, a Poisson-sampled allocation
 *   profile (one sample per ~`samplingInterval` bytes, Go's heap profiler design); at the end
 *   `HeapProfiler.getSamplingProfile` returns the sampled allocations still alive, with their stacks.
 *
 * Both start after warm-up and before the baseline snapshot: the leak finder counts as new only
 * objects absent from the baseline, so everything it attributes was allocated while recording was
 * on (starting after the baseline would leave the objects allocated in between without a stack).
 *
 * Tracking is never stopped with `HeapProfiler.stopTrackingHeapObjects`: V8's inspector takes a
 * whole heap snapshot (streamed as chunks) inside that command. Closing the session stops it.
 */
import { writeFile } from 'node:fs/promises';
import type { InspectorSession } from './inspector-session.js';

/** Which allocation data to record. */
export type AllocationRecording = 'tracking' | 'sampling' | 'off';

/** Default sampling interval of V8's sampling heap profiler (bytes between samples, mean). */
export const DEFAULT_SAMPLING_INTERVAL_BYTES = 32 * 1024;

/** A CDP `Runtime.CallFrame` as the sampling profile reports it (0-based line and column). */
export interface SamplingCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** A node of CDP's `HeapProfiler.SamplingHeapProfile` call tree. */
export interface SamplingProfileNode {
  callFrame: SamplingCallFrame;
  selfSize: number;
  id: number;
  children: SamplingProfileNode[];
}

/** CDP's `HeapProfiler.SamplingHeapProfile`: the call tree and the live samples. */
export interface SamplingProfile {
  head: SamplingProfileNode;
  samples: Array<{ size: number; nodeId: number; ordinal: number }>;
}

/** Turns on allocation stacks for every later snapshot of this session. */
export async function startAllocationTracking(session: InspectorSession): Promise<void> {
  await session.send('HeapProfiler.enable');
  await session.send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
}

/** Starts the sampling heap profiler; live samples are read with {@link readSamplingProfile}. */
export async function startAllocationSampling(
  session: InspectorSession,
  samplingIntervalBytes = DEFAULT_SAMPLING_INTERVAL_BYTES,
): Promise<void> {
  await session.send('HeapProfiler.enable');
  // Only samples of objects still alive when the profile is read are returned (V8's default
  // drops samples when their object is collected), which is what "what accumulates" needs.
  await session.send('HeapProfiler.startSampling', { samplingInterval: samplingIntervalBytes });
}

/**
 * Reads the sampling profile of live objects and writes it to `filePath` (mode 0600: it names the
 * server's functions and files, nothing more, but it sits next to the snapshots). Leaves sampling on.
 */
export async function readSamplingProfile(session: InspectorSession, filePath?: string): Promise<SamplingProfile> {
  const res = await session.send<{ profile: SamplingProfile }>('HeapProfiler.getSamplingProfile', {}, { timeoutMs: 120_000 });
  if (filePath !== undefined) await writeFile(filePath, JSON.stringify(res.profile), { mode: 0o600 });
  return res.profile;
}

/** What {@link startAllocationRecording} turned on, as the run report records it. */
export interface AllocationRecordingInfo {
  method: 'tracking' | 'sampling';
  /** How tracking was turned on: Node's `--track-heap-objects` at launch, or the inspector. */
  trackingRoute?: 'node-flag' | 'inspector';
  samplingIntervalBytes?: number;
  /** Sampling profile file, once written by {@link finishAllocationRecording}. */
  path?: string;
}

/**
 * Starts the requested recording (call after warm-up, before the baseline snapshot). A server
 * whose inspector refuses it is still measured: the failure becomes `undefined` (no sites).
 *
 * Tracking route. Through the inspector, `startTrackingHeapObjects` also starts the agent's 50 ms
 * heap-stats timer (`V8HeapProfilerAgentImpl::onTimer` → `GetHeapStats`), and every tick updates
 * V8's object-id map with a full GC and a walk of the whole heap: measured here, a tracked server
 * then served ~5× fewer requests than one tracking since launch with Node's
 * `--track-heap-objects` (same allocation stacks, no timer). So when the harness launched the
 * server with that flag (`trackedFromLaunch`) and the process confirms it, nothing more is asked;
 * otherwise (`attach`, a `--cmd` that dropped NODE_OPTIONS) the inspector route is used.
 */
export async function startAllocationRecording(
  session: InspectorSession,
  mode: AllocationRecording,
  samplingIntervalBytes = DEFAULT_SAMPLING_INTERVAL_BYTES,
  trackedFromLaunch = false,
): Promise<AllocationRecordingInfo | undefined> {
  try {
    if (mode === 'tracking') {
      if (trackedFromLaunch && (await hasTrackHeapObjectsFlag(session))) return { method: 'tracking', trackingRoute: 'node-flag' };
      await startAllocationTracking(session);
      return { method: 'tracking', trackingRoute: 'inspector' };
    }
    if (mode === 'sampling') {
      await startAllocationSampling(session, samplingIntervalBytes);
      return { method: 'sampling', samplingIntervalBytes };
    }
  } catch {
    // Allocation sites are an extra; the verdict does not depend on them.
  }
  return undefined;
}

/**
 * After the last snapshot: for sampling, reads the live-object profile into `filePath` and returns
 * it; tracking needs nothing (the snapshots carry the stacks).
 */
export async function finishAllocationRecording(
  session: InspectorSession,
  info: AllocationRecordingInfo | undefined,
  filePath: string,
): Promise<SamplingProfile | undefined> {
  if (info?.method !== 'sampling') return undefined;
  try {
    const profile = await readSamplingProfile(session, filePath);
    info.path = filePath;
    return profile;
  } catch {
    return undefined;
  }
}

/** True when the server process runs with `--track-heap-objects` (argv or NODE_OPTIONS). */
async function hasTrackHeapObjectsFlag(session: InspectorSession): Promise<boolean> {
  const res = await session.send<{ result?: { value?: unknown } }>('Runtime.evaluate', {
    expression: `process.execArgv.includes('--track-heap-objects') || /(^|\\s)--track-heap-objects(\\s|$)/.test(process.env.NODE_OPTIONS ?? '')`,
    returnByValue: true,
    silent: true,
  });
  return res.result?.value === true;
}
