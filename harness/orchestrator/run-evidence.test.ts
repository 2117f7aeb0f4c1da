import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import type { InspectorSession } from '../probe/inspector-session.js';
import { HeapIdGuard } from '../probe/heap-id-guard.js';
import { HeapEvidence } from './run-evidence.js';

/**
 * A session that answers every command a microtask later and records, for each command sent, the
 * synchronous turn it was sent in (a counter bumped by a microtask after each send).
 */
function recordingSession(): { session: InspectorSession; sent: Array<{ method: string; turn: number }> } {
  const sent: Array<{ method: string; turn: number }> = [];
  let turn = 0;
  let bumpQueued = false;
  const answers: Record<string, unknown> = {
    'Runtime.evaluate': { result: { objectId: 'pinned-1' } },
    'HeapProfiler.getHeapObjectId': { heapSnapshotObjectId: '6149' },
    'HeapProfiler.takeHeapSnapshot': {},
  };
  const session = {
    isOpen: true,
    send: (method: string) => {
      sent.push({ method, turn });
      if (!bumpQueued) {
        bumpQueued = true;
        queueMicrotask(() => {
          turn++;
          bumpQueued = false;
        });
      }
      return Promise.resolve().then(() => answers[method] ?? {});
    },
    on: () => () => undefined,
  };
  return { session: session as unknown as InspectorSession, sent };
}

test('the id check before a snapshot is sent in the same turn as the snapshot command, right before it', async () => {
  // Measured: with a round trip between the two, a server whose own inspector session closed
  // every 3 s reset the heap ids in that gap, unseen, and a diff crossed the reset.
  const dir = mkdtempSync(join(tmpdir(), 'leakbench-evidence-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const { session, sent } = recordingSession();
  const guard = await HeapIdGuard.pin(session);
  const evidence = new (HeapEvidence as unknown as new (s: InspectorSession, g: HeapIdGuard) => HeapEvidence)(session, guard);

  await evidence.snapshot(join(dir, '1.heapsnapshot'));
  sent.length = 0;
  const second = await evidence.snapshot(join(dir, '2.heapsnapshot'));

  expect(second.ids).toEqual({ state: 'kept', id: 6149 });
  const check = sent.findIndex((s) => s.method === 'HeapProfiler.getHeapObjectId');
  const snap = sent.findIndex((s) => s.method === 'HeapProfiler.takeHeapSnapshot');
  expect(check).toBeGreaterThanOrEqual(0);
  expect(snap).toBe(check + 1);
  expect(sent[snap]!.turn).toBe(sent[check]!.turn);
});
