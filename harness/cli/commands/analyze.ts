/**
 * `leakbench analyze <s1> <s2> [<s3> …] [--requests n1,n2,…] [--json] [--verbose]`: diffs heap
 * snapshots of one process (one inspector session, baseline first) into findings — what
 * accumulates, who holds it, the path from the GC root, growth per step and per request, the
 * pattern, an explanation and the fix — and a verdict.
 */
import { stat } from 'node:fs/promises';
import type { AnalyzeOptions } from '../../analysis/index.js';
import { LeakbenchError } from '../../errors.js';
import type { CliIo, CommandModule } from '../main.js';

/** Below this much to read in total, no progress lines (the command takes about a second). */
const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

interface AnalyzeFlags {
  json?: boolean;
  requests?: string;
  verbose?: boolean;
}

/** Parses `--requests 1000,21000,41000`: whole numbers, increasing, one per snapshot. */
export function parseRequestCounts(raw: string, snapshots: number): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const counts = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || counts.some((c) => !Number.isSafeInteger(c))) {
    throw new LeakbenchError('E_USAGE', `--requests must be comma-separated whole numbers, got '${raw}'`);
  }
  if (counts.length !== snapshots) {
    throw new LeakbenchError('E_USAGE', `--requests has ${counts.length} counts for ${snapshots} snapshots`);
  }
  for (let i = 1; i < counts.length; i++) {
    if (counts[i]! <= counts[i - 1]!) throw new LeakbenchError('E_USAGE', '--requests counts must increase');
  }
  return counts;
}

async function runAnalyze(paths: string[], flags: AnalyzeFlags, io: CliIo): Promise<void> {
  if (paths.length < 2) throw new LeakbenchError('E_USAGE', 'analyze needs at least two snapshots (baseline first)');
  const options: AnalyzeOptions = {};
  if (flags.requests !== undefined) options.requestsAtSnapshot = parseRequestCounts(flags.requests, paths.length);
  // The analysis and the renderers load here, not at start-up: `leakbench <any> --help` stays fast.
  const [{ analyzeSnapshots }, { analysisJson, analysisProgress, renderAnalysis }] = await Promise.all([
    import('../../analysis/index.js'),
    import('../render-analysis.js'),
  ]);
  // Progress on stderr when there is a lot to read (as `inspect` does); sizes of files that
  // cannot be read are left to the analysis to report.
  const sizes = await Promise.all(paths.map((p) => stat(p).then((s) => s.size, () => 0)));
  if (sizes.reduce((a, b) => a + b, 0) >= PROGRESS_MIN_BYTES) {
    const report = analysisProgress(sizes, (line) => io.stderr.write(line));
    options.onProgress = report;
  }
  const result = await analyzeSnapshots(paths, options);
  if (flags.json) io.stdout.write(`${JSON.stringify(analysisJson(paths, result), null, 2)}\n`);
  else io.stdout.write(renderAnalysis(paths, result, flags.verbose === true));
}

export const analyzeCommand: CommandModule = {
  register(program, io) {
    program
      .command('analyze')
      .description('diff heap snapshots of one process (baseline first) into leak findings and a verdict')
      .argument('<snapshots...>', 'two or more .heapsnapshot files from one inspector session, in order')
      .option('--requests <counts>', 'requests completed at each snapshot, comma-separated (per-request rates)')
      .option('--json', 'print the analysis as JSON')
      .option('--verbose', 'print phase timings')
      .action(async (paths: string[], flags: AnalyzeFlags) => {
        await runAnalyze(paths, flags, io);
      });
  },
};
