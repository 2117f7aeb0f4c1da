import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isLeakbenchError } from '../errors.js';
import { findConfigFile, readWorkloadFile } from './read-workload.js';
import { compileTemplate, type TemplateContext } from './template.js';
import { compileWorkload, parseHeaderFlag, parseWorkload } from './workload.js';

/** A deterministic [0,1) sequence (LCG) so the weighted choice can be counted. */
function lcg(seed = 42): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const ctx = (over: Partial<TemplateContext> = {}): TemplateContext => {
  let n = 0;
  return { random: lcg(), nextSequence: () => ++n, secret: 's'.repeat(32), ref: () => undefined, ...over };
};

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isLeakbenchError(err) ? err.code : 'other';
  }
  return undefined;
}

describe('templates', () => {
  test('each generator renders its kind of value', () => {
    const c = ctx();
    expect(compileTemplate('{{uuid}}').render(c)).toMatch(/^[0-9a-f-]{36}$/);
    const seq = compileTemplate('id-{{seq 100}}');
    expect([seq.render(c), seq.render(c)]).toEqual(['id-100', 'id-101']);
    const int = compileTemplate('{{int 3 5}}');
    for (let i = 0; i < 50; i++) expect(Number(int.render(c))).toBeGreaterThanOrEqual(3);
    expect(new Set(Array.from({ length: 60 }, () => compileTemplate('{{choice a|b|c}}').render(c)))).toEqual(new Set(['a', 'b', 'c']));
    expect(compileTemplate('{{email}}').render(c)).toMatch(/^[a-z]+\.[a-z]+\d+@example\.test$/);
    expect(compileTemplate('{{text 20}}').render(c)).toHaveLength(20);
    expect(compileTemplate('{{hex 8}}').render(c)).toMatch(/^[0-9a-f]{8}$/);
    expect(compileTemplate('{{lk_key}}').render(c)).toMatch(/^lk_[A-Za-z0-9]+_[A-Za-z0-9]+$/);
    expect(compileTemplate('Bearer {{env TOKEN}}', { TOKEN: 'abc' }).render(c)).toBe('Bearer abc');
  });

  test('a lone numeric generator stays a number in a body; refs wait for a value', () => {
    expect(compileTemplate('{{int 7 7}}').renderValue(ctx())).toBe(7);
    const ref = compileTemplate('/items/{{ref itemId}}');
    expect(ref.refs).toEqual(['itemId']);
    expect(ref.render(ctx())).toBeUndefined();
    expect(ref.render(ctx({ ref: () => 'x1' }))).toBe('/items/x1');
  });

  test('unknown generators and unset variables are E_WORKLOAD, before any load', () => {
    expect(code(() => compileTemplate('{{nope}}'))).toBe('E_WORKLOAD');
    expect(code(() => compileTemplate('{{env MISSING_VAR}}', {}))).toBe('E_WORKLOAD');
    expect(code(() => compileTemplate('{{int 9 1}}'))).toBe('E_WORKLOAD');
  });
});

describe('workload files', () => {
  test('checks the shape with one-line messages naming the place', () => {
    expect(code(() => parseWorkload({}, 'w.json'))).toBe('E_WORKLOAD');
    expect(() => parseWorkload({ requests: [{ path: 'items' }] }, 'w.json')).toThrow(/w\.json requests\[0\]: "path" must be a string starting with \//);
    expect(() => parseWorkload({ requests: [{ path: '/a', method: 'FETCH' }] }, 'w.json')).toThrow(/method 'FETCH'/);
    expect(() => parseWorkload({ requests: [{ path: '/a', weight: 0 }] }, 'w.json')).toThrow(/weight/);
    expect(() => parseWorkload({ requests: [{ path: '/a' }, { path: '/a' }] }, 'w.json')).toThrow(/two requests are named 'GET \/a'/);
    expect(() => parseWorkload({ requests: [{ path: '/a', capture: { id: 'json.id' } }] }, 'w.json')).toThrow(/body\.<path>/);
  });

  test('weights, shared and per-request headers, JSON bodies with generated values', () => {
    const spec = parseWorkload(
      {
        headers: { Authorization: 'Bearer {{env T}}' },
        requests: [
          { name: 'create', method: 'post', path: '/items', body: { n: '{{int 1 1}}', title: 'item {{seq}}' }, weight: 1 },
          { name: 'list', path: '/items?page={{int 1 3}}', weight: 3, headers: { 'x-trace': '{{uuid}}' } },
        ],
      },
      'w.json',
    );
    const w = compileWorkload(spec, { secret: 's', random: lcg(), env: { T: 'tok' }, extraHeaders: { 'X-Tenant': 'acme' } });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const r = w.next();
      counts[r.endpoint!] = (counts[r.endpoint!] ?? 0) + 1;
      expect(r.headers['authorization']).toBe('Bearer tok');
      expect(r.headers['x-tenant']).toBe('acme');
      if (r.endpoint === 'create') {
        expect(r.method).toBe('POST');
        expect(r.headers['content-type']).toBe('application/json');
        expect(JSON.parse(r.body!)).toMatchObject({ n: 1, title: expect.stringMatching(/^item \d+$/) });
      } else {
        expect(r.path).toMatch(/^\/items\?page=[123]$/);
        expect(r.headers['x-trace']).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
    expect(counts['list']! / counts['create']!).toBeGreaterThan(2.5);
    expect(counts['list']! / counts['create']!).toBeLessThan(3.5);
  });

  test('a value captured from a response feeds later requests; reads wait for the first create', () => {
    const spec = parseWorkload(
      { requests: [{ name: 'create', method: 'POST', path: '/items', capture: { id: 'body.item.id', loc: 'header.Location' } }, { name: 'read', path: '/items/{{ref id}}{{ref loc}}', weight: 100 }] },
      'w.json',
    );
    const w = compileWorkload(spec, { secret: 's', random: lcg() });
    const first = w.next();
    expect(first.endpoint).toBe('create');
    w.onResponse!(first, 201, JSON.stringify({ item: { id: 'abc' } }), { location: '?v=1' });
    const reads = Array.from({ length: 20 }, () => w.next()).filter((r) => r.endpoint === 'read');
    expect(reads.length).toBeGreaterThan(10);
    expect(reads[0]!.path).toBe('/items/abc?v=1');
    // A failed create captures nothing.
    w.onResponse!(first, 500, JSON.stringify({ item: { id: 'bad' } }), {});
    expect(new Set(reads.map((r) => r.path))).toEqual(new Set(['/items/abc?v=1']));
    // Per-endpoint sources share the captured values.
    expect(w.only('read').next().path).toBe('/items/abc?v=1');
  });

  test('refs with no producer, or no request without refs, are E_WORKLOAD', () => {
    expect(code(() => compileWorkload(parseWorkload({ requests: [{ path: '/a/{{ref x}}' }, { path: '/b' }] }, 'w'), { secret: 's' }))).toBe('E_WORKLOAD');
    expect(code(() => compileWorkload(parseWorkload({ requests: [{ path: '/a/{{ref x}}', capture: { x: 'body.id' } }] }, 'w'), { secret: 's' }))).toBe('E_WORKLOAD');
  });

  test("--header 'Name: value'", () => {
    expect(parseHeaderFlag('Authorization: Bearer {{env T}}')).toEqual(['authorization', 'Bearer {{env T}}']);
    expect(parseHeaderFlag('X-A:b:c')).toEqual(['x-a', 'b:c']);
    expect(code(() => parseHeaderFlag(': x'))).toBe('E_USAGE');
  });
});

describe('reading workload and config files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-workload-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('JSON and ES modules (object or function); the config file of the working directory', async () => {
    writeFileSync(path.join(dir, 'w.json'), JSON.stringify({ requests: [{ path: '/a' }] }));
    writeFileSync(path.join(dir, 'w.mjs'), 'export default async () => ({ requests: [{ path: "/b", method: "DELETE" }] });');
    expect((await readWorkloadFile(path.join(dir, 'w.json'))).requests[0]!.path).toBe('/a');
    expect((await readWorkloadFile(path.join(dir, 'w.mjs'))).requests[0]!.method).toBe('DELETE');
    expect(findConfigFile(dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'leakbench.config.mjs'), 'export default { requests: [{ path: "/c" }] };');
    expect(findConfigFile(dir)).toBe(path.join(dir, 'leakbench.config.mjs'));
    writeFileSync(path.join(dir, 'leakbench.config.json'), '{"requests":[{"path":"/d"}]}');
    expect(findConfigFile(dir)).toBe(path.join(dir, 'leakbench.config.json'));
  });

  test('bad files: missing, not JSON, no default export, wrong extension', async () => {
    writeFileSync(path.join(dir, 'bad.json'), '{ requests: ');
    writeFileSync(path.join(dir, 'none.mjs'), 'export const x = 1;');
    writeFileSync(path.join(dir, 'w.yaml'), 'requests: []');
    await expect(readWorkloadFile(path.join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
    await expect(readWorkloadFile(path.join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'E_WORKLOAD', message: expect.stringMatching(/not valid JSON/) });
    await expect(readWorkloadFile(path.join(dir, 'none.mjs'))).rejects.toMatchObject({ code: 'E_WORKLOAD', message: expect.stringMatching(/no default export/) });
    await expect(readWorkloadFile(path.join(dir, 'w.yaml'))).rejects.toMatchObject({ code: 'E_WORKLOAD' });
  });
});
