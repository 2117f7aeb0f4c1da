/**
 * Reading a file with read-ahead: every byte once and in order, from any start, whatever the chunk
 * size, and a caller that stops early leaves nothing behind.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileChunks } from './file-chunks.js';

const dir = mkdtempSync(join(tmpdir(), 'leakbench-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Buffer.from(Array.from({ length: 10_007 }, (_, i) => (i * 31) % 251));
const file = join(dir, 'data.bin');
writeFileSync(file, bytes);

async function collect(start: number, chunkBytes: number, keep: (chunk: Uint8Array) => boolean = () => true): Promise<Buffer[]> {
  const handle = await open(file, 'r');
  try {
    const out: Buffer[] = [];
    for await (const chunk of fileChunks(handle, start, chunkBytes)) {
      // Copied before the next chunk is asked for: the buffers take turns.
      out.push(Buffer.from(chunk));
      if (!keep(chunk)) break;
    }
    return out;
  } finally {
    await handle.close();
  }
}

describe('fileChunks', () => {
  it('yields every byte from the start offset, in order, in chunks of the given size', async () => {
    for (const [start, size] of [[0, 1000], [0, 10_007], [0, 64], [123, 1000], [9_999, 4], [10_007, 16]] as const) {
      const chunks = await collect(start, size);
      expect(Buffer.concat(chunks).equals(bytes.subarray(start))).toBe(true);
      for (const c of chunks.slice(0, -1)) expect(c.length).toBe(size);
    }
  });

  it('lets a caller stop early (the read in flight is dropped quietly)', async () => {
    const chunks = await collect(0, 1000, () => false);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.equals(bytes.subarray(0, 1000))).toBe(true);
  });
});
