/**
 * `--header 'Name: value'` on the built-in key mix: the headers (templates allowed, e.g.
 * `Authorization: Bearer {{env API_TOKEN}}`) go on every request, after the mix's own.
 */
import type { LoadRequest } from './request-source.js';
import { compileTemplate } from './template.js';

/** Wraps `next` so each request also carries `headers`; returns `next` itself when there are none. */
export function withHeaders<R extends LoadRequest>(next: () => R, headers: Record<string, string> | undefined, secret: string): () => R {
  const entries = Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), compileTemplate(v)] as const);
  if (entries.length === 0) return next;
  let sequence = 0;
  const ctx = { random: Math.random, nextSequence: () => ++sequence, secret, ref: () => undefined };
  return () => {
    const req = next();
    const out = { ...req.headers };
    for (const [k, t] of entries) out[k] = t.render(ctx) ?? '';
    return { ...req, headers: out };
  };
}
