/**
 * `npm run bench:alloc-overhead`: what "allocated at" costs the server under test. Runs the same
 * scenario variant with allocation recording `off`, `sampling` (the default of `leakbench run`),
 * `tracking` (`--allocation-stacks`: Node's `--track-heap-objects` at launch) and tracking turned
 * on through the inspector after warm-up (the route `attach` has to take), flat out (`--rate max`), interleaved over a few rounds so
 * drift on a shared machine hits every mode alike, and prints one table: requests/s, p99 latency,
 * after-GC heap at the end, peak RSS, snapshot pause and size, each with its ratio to `off`.
 *
 * Flags: `--scenario <name>` (default unbounded-map), `--variant leaky|fixed` (default fixed: its
 * heap does not depend on how many requests got through), `--rounds <n>` (default 2),
 * `--duration <s>` (default 8), `--warmup <s>` (default 2), `--connections <n>` (default 10).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { keySecret } from '../scenarios/kit/api-key.js';
import { getScenario } from '../harness/catalog.js';
import { runVariant } from '../harness/orchestrator/run-variant.js';
import type { ProbePlan } from '../harness/orchestrator/run-variant.js';
import { liveChildGroups, killProcessGroup } from '../harness/server/child-registry.js';
import type { VariantRun } from '../harness/types.js';

type Mode = 'off' | 'sampling' | 'tracking' | 'tracking-inspector';
const MODES: Mode[] = ['off', 'sampling', 'tracking', 'tracking-inspector'];
const PROBES: Record<Mode, ProbePlan> = {
  off: { allocation: 'off' },
  sampling: { allocation: 'sampling' },
  tracking: { allocation: 'tracking', trackingRoute: 'node-flag' },
  'tracking-inspector': { allocation: 'tracking', trackingRoute: 'inspector' },
};
const LABELS: Record<Mode, string> = {
  off: 'off (--no-allocation-sampling)',
  sampling: 'sampling (default)',
  tracking: 'tracking (--allocation-stacks: --track-heap-objects at launch)',
  'tracking-inspector': 'tracking via inspector after warm-up (attach route)',
};

interface Figures {
  requestsPerSec: number;
  p99Ms: number;
  heapAfterGcBytes: number;
  peakRssBytes: number;
  snapshotMs: number;
  snapshotBytes: number;
}

function figures(run: VariantRun): Figures {
  const afterGc = run.samples.filter((s) => s.afterGc);
  const last = afterGc[afterGc.length - 1];
  return {
    requestsPerSec: run.load?.requestsPerSec ?? 0,
    p99Ms: run.load?.latencyP99Ms ?? 0,
    heapAfterGcBytes: last ? last.heapUsedBytes + last.externalBytes : 0,
    peakRssBytes: Math.max(0, ...run.samples.map((s) => s.rssBytes)),
    snapshotMs: mean(run.snapshots.map((s) => s.durationMs)),
    snapshotBytes: run.snapshots[run.snapshots.length - 1]?.sizeBytes ?? 0,
  };
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'unbounded-map' },
      variant: { type: 'string', default: 'fixed' },
      rounds: { type: 'string', default: '2' },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '10' },
    },
  });
  const scenario = getScenario(values.scenario);
  const variant = values.variant === 'leaky' ? 'leaky' : 'fixed';
  const rounds = Math.max(1, Number(values.rounds));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leakbench-alloc-bench-'));
  const results = new Map<Mode, Figures[]>(MODES.map((m) => [m, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no mode always runs first (JIT caches, page cache, drift).
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      for (const mode of order) {
        const run = await runVariant({
          target: { variant, entry: scenario.entries[variant] },
          load: {
            ...scenario.load,
            keys: { kind: 'unique' },
            rate: 'max',
            connections: Number(values.connections),
            warmupSec: Number(values.warmup),
            durationSec: Number(values.duration),
          },
          probe: PROBES[mode],
          secret: keySecret(),
          variantDir: path.join(dir, `${round}-${mode}`),
        });
        if (run.error) throw new Error(`${mode}: ${run.error.code} ${run.error.message}`);
        const f = figures(run);
        results.get(mode)!.push(f);
        process.stderr.write(
          `round ${round + 1}/${rounds} ${mode.padEnd(18)} ${Math.round(f.requestsPerSec)} req/s, heap ${mb(f.heapAfterGcBytes)}, rss ${mb(f.peakRssBytes)}\n`,
        );
      }
    }
  } finally {
    for (const pid of liveChildGroups()) killProcessGroup(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }

  const med = (mode: Mode, key: keyof Figures): number => median(results.get(mode)!.map((f) => f[key]));
  const base = (key: keyof Figures): number => med('off', key);
  const ratio = (mode: Mode, key: keyof Figures): string => {
    const b = base(key);
    return b > 0 ? `${(med(mode, key) / b).toFixed(2)}×` : '–';
  };
  const rows: string[][] = [
    ['mode', 'req/s', 'vs off', 'p99 ms', 'heap after GC', 'vs off', 'peak RSS', 'vs off', 'snapshot pause', 'snapshot size'],
  ];
  for (const mode of MODES) {
    rows.push([
      LABELS[mode],
      String(Math.round(med(mode, 'requestsPerSec'))),
      ratio(mode, 'requestsPerSec'),
      med(mode, 'p99Ms').toFixed(1),
      mb(med(mode, 'heapAfterGcBytes')),
      ratio(mode, 'heapAfterGcBytes'),
      mb(med(mode, 'peakRssBytes')),
      ratio(mode, 'peakRssBytes'),
      `${(med(mode, 'snapshotMs') / 1000).toFixed(2)} s`,
      mb(med(mode, 'snapshotBytes')),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  const out = [
    `bench:alloc-overhead — ${scenario.name} ${variant}, rate max, ${values.connections} connections, ${values.warmup} s warm-up + ${values.duration} s load, median of ${rounds} round(s), Node ${process.version}, ${os.cpus().length} cores`,
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:alloc-overhead: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
