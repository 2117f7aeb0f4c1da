import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';
import { buildWorkload, openApiWorkload } from './openapi-workload.js';

const API = path.join(PACKAGE_ROOT, 'harness', 'load', 'test-fixtures', 'openapi-api');

describe('workloads from OpenAPI', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-openapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('3.1 (YAML, $refs) and 2.0 (JSON) descriptions of one API give the same workload', async () => {
    const v31 = await openApiWorkload(path.join(API, 'api-3.1.yaml'), { env: {} });
    const v20 = await openApiWorkload(path.join(API, 'api-2.0.json'), { env: {} });
    expect(v31).toEqual(v20);
    expect(v31.requests.map((r) => r.name)).toEqual([
      'getStatus', 'listUsers', 'createUser', 'getUser', 'deleteUser', 'updatePreferences',
      'listOrders', 'createOrder', 'getOrder', 'listProducts', 'getProduct',
    ]);
    const byName = Object.fromEntries(v31.requests.map((r) => [r.name, r]));
    // Server base path, path parameters from the schema, required query parameters, enum values.
    expect(byName['updatePreferences']).toMatchObject({ method: 'PUT', path: '/api/users/{{uuid}}/preferences' });
    expect(byName['listOrders']!.path).toBe('/api/orders?status=open');
    expect(byName['getProduct']!.path).toBe('/api/products/{{int 1 20}}');
    // Bodies from the schema; readOnly properties left out.
    expect(byName['createUser']!.body).toEqual({ name: '{{word}}-{{seq}}', email: '{{email}}' });
    // The document's API-key scheme on every operation but the one that opts out.
    expect(byName['listUsers']!.headers).toEqual({ 'x-api-key': '{{lk_key}}' });
    expect(byName['getStatus']!.headers).toBeUndefined();
    // With the key in the environment (as the --per-endpoint integration test runs the 3.1 file),
    // both descriptions still give one workload, reading the key from the same variable: the run
    // reads nothing else from the description, so one real run covers both.
    const env = { LEAKBENCH_AUTH_APIKEY: 'svc-key' };
    const k31 = await openApiWorkload(path.join(API, 'api-3.1.yaml'), { env });
    expect(k31).toEqual(await openApiWorkload(path.join(API, 'api-2.0.json'), { env }));
    expect(k31.requests.find((r) => r.name === 'listUsers')!.headers).toEqual({ 'x-api-key': '{{env LEAKBENCH_AUTH_APIKEY}}' });
  });

  test('credentials come from LEAKBENCH_AUTH_<SCHEME> or LEAKBENCH_AUTH; query, cookie and bearer schemes', () => {
    const doc = {
      openapi: '3.0.3',
      paths: {
        '/q': { get: { security: [{ QueryKey: [] }] } },
        '/c': { get: { security: [{ CookieKey: [] }] } },
        '/b': { get: { security: [{ Bearer: [] }] } },
      },
      components: {
        securitySchemes: {
          QueryKey: { type: 'apiKey', in: 'query', name: 'api_key' },
          CookieKey: { type: 'apiKey', in: 'cookie', name: 'sid' },
          Bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    };
    const w = buildWorkload(doc, 'doc', { env: { LEAKBENCH_AUTH_BEARER: 't', LEAKBENCH_AUTH: 'k' } });
    expect(w.requests.map((r) => [r.path, r.headers])).toEqual([
      ['/q?api_key={{env LEAKBENCH_AUTH}}', undefined],
      ['/c', { cookie: 'sid={{env LEAKBENCH_AUTH}}' }],
      ['/b', { authorization: 'Bearer {{env LEAKBENCH_AUTH_BEARER}}' }],
    ]);
  });

  test('--include / --exclude on tags, operationIds and path prefixes', async () => {
    const names = async (o: { include?: string[]; exclude?: string[] }): Promise<string[]> =>
      (await openApiWorkload(path.join(API, 'api-3.1.yaml'), { env: {}, ...o })).requests.map((r) => r.name ?? '');
    expect(await names({ include: ['orders'] })).toEqual(['listOrders', 'createOrder', 'getOrder']);
    expect(await names({ include: ['/users/*/preferences', 'getStatus'] })).toEqual(['getStatus', 'updatePreferences']);
    expect(await names({ include: ['users'], exclude: ['deleteUser', '/users/{userId}/'] })).toEqual(['listUsers', 'createUser', 'getUser']);
    await expect(openApiWorkload(path.join(API, 'api-3.1.yaml'), { include: ['nothing'] })).rejects.toMatchObject({ code: 'E_OPENAPI' });
  });

  test('bad descriptions: missing file, not OpenAPI, a URL', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'openapi: 3.1.0\npaths: 12\n');
    writeFileSync(path.join(dir, 'broken.json'), '{ "openapi": ');
    await expect(openApiWorkload(path.join(dir, 'none.yaml'))).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
    await expect(openApiWorkload(path.join(dir, 'bad.yaml'))).rejects.toMatchObject({ code: 'E_OPENAPI' });
    await expect(openApiWorkload(path.join(dir, 'broken.json'))).rejects.toMatchObject({ code: 'E_OPENAPI' });
    await expect(openApiWorkload('https://example.test/api.yaml')).rejects.toMatchObject({ code: 'E_OPENAPI' });
    const err = await openApiWorkload(path.join(dir, 'bad.yaml')).catch((e: Error) => e);
    expect((err as Error).message).not.toContain('\n');
  });
});
