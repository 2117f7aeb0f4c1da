/**
 * `npm run bench:native-overhead`: what `run --native` costs the server under test. Runs the Rust
 * twin `unbounded-map-fixed` plain (black-box) and under heaptrack, and the Python fixture
 * `harness/native/test-fixtures/dict-and-deque.py` plain and with tracemalloc, flat out
 * (`--rate max`), alternating plain/tool over a few rounds (order rotated each round) so drift on a
 * shared machine hits both alike, and prints requests/s and p99 latency with the tool/plain ratio
 * (median of the rounds) and the machine's load average.
 *
 * Flags: `--rounds <n>` (default 2), `--duration <s>` (default 8), `--warmup <s>` (default 2),
 * `--connections <n>` (default 10), `--only rust|python`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { keySecret } from '../scenarios/kit/api-key.js';
import { commandTarget } from '../harness/orchestrator/custom-targets.js';
import { rustTwinBinary } from '../harness/orchestrator/rust-twins.js';
import { runVariant } from '../harness/orchestrator/run-variant.js';
import { PACKAGE_ROOT } from '../harness/paths.js';
import { killProcessGroup, liveChildGroups } from '../harness/server/child-registry.js';

interface Subject {
  name: string;
  tool: string;
  command: string;
}

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
  },
});

const subjects: Subject[] = [];
const rust = rustTwinBinary('unbounded-map', 'fixed');
if (values.only !== 'python') {
  if (existsSync(rust)) subjects.push({ name: 'Rust unbounded-map-fixed', tool: 'heaptrack', command: rust });
  else process.stderr.write(`skipping Rust: ${path.relative(process.cwd(), rust)} is missing (npm run build:rust)\n`);
}
if (values.only !== 'rust') {
  subjects.push({ name: 'Python dict-and-deque.py', tool: 'tracemalloc (1 frame)', command: `python3 ${path.join(PACKAGE_ROOT, 'harness', 'native', 'test-fixtures', 'dict-and-deque.py')}` });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'leakbench-native-bench-'));
const rows: string[] = [];
try {
  for (const subject of subjects) {
    const figures = { plain: [] as Array<{ rps: number; p99: number }>, tool: [] as Array<{ rps: number; p99: number }> };
    for (let round = 0; round < Number(values.rounds); round++) {
      const order: Array<'plain' | 'tool'> = round % 2 === 0 ? ['plain', 'tool'] : ['tool', 'plain'];
      for (const mode of order) {
        const run = await runVariant({
          target: commandTarget({ command: subject.command, ...(mode === 'tool' ? { native: true } : { blackBox: true }) }),
          load: {
            warmupSec: Number(values.warmup),
            durationSec: Number(values.duration),
            connections: Number(values.connections),
            rate: 'max',
            keys: { kind: 'unique' },
            invalidRatio: 0,
            postRatio: 0,
          },
          secret: keySecret(),
          variantDir: path.join(dir, `${subject.tool}-${round}-${mode}`),
        });
        if (run.error) throw new Error(`${subject.name} ${mode}: ${run.error.code} ${run.error.message}`);
        const f = { rps: run.load?.requestsPerSec ?? 0, p99: run.load?.latencyP99Ms ?? 0 };
        figures[mode].push(f);
        process.stderr.write(`${subject.name} round ${round + 1} ${mode.padEnd(5)} ${Math.round(f.rps)} req/s, p99 ${f.p99.toFixed(1)} ms\n`);
      }
    }
    const plain = median(figures.plain.map((f) => f.rps));
    const tool = median(figures.tool.map((f) => f.rps));
    const p99Plain = median(figures.plain.map((f) => f.p99));
    const p99Tool = median(figures.tool.map((f) => f.p99));
    rows.push(
      `| ${subject.name} | ${subject.tool} | ${Math.round(plain)} | ${Math.round(tool)} | ×${(tool / plain).toFixed(2)} | ${p99Plain.toFixed(1)} ms | ${p99Tool.toFixed(1)} ms |`,
    );
  }
} finally {
  for (const pgid of liveChildGroups()) killProcessGroup(pgid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(
  [
    `bench:native-overhead — rate max, ${values.connections} connections, ${values.warmup} s warm-up + ${values.duration} s load, median of ${values.rounds} round(s), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores`,
    '',
    '| server | tool | req/s plain | req/s with tool | ratio | p99 plain | p99 with tool |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
);
