/**
 * Lets the request mix speak to a user's server (`run --cmd`, `attach`): the key travels in the
 * header the user names (`--header Authorization`) instead of `x-api-key`.
 */
import type { MixedRequest } from './request-mix.js';

/**
 * Wraps `next` so each request's `x-api-key` header is sent as `headerName` instead, its value
 * `template` with `{key}` replaced by the key when given (`Bearer {key}`).
 */
export function renameKeyHeader(next: () => MixedRequest, headerName: string | undefined, template?: string): () => MixedRequest {
  const name = headerName?.toLowerCase() ?? 'x-api-key';
  if (name === 'x-api-key' && template === undefined) return next;
  return () => {
    const req = next();
    const key = req.headers['x-api-key'];
    if (key === undefined) return req;
    const headers = { ...req.headers };
    delete headers['x-api-key'];
    headers[name] = template === undefined ? key : template.split('{key}').join(key);
    return { ...req, headers };
  };
}
