/**
 * Behaviour check of a participant's fix: the original leaky server and the participant's server,
 * each booted on 127.0.0.1 (no inspector), answer the shared request set of the scenario kit
 * (scenarios/kit/testing/request-set.ts: good keys on both routes, every 4xx path, hostile
 * input), and every answer must be the same status and body. A fix that "stops the leak" by
 * rejecting requests, skipping scope checks or dropping the cache's correctness fails here.
 * The normalization of hostile answers follows scenarios/parity.int.test.ts.
 */
import { rawRequest, type RawResponse } from '../../scenarios/kit/testing/raw-request.js';
import { sharedRequestSet, type NamedRequest } from '../../scenarios/kit/testing/request-set.js';
import { startServer, type ServerHandle } from '../server/start-server.js';

/** One request whose answers differ. */
export interface ResponseDifference {
  request: string;
  original: string;
  yours: string;
}

/** Result of {@link compareResponses}. */
export interface ParityResult {
  same: boolean;
  requests: number;
  differences: ResponseDifference[];
}

/** The answer as compared: a hostile request may be rejected with 431 or a reset, both fine. */
export function responseOutcome(response: RawResponse, mayReset: boolean): string {
  if (mayReset && (response.status === 'reset' || response.status === 431)) return 'rejected (431 or reset)';
  return `${response.status} ${response.body}`;
}

async function answers(entry: string, requests: readonly NamedRequest[], signal?: AbortSignal): Promise<Map<string, string>> {
  let server: ServerHandle | undefined;
  try {
    server = await startServer({ entry, inspect: false, ...(signal ? { signal } : {}) });
    const out = new Map<string, string>();
    for (const { name, request, mayReset } of requests) {
      out.set(name, responseOutcome(await rawRequest(server.port, request), mayReset === true));
    }
    // Still serving after the hostile part of the set.
    out.set('healthz after the set', responseOutcome(await rawRequest(server.port, { method: 'GET', path: '/healthz' }), false));
    return out;
  } finally {
    await server?.kill();
  }
}

/** Replays the shared request set against both servers, one after the other. */
export async function compareResponses(originalEntry: string, yourEntry: string, secret: string, signal?: AbortSignal): Promise<ParityResult> {
  // One set for both servers: it mints random (valid, revoked, read-only…) keys, and the same keys
  // must go to both.
  const requests = sharedRequestSet(secret);
  const original = await answers(originalEntry, requests, signal);
  const yours = await answers(yourEntry, requests, signal);
  const differences: ResponseDifference[] = [];
  for (const [request, expected] of original) {
    const got = yours.get(request) ?? '(no answer)';
    if (got !== expected) differences.push({ request, original: expected, yours: got });
  }
  return { same: differences.length === 0, requests: original.size, differences };
}
