/**
 * Lets the request mix speak to a user's server (`run --cmd`, `attach`): the key travels in the
 * header the user names (`--header Authorization`) instead of `x-api-key`.
 */
import type { MixedRequest } from './request-mix.js';

/** Wraps `next` so each request's `x-api-key` header is sent as `headerName` instead. */
export function renameKeyHeader(next: () => MixedRequest, headerName: string | undefined): () => MixedRequest {
  const name = headerName?.toLowerCase();
  if (name === undefined || name === 'x-api-key') return next;
  return () => {
    const req = next();
    const key = req.headers['x-api-key'];
    if (key === undefined) return req;
    const headers = { ...req.headers };
    delete headers['x-api-key'];
    headers[name] = key;
    return { ...req, headers };
  };
}
