/**
 * Allocation-site evidence for `run --cmd … --native`: the server runs under heaptrack (native
 * executables) or with tracemalloc (Python); the black-box run marks its baseline, middle and
 * final instants through {@link SiteEvidenceProbe.mark}, and {@link SiteEvidenceProbe.collect}
 * stops the server cleanly, reads the tool's data and names the sites that grew at every step.
 *
 * Plugs into the one run lifecycle (run-variant.ts) through `VariantTarget.siteEvidence`: the
 * lifecycle marks the baseline and every step's end, and collects at the end; the probe does not
 * care which loop drives the load, only that each mark is taken with no request in flight.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LeakbenchError } from '../errors.js';
import { readHeaptrackTrace } from '../native/heaptrack-trace.js';
import { classifySites, heaptrackBlindSpots, type NativeSitesEvidence } from '../native/native-sites.js';
import { readTracemallocSnapshots } from '../native/tracemalloc-snapshots.js';
import {
  findOnPath,
  heaptrackCommand,
  heaptrackDataFile,
  heaptrackLines,
  nativeToolFor,
  processAgeMs,
  serverPidOf,
  stopServerCleanly,
  takeTracemallocSnapshot,
  tracemallocEnv,
  type NativeTool,
} from '../server/native-tools.js';
import { processRssBytes } from '../server/process-memory.js';
import type { ServerHandle } from '../server/start-server.js';

/** Instants of a run, in order. */
export type SiteInstant = 'baseline' | 'middle' | 'final';

/** What the black-box loop needs from an allocation-site tool. */
export interface SiteEvidenceProbe {
  readonly tool: NativeTool;
  /** Marks an instant; call with no request in flight. */
  mark(instant: SiteInstant): Promise<void>;
  /** RSS of the server process alone (the tool's helpers share its process group). */
  rssBytes(): number;
  /** Stops the server cleanly (its exit is expected from here on) and reads the sites. */
  collect(requestsAtInstants: number[]): Promise<NativeSitesEvidence>;
}

/** How to launch a command under its tool. */
export interface NativeLaunch {
  tool: NativeTool;
  command: string;
  env: Record<string, string>;
  /** Where the tool's data goes (inside the variant's private directory). */
  dataDir: string;
}

/** Frames per Python traceback (each costs CPU on every allocation: 1 frame ~2×, 16 frames ~8–10× per request). */
export const TRACEMALLOC_FRAMES = 1;

/** The command line and environment that run `command` under its tool; `E_NATIVE_TOOL` when the tool is missing. */
export async function nativeLaunch(command: string, variantDir: string): Promise<NativeLaunch> {
  const tool = nativeToolFor(command);
  const dataDir = path.join(variantDir, tool);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (tool === 'heaptrack') {
    for (const needed of ['heaptrack', 'zstd']) {
      if (!findOnPath(needed)) throw new LeakbenchError('E_NATIVE_TOOL', `--native needs ${needed} on PATH (Debian: apt-get install heaptrack zstd)`);
    }
    return { tool, command: heaptrackCommand(command, path.join(dataDir, 'heaptrack')), env: {}, dataDir };
  }
  return { tool, command, env: tracemallocEnv(dataDir, TRACEMALLOC_FRAMES), dataDir };
}

/** The probe for a server started from {@link nativeLaunch}; `cwd` makes Python file names relative. */
export function siteEvidenceProbe(launch: NativeLaunch, handle: ServerHandle, cwd: string): SiteEvidenceProbe {
  const serverPid = serverPidOf(handle);
  if (serverPid === undefined) throw new LeakbenchError('E_NATIVE_TOOL', `no process of "${launch.command}" listens on port ${handle.port}`);
  const instantsMs: number[] = [];
  const snapshotFiles: string[] = [];
  return {
    tool: launch.tool,
    async mark() {
      // In-flight frees settle (the load has stopped; keep-alive sockets close).
      await delay(250);
      if (launch.tool === 'heaptrack') {
        const age = processAgeMs(serverPid);
        if (age === undefined) throw new LeakbenchError('E_SERVER_CRASHED', 'the server exited during the run');
        instantsMs.push(age);
        // heaptrack stamps its clock every ~10 ms: let one stamp pass the mark before load resumes.
        await delay(100);
      } else {
        snapshotFiles.push(await takeTracemallocSnapshot(serverPid, launch.dataDir, snapshotFiles.length));
      }
    },
    rssBytes: () => processRssBytes(serverPid) ?? 0,
    async collect(requestsAtInstants) {
      const stopped = await stopServerCleanly(handle, serverPid);
      if (launch.tool === 'tracemalloc') {
        const texts = await Promise.all(snapshotFiles.map((f) => readFile(f, 'utf8')));
        const sites = readTracemallocSnapshots(texts, (f) => (path.isAbsolute(f) && !path.relative(cwd, f).startsWith('..') ? path.relative(cwd, f) : f));
        return {
          tool: 'tracemalloc',
          ...classifySites(sites, requestsAtInstants),
          requestsAtInstants,
          unseen: ["memory allocated outside Python's allocator hooks (C extensions calling malloc directly) is not traced"],
          overhead: `tracemalloc with ${TRACEMALLOC_FRAMES} frame per traceback: about 2× CPU per request (16 frames: 8–10×); a snapshot pauses the server for one fork`,
        };
      }
      const file = heaptrackDataFile(path.join(launch.dataDir, 'heaptrack'));
      if (!file) throw new LeakbenchError('E_NATIVE_TOOL', `heaptrack wrote no data file in ${launch.dataDir}${stopped.clean ? '' : ' (the server did not stop on SIGTERM and was killed)'}`);
      const reading = await readHeaptrackTrace(heaptrackLines(file), instantsMs);
      const requests = requestsAtInstants.at(-1)! - requestsAtInstants[0]!;
      const unseen = heaptrackBlindSpots(reading, requests);
      if (!stopped.clean) unseen.push('the server did not exit on SIGTERM within 15 s and was killed: the data may end early');
      if (reading.instantSeen.some((s) => !s)) unseen.push('heaptrack data ended before an instant was reached: that reading is at the end of the data');
      return {
        tool: 'heaptrack',
        ...classifySites(reading.sites, requestsAtInstants),
        requestsAtInstants,
        allocationsSeenPerRequest: requests > 0 ? reading.allocationsBetween / requests : 0,
        unseen,
        overhead: 'heaptrack records every malloc and free with its stack: peak req/s about ×0.7 (docs/native.md)',
      };
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
