/**
 * What the load driver sends: a request, and a source that yields one per autocannon
 * `setupRequest` call and hears each response (`onResponse`). The scenarios' key mix
 * (request-mix.ts) and a user's workload (workload.ts) are both sources.
 */

/** One request as the load driver sends it. */
export interface LoadRequest {
  method: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The workload request (endpoint) it came from, when it came from a workload. */
  endpoint?: string;
}

/** What the load driver draws requests from. */
export interface RequestSource {
  next(): LoadRequest;
  /** Called with each response to a request of this source (autocannon's `onResponse`). */
  onResponse?(request: LoadRequest, status: number, body: string, headers: Record<string, string>): void;
}
