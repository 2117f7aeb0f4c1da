/**
 * Extra pages for the sampling heap profiles a run recorded, written next to report.html and linked
 * from it: an interactive flame graph per variant (speedscope, one self-contained offline file).
 */
import path from 'node:path';
import type { Variant } from '../types.js';
import { redactDeep } from './redact-secrets.js';
import type { SamplingHeapProfile } from './render-allocation-flame.js';
import { type SpeedscopeAssets, flameViewerFileName, readSpeedscopeAssets, renderFlameViewerHtml } from './render-flame-viewer.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Pages written for one variant, as paths relative to the run directory (links of report.html). */
export interface AllocationViewLinks {
  /** The interactive flame graph (speedscope). */
  flame?: string;
}

/** Writes the allocation pages of every variant with a profile; returns their links by variant. */
export async function writeAllocationViews(
  scenario: string,
  runDir: string,
  profiles: Partial<Record<Variant, SamplingHeapProfile>>,
): Promise<Partial<Record<Variant, AllocationViewLinks>>> {
  const links: Partial<Record<Variant, AllocationViewLinks>> = {};
  let assets: SpeedscopeAssets | undefined;
  for (const [variant, profile] of Object.entries(profiles) as [Variant, SamplingHeapProfile | undefined][]) {
    if (!profile) continue;
    assets ??= readSpeedscopeAssets();
    const file = flameViewerFileName(variant);
    await writeFileAtomic(path.join(runDir, file), renderFlameViewerHtml(JSON.stringify(redactDeep(profile)), `${scenario} ${variant} allocations`, assets));
    links[variant] = { flame: file };
  }
  return links;
}
