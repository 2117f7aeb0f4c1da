/**
 * The Rust twins of the seed scenarios (scenarios-rust/, built into dist/rust/release/ by
 * `npm run build:rust`) as run targets: each variant is a `run --cmd <binary> --native` target
 * under the scenario's variant name, so a run measures them with heaptrack and RSS and names the
 * allocation sites in `src/...rs:<line>`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LeakbenchError } from '../errors.js';
import { DIST_DIR } from '../paths.js';
import { commandTarget } from './custom-targets.js';
import type { VariantTarget } from './run-variant.js';

/** Scenarios that have a Rust twin. */
export const RUST_TWIN_SCENARIOS = ['unbounded-map', 'closure-captured-buffers', 'uncleaned-audit-cache'] as const;

/** Runtimes a scenario can be measured in. */
export type ScenarioRuntime = 'node' | 'rust';

/** Path of the built Rust twin binary. */
export function rustTwinBinary(scenario: string, variant: 'leaky' | 'fixed'): string {
  return path.join(DIST_DIR, 'rust', 'release', `${scenario}-${variant}`);
}

/** True when `scenario` has a Rust twin. */
export function hasRustTwin(scenario: string): boolean {
  return (RUST_TWIN_SCENARIOS as readonly string[]).includes(scenario);
}

/** Run targets of the Rust twins of `scenario`; E_UNKNOWN_SCENARIO / E_FILE_NOT_FOUND when there is none or it is not built. */
export function rustTwinTargets(scenario: string, variants: ReadonlyArray<'leaky' | 'fixed'>): VariantTarget[] {
  if (!hasRustTwin(scenario)) {
    throw new LeakbenchError('E_UNKNOWN_SCENARIO', `${scenario} has no Rust twin (Rust twins: ${RUST_TWIN_SCENARIOS.join(', ')})`);
  }
  return variants.map((variant) => {
    const binary = rustTwinBinary(scenario, variant);
    if (!existsSync(binary)) throw new LeakbenchError('E_FILE_NOT_FOUND', `Rust twin ${path.relative(process.cwd(), binary)} is missing; run \`npm run build:rust\` first`);
    return { ...commandTarget({ command: binary, native: true }), variant };
  });
}
