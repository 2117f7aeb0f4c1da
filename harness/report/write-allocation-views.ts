/**
 * Extra pages for the sampling heap profiles a run recorded, written next to report.html and linked
 * from it: an interactive flame graph per variant (speedscope, one self-contained offline file),
 * and on request Clinic.js Heap Profiler's page (see clinic-heap-profiler.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Variant } from '../types.js';
import { clinicPageFileName, writeClinicPage } from './clinic-heap-profiler.js';
import { redactDeep } from './redact-secrets.js';
import type { SamplingHeapProfile } from './render-allocation-flame.js';
import { type SpeedscopeAssets, flameViewerFileName, readSpeedscopeAssets, renderFlameViewerHtml } from './render-flame-viewer.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Pages written for one variant, as paths relative to the run directory (links of report.html). */
export interface AllocationViewLinks {
  /** The interactive flame graph (speedscope). */
  flame?: string;
  /** Clinic.js Heap Profiler's page, when asked for. */
  clinic?: string;
}

/** Options of {@link writeAllocationViews}. */
export interface AllocationViewOptions {
  /** Also write Clinic's page of each profile (needs the optional package); without it, a page already there is linked. */
  clinic?: boolean;
}

/** What {@link writeAllocationViews} wrote. */
export interface AllocationViews {
  links: Partial<Record<Variant, AllocationViewLinks>>;
  /** Pages that could not be written, one line each; the report renders without their links. */
  warnings: string[];
}

/** Writes the allocation pages of every variant with a profile. */
export async function writeAllocationViews(
  scenario: string,
  runDir: string,
  profiles: Partial<Record<Variant, SamplingHeapProfile>>,
  options: AllocationViewOptions = {},
): Promise<AllocationViews> {
  const links: Partial<Record<Variant, AllocationViewLinks>> = {};
  const warnings: string[] = [];
  let assets: SpeedscopeAssets | undefined;
  for (const [variant, profile] of Object.entries(profiles) as [Variant, SamplingHeapProfile | undefined][]) {
    if (!profile) continue;
    const json = JSON.stringify(redactDeep(profile));
    assets ??= readSpeedscopeAssets();
    const flame = flameViewerFileName(variant);
    await writeFileAtomic(path.join(runDir, flame), renderFlameViewerHtml(json, `${scenario} ${variant} allocations`, assets));
    const entry: AllocationViewLinks = { flame };
    const clinic = clinicPageFileName(variant);
    if (!options.clinic) {
      // Re-rendering (`leakbench report`) keeps the link to a Clinic page an earlier --clinic wrote.
      if (existsSync(path.join(runDir, clinic))) entry.clinic = clinic;
    } else {
      try {
        await writeClinicPage(json, path.join(runDir, variant), path.join(runDir, clinic));
        entry.clinic = clinic;
      } catch (err) {
        warnings.push(`${variant}: the Clinic page could not be written: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    links[variant] = entry;
  }
  return { links, warnings };
}
