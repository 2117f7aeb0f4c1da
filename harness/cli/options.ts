/**
 * Parsers for flag values. Each throws `E_USAGE` with a one-line message naming the flag, so
 * `--duration -1` or `--connections abc` never reaches the run.
 */
import type { Command } from 'commander';
import type { ScenarioLoad } from '../catalog.js';
import { LeakbenchError } from '../errors.js';
import type { LoadPlan } from '../orchestrator/run-variant.js';

/** A positive finite number (seconds, ratios above 0). */
export function parsePositiveNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new LeakbenchError('E_USAGE', `${flag} must be a positive number, got '${raw}'`);
  }
  return value;
}

/** A whole number ≥ `min`. */
export function parseInteger(flag: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new LeakbenchError('E_USAGE', `${flag} must be a whole number ≥ ${min}, got '${raw}'`);
  }
  return value;
}

/** A ratio in [0, 1]. */
export function parseRatio(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new LeakbenchError('E_USAGE', `${flag} must be a number from 0 to 1, got '${raw}'`);
  }
  return value;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new LeakbenchError('E_USAGE', `${flag} must be one of ${choices.join(', ')}, got '${raw}'`);
}

/** A finite number ≥ 0 (warm-up seconds may be 0). */
export function parseNonNegative(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new LeakbenchError('E_USAGE', `${flag} must be a number ≥ 0, got '${raw}'`);
  }
  return value;
}

/** `--rate`: whole requests per second ≥ 1, or `max`. */
export function parseRate(raw: string): number | 'max' {
  if (raw === 'max') return 'max';
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new LeakbenchError('E_USAGE', `--rate must be a whole number of requests per second ≥ 1 or 'max', got '${raw}'`);
  }
  return value;
}

/** The load flags `run` and `attach` share, as commander hands them over (all strings). */
export interface LoadFlags {
  warmup?: string;
  duration?: string;
  connections?: string;
  rate?: string;
  keys?: string;
  invalidRatio?: string;
  postRatio?: string;
  maxDuration?: string;
  idle?: string;
  boundEntries?: string;
}

/** Registers the run protocol's flags shared by `run` and `attach` (load budget, idle phase, self-check). */
export function addProtocolOptions(command: Command): Command {
  return command
    .option('--max-duration <s>', 'load budget in seconds after warm-up: the run extends past --duration while the evidence cannot decide, up to this (default 120)')
    .option('--bound-entries <n>', 'a Map/Set/dictionary gaining an entry per request is a sure leak only past this many entries (before, a bounded cache looks the same); set it above your largest cache (default 100000)')
    .option('--idle <s>', 'seconds of quiet beside the deciding analysis, no requests: growth per second (driven by time) vs per request; 0 turns it off (default 3)')
    .option('--self-check', 'plant a known leak (520 B per request served) and check the run finds it at its rate; if not, no verdict (the traffic may not reach the code)');
}

/**
 * The load plan from the flags, each missing one taken from `defaults`. `parseKeyMode` comes from
 * harness/load (loaded by the command when it runs, not at start-up).
 */
export function loadPlanFromFlags(flags: LoadFlags, defaults: ScenarioLoad, parseKeyMode: (raw: string) => LoadPlan['keys']): LoadPlan {
  const d = defaults;
  const plan: LoadPlan = {
    warmupSec: flags.warmup !== undefined ? parseNonNegative('--warmup', flags.warmup) : d.warmupSec,
    durationSec: flags.duration !== undefined ? parsePositiveNumber('--duration', flags.duration) : d.durationSec,
    connections: flags.connections !== undefined ? parseInteger('--connections', flags.connections, 1) : d.connections,
    rate: flags.rate !== undefined ? parseRate(flags.rate) : d.rate,
    keys: parseKeyMode(flags.keys ?? d.keys),
    invalidRatio: flags.invalidRatio !== undefined ? parseRatio('--invalid-ratio', flags.invalidRatio) : d.invalidRatio,
    postRatio: flags.postRatio !== undefined ? parseRatio('--post-ratio', flags.postRatio) : d.postRatio,
    ...(flags.maxDuration !== undefined ? { maxDurationSec: parsePositiveNumber('--max-duration', flags.maxDuration) } : {}),
    ...(flags.idle !== undefined ? { idleSec: parseNonNegative('--idle', flags.idle) } : {}),
    ...(flags.boundEntries !== undefined ? { boundEntries: parseInteger('--bound-entries', flags.boundEntries, 1) } : {}),
  };
  if (plan.maxDurationSec !== undefined && plan.maxDurationSec < plan.durationSec) {
    throw new LeakbenchError('E_USAGE', `--max-duration (${plan.maxDurationSec} s) must be at least --duration (${plan.durationSec} s)`);
  }
  return plan;
}

