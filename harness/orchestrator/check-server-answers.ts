/**
 * After warm-up: is there anything to measure? A server that answered nothing, or nothing but 5xx,
 * is broken, not leaking, and a growth verdict on its memory would mean nothing. Such a run stops
 * with a stable code instead (`E_LOAD`: no answers; `E_SERVER_ERRORS`: only 5xx).
 */
import { LeakbenchError } from '../errors.js';
import type { LoadSummary } from '../types.js';

/** Throws when the load so far got no usable answer from the server at `baseUrl`. */
export function checkServerAnswers(load: LoadSummary, baseUrl: string): void {
  const total = Object.values(load.statusCounts).reduce((a, b) => a + b, 0);
  // No answer and no failure either: the warm-up was too short to tell (a very slow machine).
  if (total === 0 && load.errors + load.timeouts === 0) return;
  if (total === 0) {
    throw new LeakbenchError(
      'E_LOAD',
      `the server at ${baseUrl} answered no request during warm-up (${load.errors} socket errors, ${load.timeouts} timeouts)`,
    );
  }
  const serverErrors = load.statusCounts['5xx'] ?? 0;
  if (serverErrors === total) {
    throw new LeakbenchError('E_SERVER_ERRORS', `the server at ${baseUrl} answered all ${total} warm-up requests with 5xx errors`);
  }
}
