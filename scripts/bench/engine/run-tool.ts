/**
 * One benchmark measurement, run in its own process so its peak RSS is its own:
 * `node run-tool.js <tool> <file>` loads the snapshot with one tool, does that tool's full
 * analysis (parse, distances/paths, dominators, retained sizes, class aggregates), and sends
 * `{ ok, wallMs, cpuMs, maxRssBytes, nodeCount }` (or `{ ok: false, error }`) to the parent over
 * IPC. `cpuMs` (user + system, all threads) is the robust figure on a shared, loaded machine.
 *
 * Tools: `leakbench` (ours), `devtools` (heap-snapshot-toolkit), `memlab` (@memlab/core),
 * `vscode` (@vscode/v8-heap-parser).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What the child reports. */
export type ToolResult =
  | {
    ok: true; wallMs: number; cpuMs: number; maxRssBytes: number; nodeCount: number;
    /** Ours only: the span `leakbench inspect` reports as `total` (wall time minus start-up and module loading). */
    analysisMs?: number;
  }
  | { ok: false; error: string; maxRssBytes: number };

/** The tools the bench compares. */
export type ToolName = 'leakbench' | 'devtools' | 'memlab' | 'vscode';

const require = createRequire(import.meta.url);

/**
 * Ours: the work `leakbench inspect` does and times as its `total` (read and parse, derived
 * data, class aggregates, the top 10 dominators and their paths from the roots), through the same
 * functions. `analysisMs` is that span alone; the tool's wall time adds loading the engine.
 */
async function runLeakbench(file: string): Promise<number> {
  const { readSnapshot, topDominators } = await import('../../../harness/heap/index.js');
  const t0 = performance.now();
  const graph = await readSnapshot(file);
  graph.classAggregates().slice(0, 10);
  for (const o of topDominators(graph, 10)) graph.pathToRoot(o);
  analysisMs = performance.now() - t0;
  return graph.nodeCount;
}

/** See {@link runLeakbench}. */
let analysisMs: number | undefined;

async function runDevTools(file: string): Promise<number> {
  const { parse } = (await import('heap-snapshot-toolkit')) as unknown as {
    parse(s: NodeJS.ReadableStream): Promise<{ nodeCount: number; aggregatesWithFilter(f: object): unknown }>;
  };
  // parse() runs DevTools' whole initialization: distances, dominators, retained sizes.
  const snapshot = await parse(createReadStream(file, 'utf-8'));
  snapshot.aggregatesWithFilter({});
  return snapshot.nodeCount;
}

async function runMemlab(file: string): Promise<number> {
  const memlab = require('@memlab/core') as {
    config: { muteConsole?: boolean };
    utils: { getSnapshotFromFile(f: string, o: object): Promise<{ nodes: { length: number } }> };
    analysis: { preparePathFinder(s: unknown): unknown };
  };
  memlab.config.muteConsole = true;
  const snapshot = await memlab.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
  // Shortest paths for all nodes, then dominators and retained sizes (memlab's TraceFinder).
  memlab.analysis.preparePathFinder(snapshot);
  return snapshot.nodes.length;
}

async function runVscode(file: string): Promise<number> {
  const parser = require('@vscode/v8-heap-parser') as {
    decode_bytes(b: Uint8Array): { get_class_groups(s: number, e: number, noRetained: boolean): Array<{ free(): void }>; free(): void };
  };
  // This parser takes the whole file as one byte array (its documented use).
  const graph = parser.decode_bytes(readFileSync(file));
  const groups = graph.get_class_groups(0, 10, false);
  for (const g of groups) g.free();
  graph.free();
  return -1;
}

async function main(): Promise<void> {
  const [tool, file] = process.argv.slice(2) as [ToolName, string];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let result: ToolResult;
  try {
    const run = { leakbench: runLeakbench, devtools: runDevTools, memlab: runMemlab, vscode: runVscode }[tool];
    if (run === undefined) throw new Error(`unknown tool ${tool}`);
    const nodeCount = await run(file);
    const cpu = process.cpuUsage(c0);
    result = {
      ok: true, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssBytes: process.resourceUsage().maxRSS * 1024, nodeCount,
      ...(analysisMs === undefined ? {} : { analysisMs }),
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    result = { ok: false, error: message.split('\n')[0]!.slice(0, 120), maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  }
  process.send?.(result, () => process.disconnect?.());
}

await main();
