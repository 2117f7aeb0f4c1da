/**
 * `leakbench inspect <file.heapsnapshot>`: load one heap snapshot with the heap engine and print
 * totals, the top classes by retained size, the top dominators with their paths from the roots,
 * and (with --verbose) the time of each phase. Progress goes to stderr for big files.
 */
import { stat } from 'node:fs/promises';
import { LeakbenchError } from '../../errors.js';
import type { formatEdge as FormatEdge } from '../../heap/format-retainer-path.js';
import type { FlatHeapGraph } from '../../heap/index.js';
import type { CliIo, CommandModule } from '../main.js';
import { parseInteger } from '../options.js';

interface InspectOptions {
  json?: boolean;
  top?: string;
  verbose?: boolean;
}

/** One step of a printed path. */
interface PathStepJson {
  edgeType: string | null;
  edgeName: string | null;
  className: string;
  nodeId: number;
}

/** One dominator row. */
interface DominatorJson {
  nodeId: number;
  nodeType: string;
  className: string;
  selfSizeBytes: number;
  retainedSizeBytes: number;
  distance: number | null;
  path: PathStepJson[] | null;
}

const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Shortens class names (a string node is named after its value: never print key material). */
function shortLabel(graph: FlatHeapGraph, o: number): string {
  const label = graph.className(o) || `(${graph.nodeType(o)})`;
  return label.length > 48 ? `${label.slice(0, 45)}...` : label;
}

function dominatorRow(graph: FlatHeapGraph, o: number): DominatorJson {
  const steps = graph.pathToRoot(o);
  return {
    nodeId: graph.nodeId(o),
    nodeType: graph.nodeType(o),
    className: shortLabel(graph, o),
    selfSizeBytes: graph.selfSize(o),
    retainedSizeBytes: graph.retainedSize(o),
    distance: graph.isReachable(o) ? graph.distance(o) : null,
    path: steps === undefined
      ? null
      : steps.filter((s) => s.nodeOrdinal !== graph.rootOrdinal).map((s) => ({
        edgeType: s.edgeOrdinal >= 0 ? graph.edgeType(s.edgeOrdinal) : null,
        edgeName: s.edgeOrdinal >= 0 ? graph.edgeName(s.edgeOrdinal) : null,
        className: shortLabel(graph, s.nodeOrdinal),
        nodeId: graph.nodeId(s.nodeOrdinal),
      })),
  };
}

function printPath(graph: FlatHeapGraph, o: number, formatEdge: typeof FormatEdge): string {
  const steps = graph.pathToRoot(o);
  if (steps === undefined) return '(not reachable from the GC roots: held by weak references only)';
  const parts: string[] = [];
  for (const [i, s] of steps.entries()) {
    if (s.nodeOrdinal === graph.rootOrdinal) continue;
    const edge = i > 1 && s.edgeOrdinal >= 0 ? `${formatEdge(graph, s.edgeOrdinal)} → ` : '';
    parts.push(`${edge}${shortLabel(graph, s.nodeOrdinal)} @${graph.nodeId(s.nodeOrdinal)}`);
  }
  return parts.join('  ');
}

async function inspect(file: string, opts: InspectOptions, io: CliIo): Promise<void> {
  const top = opts.top === undefined ? 10 : parseInteger('--top', opts.top, 1);
  let fileBytes: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a file');
    fileBytes = s.size;
  } catch (err) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `no heap snapshot at ${file}`, { cause: err });
  }
  // The heap engine loads here, not at start-up: `leakbench <any> --help` stays fast.
  const [{ readSnapshot, topDominators }, { formatEdge }] = await Promise.all([
    import('../../heap/index.js'),
    import('../../heap/format-retainer-path.js'),
  ]);
  const timings: Record<string, number> = {};
  let nextReport = 0.1;
  const showProgress = fileBytes >= PROGRESS_MIN_BYTES;
  const t0 = performance.now();
  const graph = await readSnapshot(file, {
    timings,
    onProgress: (read, total) => {
      if (!showProgress || total === 0 || read / total < nextReport) return;
      nextReport += 0.1;
      io.stderr.write(`inspect: read ${Math.round((100 * read) / total)}% of ${formatBytes(total)}\n`);
    },
  });
  if (showProgress) io.stderr.write('inspect: parsed; computing classes and paths…\n');
  // Class aggregates are computed (and timed) with the derived data; this only copies them.
  const classes = graph.classAggregates().slice(0, top);
  const t = performance.now();
  const ordinals = topDominators(graph, top);
  const dominators = ordinals.map((o) => dominatorRow(graph, o));
  timings['paths'] = performance.now() - t;
  const totalMs = performance.now() - t0;

  if (opts.json) {
    const out = {
      file,
      fileBytes,
      nodeCount: graph.nodeCount,
      edgeCount: graph.edgeCount,
      totalSelfSizeBytes: graph.totalSelfSizeBytes,
      classes,
      dominators,
      timingsMs: { ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10])), total: Math.round(totalMs) },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const w = io.stdout;
  w.write(`${file} (${formatBytes(fileBytes)})\n`);
  w.write(`nodes ${graph.nodeCount.toLocaleString('en-US')}  edges ${graph.edgeCount.toLocaleString('en-US')}  ` +
    `self size ${formatBytes(graph.totalSelfSizeBytes)}  analyzed in ${(totalMs / 1000).toFixed(2)} s\n\n`);
  w.write(`Top ${classes.length} classes by retained size\n`);
  w.write(`${'retained'.padStart(11)}  ${'self'.padStart(11)}  ${'count'.padStart(10)}  class\n`);
  for (const c of classes) {
    const name = c.className.length > 60 ? `${c.className.slice(0, 57)}...` : c.className;
    w.write(`${formatBytes(c.retainedSizeBytes).padStart(11)}  ${formatBytes(c.selfSizeBytes).padStart(11)}  ` +
      `${c.count.toLocaleString('en-US').padStart(10)}  ${name}\n`);
  }
  w.write(`\nTop ${dominators.length} dominators by retained size (path from the roots)\n`);
  for (const [i, d] of dominators.entries()) {
    w.write(`${String(i + 1).padStart(3)}. ${d.className} @${d.nodeId}  retained ${formatBytes(d.retainedSizeBytes)}  ` +
      `self ${formatBytes(d.selfSizeBytes)}  distance ${d.distance ?? '-'}\n`);
    w.write(`     ${printPath(graph, ordinals[i]!, formatEdge)}\n`);
  }
  if (opts.verbose) {
    w.write('\nPhases\n');
    for (const [k, v] of Object.entries(timings)) w.write(`  ${k.padEnd(11)} ${(v / 1000).toFixed(3)} s\n`);
    w.write(`  ${'total'.padEnd(11)} ${(totalMs / 1000).toFixed(3)} s   peak RSS ${formatBytes(process.resourceUsage().maxRSS * 1024)}\n`);
    // The same span as bench:engine's "analysis" figure (docs/heap-engine.md, "What the figures include").
    w.write('  (total: read and parse, derived data, class aggregates, top dominators and their paths; not Node\'s start-up or module loading)\n');
  }
}

/** `leakbench inspect`. */
export const inspectCommand: CommandModule = {
  register(program, io) {
    program
      .command('inspect')
      .description('analyze one .heapsnapshot: totals, top classes and dominators by retained size, paths from the roots')
      .argument('<file>', 'a .heapsnapshot file (any size; it is streamed)')
      .option('--json', 'print the result as JSON')
      .option('--top <n>', 'how many classes and dominators to list (default 10)')
      .option('--verbose', 'print the time of each phase and the peak RSS')
      .action(async (file: string, opts: InspectOptions) => {
        await inspect(file, opts, io);
      });
  },
};
