/**
 * Finds and reads the sampling heap profiles a run recorded (`VariantRun.allocationProfile.path`,
 * a `.heapprofile` file), so report.html can draw them. The path is relative to the working
 * directory of the run; when the report is re-rendered from elsewhere the file is looked up in the
 * variant's folder of the run directory instead. Missing or unreadable profiles are skipped: the
 * report renders without the flame graph rather than failing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunReport, Variant } from '../types.js';
import type { SamplingHeapProfile } from './render-allocation-flame.js';

function profilePathOf(run: RunReport['runs'][number]): string | undefined {
  const ref = (run as { allocationProfile?: { path?: unknown } }).allocationProfile;
  return typeof ref?.path === 'string' ? ref.path : undefined;
}

function isProfile(data: unknown): data is SamplingHeapProfile {
  const head = (data as { head?: { callFrame?: unknown; children?: unknown } } | null)?.head;
  return typeof head === 'object' && head !== null && typeof head.callFrame === 'object' && Array.isArray(head.children);
}

/** The profiles of `report`'s variants that can be read, keyed by variant. */
export function loadAllocationProfiles(report: RunReport, runDir: string): Partial<Record<Variant, SamplingHeapProfile>> {
  const out: Partial<Record<Variant, SamplingHeapProfile>> = {};
  for (const run of report.runs) {
    const p = profilePathOf(run);
    if (p === undefined) continue;
    const candidates = [path.resolve(p), path.join(runDir, run.variant, path.basename(p)), path.join(runDir, path.basename(p))];
    for (const file of candidates) {
      try {
        const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
        if (isProfile(data)) {
          out[run.variant] = data;
          break;
        }
      } catch {
        // not there or not a profile: try the next place
      }
    }
  }
  return out;
}
