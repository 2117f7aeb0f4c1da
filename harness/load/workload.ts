/**
 * A workload: the requests a run sends to a user's server, with weights, templated values
 * (template.ts) and values captured from earlier responses (create, then read what was created).
 *
 * A workload compiles into a {@link RequestSource}, which the load driver calls from autocannon's
 * `setupRequest` (one request chosen per call, by weight) and `onResponse` (captures). Autocannon
 * stays the only HTTP client. `only(name)` gives a source limited to one request, for the
 * per-endpoint segments; all sources of one compiled workload share their captured values.
 *
 * File format (JSON, or an ES module whose default export is the object or a function returning it):
 *
 *     { "headers": { "authorization": "Bearer {{env API_TOKEN}}" },
 *       "requests": [
 *         { "name": "create", "method": "POST", "path": "/items", "body": { "title": "{{word}}" },
 *           "weight": 1, "capture": { "itemId": "body.id" } },
 *         { "name": "read", "path": "/items/{{ref itemId}}", "weight": 4 } ] }
 */
import { LeakbenchError } from '../errors.js';
import type { LoadRequest, RequestSource } from './request-source.js';
import { compileTemplate, type Template, type TemplateContext } from './template.js';

export type { LoadRequest, RequestSource };

/** One request of a workload file. */
export interface WorkloadRequestSpec {
  /** Label in reports and the per-endpoint table (default `METHOD path`). */
  name?: string;
  method?: string;
  /** Path (and query), templated; must start with `/`. */
  path: string;
  headers?: Record<string, string>;
  /** JSON value (strings templated) sent as `application/json`, or a string sent as is. */
  body?: unknown;
  /** Relative share of requests (default 1). */
  weight?: number;
  /** Values to keep from the response: name → `body.<dotted path>`, `header.<name>` or `status`. */
  capture?: Record<string, string>;
  /** Free labels (OpenAPI tags), used by `--include` / `--exclude`. */
  tags?: string[];
}

/** A workload file. */
export interface WorkloadSpec {
  /** Headers on every request (templated). */
  headers?: Record<string, string>;
  requests: WorkloadRequestSpec[];
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const CAPTURE = /^(body(\.[^.]+)*|header\.[A-Za-z0-9-]+|status)$/;

function bad(where: string, message: string): never {
  throw new LeakbenchError('E_WORKLOAD', `${where}: ${message}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringRecord(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) bad(where, 'must be an object of strings');
  for (const [k, value] of Object.entries(v)) if (typeof value !== 'string') bad(`${where}.${k}`, 'must be a string');
  return v as Record<string, string>;
}

/** Checks a parsed workload file; `where` names it in the one-line `E_WORKLOAD` messages. */
export function parseWorkload(value: unknown, where: string): WorkloadSpec {
  if (!isRecord(value)) bad(where, 'a workload is an object with a "requests" array');
  const requests = value['requests'];
  if (!Array.isArray(requests) || requests.length === 0) bad(where, '"requests" must be a non-empty array');
  const headers = stringRecord(value['headers'], `${where} headers`);
  const names = new Set<string>();
  const parsed = requests.map((r: unknown, i): WorkloadRequestSpec => {
    const at = `${where} requests[${i}]`;
    if (!isRecord(r)) bad(at, 'must be an object with at least "path"');
    const method = r['method'] === undefined ? 'GET' : String(r['method']).toUpperCase();
    if (!METHODS.has(method)) bad(at, `method '${String(r['method'])}' is not one of ${[...METHODS].join(', ')}`);
    const path = r['path'];
    if (typeof path !== 'string' || !path.startsWith('/')) bad(at, '"path" must be a string starting with /');
    const weight = r['weight'] === undefined ? 1 : r['weight'];
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) bad(at, '"weight" must be a positive number');
    const name = r['name'] === undefined ? `${method} ${path}` : r['name'];
    if (typeof name !== 'string' || name === '') bad(at, '"name" must be a non-empty string');
    if (names.has(name)) bad(at, `two requests are named '${name}': give each its own "name"`);
    names.add(name);
    const capture = stringRecord(r['capture'], `${at} capture`);
    for (const [k, from] of Object.entries(capture ?? {})) {
      if (!CAPTURE.test(from)) bad(`${at} capture.${k}`, `'${from}' must be body.<path>, header.<name> or status`);
    }
    const tags = r['tags'];
    if (tags !== undefined && (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))) bad(at, '"tags" must be an array of strings');
    const h = stringRecord(r['headers'], `${at} headers`);
    return {
      name,
      method,
      path,
      weight,
      ...(h ? { headers: h } : {}),
      ...(r['body'] !== undefined ? { body: r['body'] } : {}),
      ...(capture ? { capture } : {}),
      ...(tags ? { tags: tags as string[] } : {}),
    };
  });
  return { ...(headers ? { headers } : {}), requests: parsed };
}

/** Parses `--header 'Name: value'` (the value may hold templates). */
export function parseHeaderFlag(raw: string): [string, string] {
  const colon = raw.indexOf(':');
  const name = colon > 0 ? raw.slice(0, colon).trim() : '';
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
    throw new LeakbenchError('E_USAGE', `--header must look like 'Name: value', got '${raw}'`);
  }
  return [name.toLowerCase(), raw.slice(colon + 1).trim()];
}

/** Options of {@link compileWorkload}. */
export interface CompileWorkloadOptions {
  /** Key secret for `{{lk_key}}`. */
  secret: string;
  /** Headers added to every request after the workload's own (`--header`), templated. */
  extraHeaders?: Record<string, string>;
  random?: () => number;
  env?: NodeJS.ProcessEnv;
  /** Values kept per captured name (default 256, the newest replace the oldest). */
  capturePoolSize?: number;
}

/** A compiled workload: the whole mix, and one source per request for per-endpoint segments. */
export interface CompiledWorkload extends RequestSource {
  /** Request names, in file order. */
  names: string[];
  /** A source that sends only the named request (sharing this workload's captured values). */
  only(name: string): RequestSource;
}

interface CompiledRequest {
  name: string;
  method: string;
  path: Template;
  headers: Array<[string, Template]>;
  body: ((ctx: TemplateContext) => string | undefined) | undefined;
  json: boolean;
  weight: number;
  capture: Array<[string, string]>;
  refs: string[];
}

/** Compiles a checked workload. Throws `E_WORKLOAD` for a bad template or a missing variable. */
export function compileWorkload(spec: WorkloadSpec, options: CompileWorkloadOptions): CompiledWorkload {
  const env = options.env ?? process.env;
  const random = options.random ?? Math.random;
  const poolSize = options.capturePoolSize ?? 256;
  const pools = new Map<string, string[]>();
  const cursor = new Map<string, number>();
  let sequence = 0;
  const ctx: TemplateContext = {
    random,
    nextSequence: () => ++sequence,
    secret: options.secret,
    ref: (name) => {
      const pool = pools.get(name);
      return pool && pool.length > 0 ? pool[Math.floor(random() * pool.length)] : undefined;
    },
  };
  const headerTemplates = (h: Record<string, string> | undefined, where: string): Array<[string, Template]> =>
    Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), withWhere(where, () => compileTemplate(v, env))]);
  const common = [...headerTemplates(spec.headers, 'headers'), ...headerTemplates(options.extraHeaders, '--header')];

  const requests: CompiledRequest[] = spec.requests.map((r) => {
    const where = `request '${r.name}'`;
    const path = withWhere(where, () => compileTemplate(r.path, env));
    const headers = [...common, ...headerTemplates(r.headers, where)];
    const refs = new Set([...path.refs, ...headers.flatMap(([, t]) => t.refs)]);
    let body: CompiledRequest['body'];
    const json = r.body !== undefined && typeof r.body !== 'string';
    if (typeof r.body === 'string') {
      const t = withWhere(where, () => compileTemplate(r.body as string, env));
      t.refs.forEach((x) => refs.add(x));
      body = (c) => t.render(c);
    } else if (r.body !== undefined) {
      const render = compileJson(r.body, env, where, refs);
      body = (c) => {
        const v = render(c);
        return v === MISSING ? undefined : JSON.stringify(v);
      };
    }
    return {
      name: r.name ?? `${r.method ?? 'GET'} ${r.path}`,
      method: r.method ?? 'GET',
      path,
      headers,
      body,
      json,
      weight: r.weight ?? 1,
      capture: Object.entries(r.capture ?? {}),
      refs: [...refs],
    };
  });
  const producers = new Set(requests.flatMap((r) => r.capture.map(([k]) => k)));
  for (const r of requests) {
    for (const ref of r.refs) {
      if (!producers.has(ref)) throw new LeakbenchError('E_WORKLOAD', `request '${r.name}' uses {{ref ${ref}}}, but no request captures '${ref}'`);
    }
  }
  if (requests.every((r) => r.refs.length > 0)) {
    throw new LeakbenchError('E_WORKLOAD', 'every request needs a value captured from an earlier response: at least one must not use {{ref}}');
  }

  const build = (r: CompiledRequest): LoadRequest | undefined => {
    const path = r.path.render(ctx);
    if (path === undefined) return undefined;
    const headers: Record<string, string> = {};
    for (const [k, t] of r.headers) {
      const v = t.render(ctx);
      if (v === undefined) return undefined;
      headers[k] = v;
    }
    const out: LoadRequest = { method: r.method, path, headers, endpoint: r.name };
    if (r.body) {
      const b = r.body(ctx);
      if (b === undefined) return undefined;
      if (r.json && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      out.body = b;
    }
    return out;
  };
  const ready = (r: CompiledRequest): boolean => r.refs.every((ref) => (pools.get(ref)?.length ?? 0) > 0);
  // Weighted choice among the requests whose captured values exist (a read waits for a create).
  const choose = (from: CompiledRequest[]): CompiledRequest => {
    const eligible = from.filter(ready);
    const list = eligible.length > 0 ? eligible : requests.filter(ready);
    let total = 0;
    for (const r of list) total += r.weight;
    let x = random() * total;
    for (const r of list) {
      x -= r.weight;
      if (x < 0) return r;
    }
    return list[list.length - 1]!;
  };
  const byName = new Map(requests.map((r) => [r.name, r]));
  const onResponse = (request: LoadRequest, status: number, body: string, headers: Record<string, string>): void => {
    const r = request.endpoint === undefined ? undefined : byName.get(request.endpoint);
    if (!r || r.capture.length === 0 || status >= 400) return;
    let parsed: unknown;
    for (const [name, from] of r.capture) {
      let value: unknown;
      if (from === 'status') value = status;
      else if (from.startsWith('header.')) value = headers[from.slice(7).toLowerCase()];
      else {
        if (parsed === undefined) {
          try {
            parsed = JSON.parse(body);
          } catch {
            parsed = null;
          }
        }
        value = from.split('.').slice(1).reduce<unknown>((v, key) => (isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined), parsed);
      }
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      let pool = pools.get(name);
      if (!pool) pools.set(name, (pool = []));
      if (pool.length < poolSize) pool.push(String(value));
      else {
        const at = cursor.get(name) ?? 0;
        pool[at] = String(value);
        cursor.set(name, (at + 1) % poolSize);
      }
    }
  };
  const source = (from: CompiledRequest[]): RequestSource => ({
    next: () => {
      // A request whose value did not render (a ref emptied meanwhile) is replaced by a ready one.
      for (let attempt = 0; attempt < 8; attempt++) {
        const req = build(choose(from));
        if (req) return req;
      }
      return build(requests.find((r) => r.refs.length === 0)!)!;
    },
    onResponse,
  });
  const all = source(requests);
  return {
    ...all,
    names: requests.map((r) => r.name),
    only: (name) => {
      const r = byName.get(name);
      if (!r) throw new LeakbenchError('E_WORKLOAD', `no request named '${name}' in the workload`);
      return source([r]);
    },
  };
}

const MISSING = Symbol('missing');

/** Compiles a JSON body: every string leaf is a template; a lone numeric generator stays a number. */
function compileJson(value: unknown, env: NodeJS.ProcessEnv, where: string, refs: Set<string>): (ctx: TemplateContext) => unknown {
  if (typeof value === 'string') {
    const t = withWhere(where, () => compileTemplate(value, env));
    t.refs.forEach((x) => refs.add(x));
    return (c) => t.renderValue(c) ?? MISSING;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => compileJson(v, env, where, refs));
    return (c) => {
      const out = items.map((f) => f(c));
      return out.includes(MISSING) ? MISSING : out;
    };
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([k, v]) => [k, compileJson(v, env, where, refs)] as const);
    return (c) => {
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) {
        const v = f(c);
        if (v === MISSING) return MISSING;
        out[k] = v;
      }
      return out;
    };
  }
  return () => value;
}

function withWhere<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof LeakbenchError && err.code === 'E_WORKLOAD') throw new LeakbenchError('E_WORKLOAD', `${where}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** A workload as a run plan carries it: the checked requests and where they came from. */
export interface WorkloadPlan {
  spec: WorkloadSpec;
  kind: 'file' | 'config' | 'openapi';
  /** The file it was read from, as the user named it. */
  from: string;
  /** One window of load per request (endpoint) between snapshots, growth attributed per endpoint. */
  perEndpoint?: boolean;
}
