/**
 * `npm run bench:residency`: what the key-residency scan adds to the analysis of a large snapshot.
 *
 * Uses the ~150 MB server snapshot of `bench:engine` (`.bench/server-heap-150m.heapsnapshot`,
 * generated once when missing: a node:http server holding a Map of `lbk_<24 hex>` API keys filled
 * by real requests). In one process it reads the file with the heap engine (parse, indexes,
 * distances, dominators, retained sizes: the part of the analysis every snapshot costs), then runs
 * the residency scan on the graph with a realistic secret set: the keys the file holds (resident)
 * plus as many never-sent keys (absent), as `--secret-pattern 'lbk_([0-9a-f]{24})'` would
 * describe them. Prints both times, their ratio and the machine load; the target is a scan of
 * ≤ 1 s beyond the analysis. `--runs N` (default 3, median kept), `--size 10m|150m`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { scanKeyResidency } from '../harness/analysis/key-residency.js';
import { readSnapshot } from '../harness/heap/index.js';
import { PACKAGE_ROOT } from '../harness/paths.js';
import type { SentSecret } from '../harness/sent-secrets.js';
import { generateServerHeap } from './bench/engine/generate-heap.js';

const MiB = 2 ** 20;
const TARGET_HEAP: Record<string, number> = { '10m': 8 * MiB, '150m': 92 * MiB };

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const size = flag('--size') ?? '150m';
  const runs = Number(flag('--runs') ?? 3);
  const target = TARGET_HEAP[size];
  if (target === undefined) throw new Error(`--size must be one of ${Object.keys(TARGET_HEAP).join(', ')}`);
  const file = join(PACKAGE_ROOT, '.bench', `server-heap-${size}.heapsnapshot`);
  if (!existsSync(file)) {
    console.log(`generating ${file} (once)…`);
    await generateServerHeap(file, { targetHeapUsedBytes: target, log: (l) => console.log(l) });
  }
  const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`bench:residency on ${file}; load average ${load()}`);

  const readMs: number[] = [];
  const readCpuMs: number[] = [];
  const scanMs: number[] = [];
  const scanCpuMs: number[] = [];
  let line = '';
  for (let run = 0; run < runs; run++) {
    let t = performance.now();
    let c = process.cpuUsage();
    const g = await readSnapshot(file);
    readMs.push(performance.now() - t);
    readCpuMs.push(process.cpuUsage(c).user / 1000);
    // The secrets: every key the heap holds, plus as many that it never saw (not timed).
    // The server builds each key with a template literal: V8 keeps it as a concatenation of
    // "lbk_" and the 24 hex digits (the secret part), or flat once something flattened it.
    const secrets: SentSecret[] = [];
    const flat = /^lbk_([0-9a-f]{24})$/;
    const hex = /^[0-9a-f]{24}$/;
    for (let o = 0; o < g.nodeCount; o++) {
      const type = g.nodeType(o);
      if (type === 'string') {
        const m = flat.exec(g.nodeName(o));
        if (m) secrets.push({ whole: m[0], secret: m[1]!, completedAtRequest: 1 });
      } else if (type === 'concatenated string') {
        let first = '';
        let second = '';
        for (let e = g.firstEdge(o); e < g.edgesEnd(o); e++) {
          if (g.edgeNameIs(e, 'first')) first = g.nodeName(g.edgeTarget(e));
          else if (g.edgeNameIs(e, 'second')) second = g.nodeName(g.edgeTarget(e));
        }
        if (first === 'lbk_' && hex.test(second)) secrets.push({ whole: first + second, secret: second, completedAtRequest: 1 });
      }
    }
    const present = secrets.length;
    for (let i = 0; i < present; i++) {
      const hex = randomBytes(12).toString('hex');
      secrets.push({ whole: `lbk_${hex}`, secret: hex, completedAtRequest: 1 });
    }
    t = performance.now();
    c = process.cpuUsage();
    const timings: Record<string, number> = {};
    const r = scanKeyResidency([g], {
      secrets: { shape: 'lbk_([0-9a-f]{24})', requestsWithSecrets: secrets.length, secrets },
      snapshots: [{ label: 'final', requests: 1 }],
      timings,
    });
    scanMs.push(performance.now() - t);
    scanCpuMs.push(process.cpuUsage(c).user / 1000);
    line = `${g.nodeCount.toLocaleString('en')} nodes; ${secrets.length.toLocaleString('en')} keys searched, ${r.residentKeys.toLocaleString('en')} found resident in ${r.holders.length} holder(s) (${r.holders[0]?.holder ?? '–'})`;
    const phases = Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ');
    console.log(`  run ${run + 1}: read ${(readMs[run]! / 1000).toFixed(2)} s, scan ${(scanMs[run]! / 1000).toFixed(2)} s (${phases}); load ${load()}`);
  }
  const read = median(readMs);
  const scan = median(scanMs);
  console.log(line);
  console.log(`analysis (read + derived data), median of ${runs}: ${(read / 1000).toFixed(2)} s wall, ${(median(readCpuMs) / 1000).toFixed(2)} s CPU`);
  console.log(`key-residency scan, median of ${runs}:        ${(scan / 1000).toFixed(2)} s wall, ${(median(scanCpuMs) / 1000).toFixed(2)} s CPU (${((scan / read) * 100).toFixed(0)} % of the analysis)`);
  console.log(`target: scan ≤ 1 s beyond the analysis — ${scan <= 1000 ? 'met' : 'NOT met'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
