/**
 * Generates a benchmark heap snapshot: boots `heap-server.js`, fills it with real HTTP requests
 * on 127.0.0.1 until its heap reaches a target, then has it write a snapshot of itself. The file
 * is written under a temporary name and renamed, so a cached file is never half-written; the
 * directory is 0700 and the file 0600 (snapshots hold API keys).
 */
import { fork } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Options of {@link generateServerHeap}. */
export interface GenerateOptions {
  /** Fill until the server's `heapUsed` reaches this many bytes. */
  targetHeapUsedBytes: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** Boots the fixture server, loads it over HTTP and writes its heap snapshot to `file`. */
export async function generateServerHeap(file: string, options: GenerateOptions): Promise<void> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  const tmp = `${file}.partial-${process.pid}`;
  const child = fork(join(here, 'heap-server.js'), [], {
    execArgv: ['--max-old-space-size=16384'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`heap server exited early (${code})`)));
      child.on('message', (m: { type?: string; port?: number }) => {
        if (m.type === 'ready' && typeof m.port === 'number') resolve(m.port);
      });
    });
    let heapUsedBytes = 0;
    let requests = 0;
    let lastLog = 0;
    while (heapUsedBytes < options.targetHeapUsedBytes) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/keys/fill?count=2000`);
      const body = (await res.json()) as { heapUsedBytes: number };
      heapUsedBytes = body.heapUsedBytes;
      requests++;
      if (Date.now() - lastLog > 2000) {
        lastLog = Date.now();
        options.log(`  filling: ${requests} requests, heapUsed ${(heapUsedBytes / 2 ** 20).toFixed(0)} MiB`);
      }
    }
    options.log(`  ${requests} requests served; writing snapshot (the server pauses while V8 serializes)…`);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`heap server exited while writing the snapshot (${code})`)));
      child.on('message', (m: { type?: string }) => {
        if (m.type === 'snapshot-done') resolve();
      });
      child.send({ type: 'snapshot', file: tmp });
    });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    options.log(`  wrote ${file} (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB)`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(tmp, { force: true });
  }
}
