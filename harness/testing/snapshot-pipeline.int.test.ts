/**
 * The snapshot pipeline (a worker reading each snapshot while the next round runs) gives the same
 * answer as the leak finder reading the files afterwards: the same verdict and the same findings,
 * on three real snapshots of this process with a leak in them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { onTestFinished, expect, test } from 'vitest';
import { analyzeSnapshots } from '../analysis/analyze-snapshots.js';
import { SnapshotPipeline } from './snapshot-pipeline.js';
import { InProcessInspector } from './in-process-inspector.js';

class PipelineLeakRecord {
  constructor(
    readonly id: number,
    readonly body: string,
  ) {}
}
const pipelineLeakStore: PipelineLeakRecord[] = [];

test('the worker that reads snapshots during the rounds finds what the finder finds in the files afterwards', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakbench-pipeline-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  // One session for the whole sequence: it keeps V8's object ids.
  const inspector = InProcessInspector.open();
  onTestFinished(() => inspector.close());
  await inspector.post('HeapProfiler.enable');
  const pipeline = SnapshotPipeline.start(3);
  // `npm test` builds dist/ first: the worker script is there, and the machine has two CPUs.
  expect(pipeline).toBeDefined();
  onTestFinished(() => pipeline!.stop());
  const paths = [0, 1, 2].map((i) => join(dir, `${i}.heapsnapshot`));
  for (let i = 0; i < 3; i++) {
    for (let k = 0; k < (i === 0 ? 0 : 3000); k++) pipelineLeakStore.push(new PipelineLeakRecord(k, `record-${i}-${k}`));
    await inspector.takeHeapSnapshot(paths[i]!);
    pipeline!.written(i, paths[i]!);
  }
  const options = { requestsAtSnapshot: [0, 3000, 6000], thresholds: { candidateMinBytes: 4096, minLeakBytes: 16384, minBytesPerRequest: 4 } };
  const piped = await pipeline!.analyze({ ...options, allocationSites: false });
  const direct = await analyzeSnapshots(paths, { ...options, allocationSites: false });
  expect(piped).toBeDefined();
  expect(piped!.verdict).toBe('leak');
  expect(piped!.verdict).toBe(direct.verdict);
  expect(piped!.findings.map((f) => [f.holder, f.growth, f.bytesPerRequest])).toEqual(direct.findings.map((f) => [f.holder, f.growth, f.bytesPerRequest]));
  expect(piped!.findings[0]!.holder).toContain('pipelineLeakStore');
});
