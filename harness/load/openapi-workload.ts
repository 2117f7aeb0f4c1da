/**
 * `--openapi <spec>`: a workload built from an OpenAPI description (2.0, 3.0 or 3.1; YAML or JSON).
 * The file is parsed, dereferenced and validated by `@apidevtools/swagger-parser` (local files
 * only: no `$ref` is fetched over the network). Each operation (GET, POST, PUT, PATCH, DELETE)
 * becomes one workload request named by its `operationId` (else `METHOD /path`), tagged with its
 * tags, with:
 * - path, query and header parameters from the parameter's or its schema's `example`, `default`
 *   or first `enum` value, else a value generated from the schema (template.ts generators: uuid,
 *   email, integers in range, words);
 * - a JSON body from the request body's example, else generated from its schema;
 * - credentials for the operation's (or the document's) first security requirement: API key in a
 *   header, the query or a cookie; HTTP bearer or basic. The value is read from the environment:
 *   `LEAKBENCH_AUTH_<SCHEME NAME>` (upper case, non-alphanumerics as `_`), else `LEAKBENCH_AUTH`,
 *   else a minted `lk_` key (leakbench's own key scheme).
 *
 * `--include` / `--exclude` select operations: a word matches a tag or an operationId, a word
 * starting with `/` matches a path prefix (`*` matches any run of characters).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LeakbenchError } from '../errors.js';
import type { WorkloadRequestSpec, WorkloadSpec } from './workload.js';

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Options of {@link openApiWorkload}. */
export interface OpenApiWorkloadOptions {
  /** Selectors an operation must match one of (none: every operation). */
  include?: string[];
  /** Selectors that drop an operation. */
  exclude?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Reads, dereferences and validates `file`, and builds the workload. */
export async function openApiWorkload(file: string, options: OpenApiWorkloadOptions = {}): Promise<WorkloadSpec> {
  const shown = path.relative(process.cwd(), file) || file;
  if (/^[a-z]+:\/\//i.test(file)) throw new LeakbenchError('E_OPENAPI', `--openapi takes a local file, got '${file}'`);
  if (!existsSync(file)) throw new LeakbenchError('E_FILE_NOT_FOUND', `OpenAPI file ${shown} does not exist`);
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  let doc: Json;
  try {
    doc = (await SwaggerParser.validate(path.resolve(file), { resolve: { http: false } })) as unknown as Json;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new LeakbenchError('E_OPENAPI', `${shown}: not a valid OpenAPI 2.0/3.0/3.1 description: ${message}`, { cause: err });
  }
  return buildWorkload(doc, shown, options);
}

/** The workload of a dereferenced, valid document (exported for tests). */
export function buildWorkload(doc: Json, shown: string, options: OpenApiWorkloadOptions = {}): WorkloadSpec {
  const env = options.env ?? process.env;
  const swagger2 = typeof doc['swagger'] === 'string';
  const basePath = swagger2 ? trimSlash(str(doc['basePath']) ?? '') : serverBasePath(doc);
  const schemes = ((swagger2 ? doc['securityDefinitions'] : obj(doc['components'])?.['securitySchemes']) ?? {}) as Record<string, Json>;
  const requests: WorkloadRequestSpec[] = [];
  for (const [route, item] of Object.entries(obj(doc['paths']) ?? {})) {
    const pathItem = item as Json;
    for (const method of METHODS) {
      const op = obj(pathItem[method]);
      if (!op) continue;
      const name = str(op['operationId']) ?? `${method.toUpperCase()} ${route}`;
      const tags = Array.isArray(op['tags']) ? (op['tags'] as unknown[]).filter((t): t is string => typeof t === 'string') : [];
      if (!selected(options, name, route, tags)) continue;
      const params = [...arr(pathItem['parameters']), ...arr(op['parameters'])] as Json[];
      // An operation's parameter overrides the path item's of the same name and place.
      const byKey = new Map(params.map((p) => [`${str(p['in'])}:${str(p['name'])}`, p]));
      let requestPath = route;
      const query: string[] = [];
      const headers: Record<string, string> = {};
      let body: unknown;
      for (const p of byKey.values()) {
        const where = str(p['in']);
        const pname = str(p['name']) ?? '';
        if (where === 'body') {
          body = valueFor(obj(p['schema']) ?? {}, p['example'], 0);
          continue;
        }
        if (where !== 'path' && p['required'] !== true) continue;
        const schema = swagger2 ? p : (obj(p['schema']) ?? {});
        const example = p['example'] ?? firstExample(p['examples']);
        const v = valueFor(schema, example, 0);
        const text = typeof v === 'string' ? v : JSON.stringify(v);
        if (where === 'path') requestPath = requestPath.replaceAll(`{${pname}}`, text);
        else if (where === 'query') query.push(`${encodeURIComponent(pname)}=${text}`);
        else if (where === 'header') headers[pname.toLowerCase()] = text;
      }
      if (!swagger2) {
        const content = obj(obj(op['requestBody'])?.['content']);
        const media = obj(content?.['application/json']) ?? (content ? obj(Object.values(content)[0]) : undefined);
        if (media) body = valueFor(obj(media['schema']) ?? {}, media['example'] ?? firstExample(media['examples']), 0);
      }
      const security = (op['security'] ?? doc['security']) as Array<Record<string, unknown>> | undefined;
      const requirement = Array.isArray(security) ? security.find((s) => Object.keys(s).every((k) => schemes[k])) : undefined;
      for (const schemeName of Object.keys(requirement ?? {})) applyScheme(schemeName, schemes[schemeName]!, headers, query, env);
      const request: WorkloadRequestSpec = {
        name,
        method: method.toUpperCase(),
        path: `${basePath}${requestPath}${query.length > 0 ? `?${query.join('&')}` : ''}`,
        weight: 1,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(tags.length > 0 ? { tags } : {}),
      };
      requests.push(request);
    }
  }
  if (requests.length === 0) {
    throw new LeakbenchError('E_OPENAPI', `${shown}: no operation to load${options.include || options.exclude ? ' after --include/--exclude' : ''}`);
  }
  return { requests };
}

/** The credential of one security scheme, into headers or the query. */
function applyScheme(name: string, scheme: Json, headers: Record<string, string>, query: string[], env: NodeJS.ProcessEnv): void {
  const variable = `LEAKBENCH_AUTH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const value = env[variable] !== undefined ? `{{env ${variable}}}` : env['LEAKBENCH_AUTH'] !== undefined ? '{{env LEAKBENCH_AUTH}}' : '{{lk_key}}';
  const type = str(scheme['type']);
  if (type === 'apiKey') {
    const key = str(scheme['name']) ?? 'x-api-key';
    const where = str(scheme['in']);
    if (where === 'query') query.push(`${encodeURIComponent(key)}=${value}`);
    else if (where === 'cookie') headers['cookie'] = `${headers['cookie'] ? `${headers['cookie']}; ` : ''}${key}=${value}`;
    else headers[key.toLowerCase()] = value;
  } else if ((type === 'http' && str(scheme['scheme'])?.toLowerCase() === 'bearer') || type === 'oauth2' || type === 'openIdConnect') {
    headers['authorization'] = `Bearer ${value}`;
  } else if ((type === 'http' && str(scheme['scheme'])?.toLowerCase() === 'basic') || type === 'basic') {
    headers['authorization'] = `Basic ${value}`;
  }
}

/** A value for a schema: its example, default or first enum value, else generated (templates for strings and numbers). */
function valueFor(schema: Json, example: unknown, depth: number): unknown {
  if (example !== undefined) return example;
  if (schema['example'] !== undefined) return schema['example'];
  if (schema['default'] !== undefined) return schema['default'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  const composite = arr(schema['allOf']);
  if (composite.length > 0) {
    const merged: Record<string, unknown> = {};
    for (const part of composite) Object.assign(merged, valueFor(part as Json, undefined, depth) as object);
    return merged;
  }
  const alternative = arr(schema['oneOf'])[0] ?? arr(schema['anyOf'])[0];
  if (alternative) return valueFor(alternative as Json, undefined, depth);
  let type = schema['type'];
  if (Array.isArray(type)) type = type.find((t) => t !== 'null');
  if (type === undefined && obj(schema['properties'])) type = 'object';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth >= 4) return out;
      for (const [k, v] of Object.entries(obj(schema['properties']) ?? {})) {
        if (obj(v)?.['readOnly'] === true) continue;
        out[k] = valueFor(v as Json, undefined, depth + 1);
      }
      return out;
    }
    case 'array':
      return depth >= 4 ? [] : [valueFor(obj(schema['items']) ?? {}, undefined, depth + 1)];
    case 'integer':
    case 'number': {
      const min = typeof schema['minimum'] === 'number' ? Math.ceil(schema['minimum']) : 1;
      const max = typeof schema['maximum'] === 'number' ? Math.floor(schema['maximum']) : Math.max(min, 1000);
      return `{{int ${min} ${max}}}`;
    }
    case 'boolean':
      return true;
    default: {
      const format = str(schema['format']);
      if (format === 'uuid') return '{{uuid}}';
      if (format === 'email') return '{{email}}';
      if (format === 'date-time') return '2026-01-01T00:00:00Z';
      if (format === 'date') return '2026-01-01';
      return typeof schema['maxLength'] === 'number' && schema['maxLength'] < 6 ? '{{hex 4}}'.replace('4', String(schema['maxLength'])) : '{{word}}-{{seq}}';
    }
  }
}

function selected(options: OpenApiWorkloadOptions, name: string, route: string, tags: string[]): boolean {
  const matches = (selector: string): boolean => {
    if (selector.startsWith('/')) {
      const re = new RegExp(`^${selector.split('*').map(escapeRegExp).join('.*')}`);
      return re.test(route);
    }
    return selector === name || tags.includes(selector);
  };
  if (options.include && options.include.length > 0 && !options.include.some(matches)) return false;
  return !(options.exclude ?? []).some(matches);
}

function serverBasePath(doc: Json): string {
  const server = obj(arr(doc['servers'])[0]);
  let url = str(server?.['url']) ?? '';
  for (const [k, v] of Object.entries(obj(server?.['variables']) ?? {})) url = url.replaceAll(`{${k}}`, str(obj(v)?.['default']) ?? '');
  try {
    return trimSlash(new URL(url, 'http://placeholder').pathname);
  } catch {
    return '';
  }
}

const trimSlash = (p: string): string => (p === '/' ? '' : p.replace(/\/+$/, ''));
const escapeRegExp = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const firstExample = (v: unknown): unknown => {
  const first = obj(v) ? Object.values(v as Json)[0] : undefined;
  return obj(first)?.['value'];
};
