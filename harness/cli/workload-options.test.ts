/**
 * issue-16: the request flags of `run` / `attach` through the real CLI entry (in process): bad
 * workload or OpenAPI files and bad combinations are one-line errors with their code, exit 2,
 * before any process starts; `--help` documents the flags.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { liveChildGroups } from '../server/child-registry.js';
import { runCli } from './main.js';
import { captureIo as capture } from './test-fixtures/capture-io.js';
import { resolveWorkload } from './workload-options.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-wlflags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

describe('request flags', () => {
  const cases: Array<[string[], RegExp, string]> = [
    [['--workload', 'nope.json'], /workload file .*nope\.json does not exist/, 'E_FILE_NOT_FOUND'],
    [['--workload', file('bad.json', '{')], /bad\.json: not valid JSON/, 'E_WORKLOAD'],
    [['--workload', file('t.json', '{"requests":[{"path":"/{{nope}}"}]}')], /unknown template \{\{nope\}\}/, 'E_WORKLOAD'],
    [['--openapi', file('bad.yaml', 'openapi: 3.1.0\npaths: 1\n')], /bad\.yaml: not a valid OpenAPI/, 'E_OPENAPI'],
    [['--workload', 'a.json', '--openapi', 'b.yaml'], /--workload or --openapi, not both/, 'E_USAGE'],
    [['--include', 'users'], /--include and --exclude only apply with --openapi/, 'E_USAGE'],
    [['--per-endpoint'], /--per-endpoint needs a workload/, 'E_USAGE'],
    [['--header', 'bad name: x'], /--header must look like 'Name: value'/, 'E_USAGE'],
    [['--header', 'no colon here'], /--header must be a header name/, 'E_USAGE'],
  ];
  for (const [flags, message, code] of cases) {
    test(`run --cmd … ${flags.join(' ')} → ${code}, exit 2, one line`, async () => {
      const c = capture();
      expect(await runCli(['run', '--cmd', 'node server.js', ...flags], c.io)).toBe(2);
      expect(c.err()).toMatch(message);
      expect(c.err()).toMatch(new RegExp(`\\[${code}\\]\\n$`));
      expect(c.err().trim().split('\n')).toHaveLength(1);
      expect(liveChildGroups()).toEqual([]);
    });
  }

  test('a bare --header name is the key header with --cmd, and an error for a scenario', async () => {
    expect(await resolveWorkload({ header: ['Authorization', 'X-Tenant: acme'] }, true, dir)).toEqual({ keyHeader: { name: 'Authorization' }, headers: { 'x-tenant': 'acme' } });
    // issue 17's key template: {key} is where the minted key goes.
    expect(await resolveWorkload({ header: ['Authorization: Bearer {key}'] }, true, dir)).toEqual({ keyHeader: { name: 'Authorization', template: 'Bearer {key}' } });
    await expect(resolveWorkload({ header: ['A', 'B'] }, true, dir)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(resolveWorkload({ header: ['Authorization'] }, false, dir)).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  test('leakbench.config.json in the working directory is the workload of --cmd, not of a scenario', async () => {
    const cwd = mkdtempSync(path.join(dir, 'cfg-'));
    writeFileSync(path.join(cwd, 'leakbench.config.json'), '{"requests":[{"path":"/x"}]}');
    expect((await resolveWorkload({}, true, cwd)).workload).toMatchObject({ kind: 'config', spec: { requests: [{ path: '/x' }] } });
    expect((await resolveWorkload({}, false, cwd)).workload).toBeUndefined();
    expect((await resolveWorkload({ workload: file('w.json', '{"requests":[{"path":"/w"}]}') }, true, cwd)).workload).toMatchObject({ kind: 'file' });
  });

  test('--help documents the flags', async () => {
    const c = capture();
    expect(await runCli(['run', '--help'], c.io)).toBe(0);
    for (const flag of ['--workload', '--openapi', '--include', '--exclude', '--per-endpoint', '--header']) expect(c.out()).toContain(flag);
    const a = capture();
    expect(await runCli(['attach', '--help'], a.io)).toBe(0);
    expect(a.out()).toContain('--workload');
  });
});
