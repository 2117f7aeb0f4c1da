/**
 * The self-check's verdict (`--self-check`), pure: did the run find the planted leak
 * (probe/self-check-plant.ts), named, at its rate?
 *
 * - `found`: the leak finder named the planted holder and its growth per request served is within
 *   {@link SELF_CHECK_TOLERANCE} of the planted rate (black-box: the RSS slope is, unnamed);
 * - `not-reached`: nothing was planted at all: no request was served (every one rejected, a wrong
 *   route, a proxy answering), none reached the planting code (counted through the inspector), or,
 *   black-box, RSS did not grow by a quarter of the planted rate — the traffic does not reach the
 *   server's code;
 * - `missed`: it was planted but the run did not find it, or not at its rate.
 */
import type { VariantRun } from '../types.js';
import { PLANTED_BYTES_PER_REQUEST } from '../probe/self-check-plant.js';

export type SelfCheck = NonNullable<VariantRun['selfCheck']>;

/** Allowed relative error of the measured planted rate. */
export const SELF_CHECK_TOLERANCE = 0.25;

/** Black-box: RSS growth below this share of the planted rate counts as no planted growth at all. */
export const NOT_REACHED_SHARE = 0.25;

/** What the self-check phase measured. */
export interface SelfCheckMeasure {
  /** Requests sent in the phase, and those the server answered below 400 (the ones that plant). */
  requests: number;
  servedRequests: number;
  /** Records the server planted, when the run could count them (inspector); undefined otherwise. */
  plantedRecords?: number;
  /** Growth of the planted holder over the phase as the run measured it (undefined: not seen). */
  holderBytes: number | undefined;
  /** True when the leak finder named the planted holder. */
  named: boolean;
  blackBox: boolean;
}

export function selfCheckResult(m: SelfCheckMeasure): SelfCheck {
  const planted = PLANTED_BYTES_PER_REQUEST;
  const served = m.plantedRecords ?? m.servedRequests;
  if (served === 0 || m.servedRequests === 0) {
    return {
      state: 'not-reached',
      plantedBytesPerRequest: planted,
      reason:
        `none of the ${m.requests} requests of the self-check planted anything (${m.servedRequests} answered below 400): ` +
        'the traffic does not reach the server\'s code (wrong route or --path, every request rejected, or a proxy in front)',
    };
  }
  const found = m.holderBytes === undefined ? undefined : m.holderBytes / served;
  // Black-box: no count from inside the server; RSS that does not grow by a quarter of the planted
  // rate shows no planted growth at all (a non-Node server ignores the preload, a proxy answers).
  if (m.blackBox && m.plantedRecords === undefined && (found ?? 0) < NOT_REACHED_SHARE * planted) {
    return {
      state: 'not-reached',
      plantedBytesPerRequest: planted,
      ...(found !== undefined ? { foundBytesPerRequest: Math.round(found) } : {}),
      reason:
        `RSS grew ${Math.round(found ?? 0)} B per request served during the self-check, below a quarter of the planted ${planted} B: ` +
        'no planted growth at all — the traffic does not reach the server\'s code, or the server is not Node (the preload never ran)',
    };
  }
  const rate = found === undefined ? 'not found' : `${Math.round(found)} B per request served`;
  const within = found !== undefined && Math.abs(found - planted) <= SELF_CHECK_TOLERANCE * planted;
  if (within && (m.named || m.blackBox)) {
    return {
      state: 'found',
      plantedBytesPerRequest: planted,
      foundBytesPerRequest: Math.round(found),
      reason: `the planted leak (${planted} B per request served) was found${m.named ? ', named,' : ' in RSS'} at ${rate} over ${served} requests served`,
    };
  }
  return {
    state: 'missed',
    plantedBytesPerRequest: planted,
    ...(found !== undefined ? { foundBytesPerRequest: Math.round(found) } : {}),
    reason:
      `the planted leak (${planted} B per request served, ${served} served) was ${m.named || m.blackBox ? `measured at ${rate}, outside ±${SELF_CHECK_TOLERANCE * 100} %` : 'not named by the leak finder'}: ` +
      'the run cannot be trusted to see this server\'s leaks',
  };
}
