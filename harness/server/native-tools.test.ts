import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { nativeLaunch } from '../orchestrator/native-evidence.js';
import { heaptrackCommand, nativeToolFor, programOf, TRACEMALLOC_SITE_DIR, tracemallocEnv } from './native-tools.js';

describe('native tools', () => {
  test('python commands get tracemalloc, anything else heaptrack', () => {
    expect(nativeToolFor('python3 app.py')).toBe('tracemalloc');
    expect(nativeToolFor('/usr/bin/python3.11 -u app.py')).toBe('tracemalloc');
    expect(nativeToolFor('python app.py')).toBe('tracemalloc');
    expect(nativeToolFor('./target/release/api --port 0')).toBe('heaptrack');
    expect(nativeToolFor('pythonista')).toBe('heaptrack');
    expect(programOf("  './api'  --x")).toBe('./api');
  });

  test('heaptrack launches the server itself (exec, no shell between) and the output path is quoted', () => {
    expect(heaptrackCommand('./api --x', "/tmp/it's/heaptrack")).toBe(`exec heaptrack -o '/tmp/it'\\''s/heaptrack' ./api --x`);
  });

  test("tracemalloc's hook goes first on PYTHONPATH, the user's path after it", () => {
    const env = tracemallocEnv('/tmp/snaps', 1, { PYTHONPATH: '/srv/lib' });
    expect(env['PYTHONPATH']).toBe(`${TRACEMALLOC_SITE_DIR}:/srv/lib`);
    expect(env['LEAKBENCH_TRACEMALLOC_DIR']).toBe('/tmp/snaps');
  });

  test('--native without heaptrack on PATH is E_NATIVE_TOOL, not a crash', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leakbench-native-tools-'));
    const saved = process.env['PATH'];
    process.env['PATH'] = path.join(dir, 'empty');
    try {
      await expect(nativeLaunch('./api', dir)).rejects.toMatchObject({ code: 'E_NATIVE_TOOL' });
    } finally {
      process.env['PATH'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
