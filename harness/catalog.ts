/**
 * The scenario catalog: every folder under `scenarios/` with a `scenario.json`. The metadata tells
 * people what a scenario teaches and how to load it; `expected` is for the benchmark matrix and the
 * tests only. No verdict ever reads it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LeakbenchError } from './errors.js';
import { DIST_DIR, SCENARIOS_DIR } from './paths.js';
import type { Verdict } from './types.js';

/** Default load of a scenario, overridable from the command line. */
export interface ScenarioLoad {
  warmupSec: number;
  durationSec: number;
  connections: number;
  /** Requests per second, or `max`. */
  rate: number | 'max';
  /** `unique` or `pool:N`. */
  keys: string;
  invalidRatio: number;
  /** Share of POST requests, 0..1. */
  postRatio: number;
}

/** `scenarios/<name>/scenario.json`, as written by hand. */
export interface ScenarioMeta {
  name: string;
  title: string;
  /** One line for `leakbench list`. */
  summary: string;
  /** What it teaches, a few sentences. */
  teaches: string;
  difficulty?: 'easy' | 'medium' | 'hard';
  /** Minutes a workshop exercise takes. */
  minutes?: number;
  load?: Partial<ScenarioLoad>;
  /** What the benchmark matrix expects of each variant. Never read by any verdict. */
  expected: { leaky: Verdict; fixed: Verdict };
}

/** A scenario with its resolved files. */
export interface Scenario extends ScenarioMeta {
  dir: string;
  load: ScenarioLoad;
  /** Compiled entry points the harness runs. */
  entries: { leaky: string; fixed: string };
  /** TypeScript sources of the variants. */
  sources: { leaky: string; fixed: string };
}

/** The load every scenario starts from. */
export const DEFAULT_LOAD: ScenarioLoad = {
  warmupSec: 5,
  durationSec: 20,
  connections: 10,
  rate: 2000,
  keys: 'unique',
  invalidRatio: 0.05,
  postRatio: 0.2,
};

function readMeta(dir: string): ScenarioMeta | undefined {
  const file = path.join(dir, 'scenario.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ScenarioMeta;
}

function resolve(name: string, meta: ScenarioMeta): Scenario {
  const dir = path.join(SCENARIOS_DIR, name);
  return {
    ...meta,
    dir,
    load: { ...DEFAULT_LOAD, ...meta.load },
    entries: {
      leaky: path.join(DIST_DIR, 'scenarios', name, 'leaky.js'),
      fixed: path.join(DIST_DIR, 'scenarios', name, 'fixed.js'),
    },
    sources: { leaky: path.join(dir, 'leaky.ts'), fixed: path.join(dir, 'fixed.ts') },
  };
}

/** Every scenario, sorted by name. */
export function listScenarios(): Scenario[] {
  const names = readdirSync(SCENARIOS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const out: Scenario[] = [];
  for (const name of names) {
    const meta = readMeta(path.join(SCENARIOS_DIR, name));
    if (meta) out.push(resolve(name, meta));
  }
  return out;
}

/** The named scenario, or `E_UNKNOWN_SCENARIO` listing the names there are. */
export function getScenario(name: string): Scenario {
  const found = listScenarios().find((s) => s.name === name);
  if (!found) {
    const names = listScenarios().map((s) => s.name);
    throw new LeakbenchError(
      'E_UNKNOWN_SCENARIO',
      `unknown scenario '${name}'; choose one of: ${names.join(', ')}`,
    );
  }
  return found;
}
