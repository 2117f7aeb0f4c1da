import { describe, expect, test } from 'vitest';
import { watchNearLimitSnapshot } from './start-server.js';

/** Feeds `chunks` and says what `written` resolved with by then (undefined: not yet). */
async function feed(chunks: string[], nodeArgs: string[] = []): Promise<string | undefined> {
  const watch = watchNearLimitSnapshot(nodeArgs);
  let file: string | undefined;
  void watch.written.then((f) => {
    file = f;
  });
  for (const c of chunks) watch.push(c);
  await new Promise((r) => setTimeout(r, 0));
  return file;
}

describe('watchNearLimitSnapshot', () => {
  test('finds Node\'s line across chunk boundaries, among other output', async () => {
    const line = 'Wrote snapshot to /tmp/run/Heap.20261129.155013.4242.0.001.heapsnapshot\n';
    expect(await feed(['Debugger listening on ws://127.0.0.1:1/x\nWrote snap', 'shot to /tmp/run/Heap.20261129', line.slice(40)])).toBe(
      '/tmp/run/Heap.20261129.155013.4242.0.001.heapsnapshot',
    );
    expect(await feed(['noise\n', line, 'Wrote snapshot to /tmp/other/Heap.2.heapsnapshot\n'])).toBe('/tmp/run/Heap.20261129.155013.4242.0.001.heapsnapshot');
  });

  test('a path with spaces; nothing for an unfinished line, another file type or a line that only quotes it', async () => {
    expect(await feed(['Wrote snapshot to /tmp/my runs/Heap.1.heapsnapshot\r\n'])).toBe('/tmp/my runs/Heap.1.heapsnapshot');
    expect(await feed(['Wrote snapshot to /tmp/run/Heap.1.heapsnapshot'])).toBeUndefined();
    expect(await feed(['Wrote snapshot to /tmp/run/report.json\n'])).toBeUndefined();
    expect(await feed(['server said: Wrote snapshot to /tmp/run/Heap.1.heapsnapshot\n'])).toBeUndefined();
  });

  test('with a --diagnostic-dir, only a snapshot written there counts', async () => {
    const args = ['--heapsnapshot-near-heap-limit=1', '--diagnostic-dir=/tmp/run/leaky'];
    const own = 'Wrote snapshot to /tmp/elsewhere/Heap.1.heapsnapshot\n';
    const node = 'Wrote snapshot to /tmp/run/leaky/Heap.20261129.1.heapsnapshot\n';
    expect(await feed([own], args)).toBeUndefined();
    expect(await feed([own, node], args)).toBe('/tmp/run/leaky/Heap.20261129.1.heapsnapshot');
    expect(await feed([own + node], args)).toBe('/tmp/run/leaky/Heap.20261129.1.heapsnapshot');
  });
});
