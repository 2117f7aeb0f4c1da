/**
 * What `leakbench analyze` prints: the `--json` document and the readable summary. Apart from the
 * command module so that registering `analyze` (on every start-up) does not load the analysis.
 */
import { formatBytes, type AnalysisProgress, type AnalysisResult } from '../analysis/index.js';
import { SCHEMA_VERSION, type Finding } from '../types.js';

/** The `--json` document. */
export function analysisJson(paths: string[], result: AnalysisResult): Record<string, unknown> {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'leakbench',
    command: 'analyze',
    snapshotFiles: paths,
    verdict: result.verdict,
    reason: result.reason,
    pattern: result.pattern,
    ...(result.bytesPerRequest !== undefined ? { bytesPerRequest: result.bytesPerRequest } : {}),
    findings: result.findings,
    dismissed: result.dismissed,
    snapshots: result.snapshots,
    timingsMs: result.timingsMs,
  };
}

function series(values: number[], format: (v: number) => string): string {
  return values.map(format).join(' → ');
}

/** The readable summary. */
export function renderAnalysis(paths: string[], result: AnalysisResult, verbose: boolean): string {
  const out: string[] = [];
  const requests = result.snapshots.map((s) => s.requests);
  out.push(`verdict: ${result.verdict}${result.verdict === 'leak' ? ` (${result.pattern})` : ''}`);
  out.push(`  ${result.reason}`);
  const reqText = requests.every((r) => r !== undefined) ? ` at ${requests.join(', ')} requests` : ' (request counts unknown: --requests)';
  out.push(`snapshots: ${paths.length}${reqText}`);
  if (result.bytesPerRequest !== undefined) out.push(`leak rate: ${result.bytesPerRequest} bytes per request`);
  result.findings.forEach((f: Finding, i) => {
    out.push('');
    out.push(`finding ${i + 1}: ${f.mechanism.replace(/-/g, ' ')} (${f.pattern}, confidence ${f.confidence})`);
    out.push(`  holder:      ${f.holder}`);
    if (f.owner !== undefined && f.owner.kind !== 'unknown') {
      out.push(`  owner:       ${f.owner.label} (${f.owner.kind === 'dependency' ? 'a dependency' : f.owner.kind === 'node-core' ? 'Node core' : 'application'})`);
    }
    if (f.members !== undefined) {
      out.push(`  members:     ${f.members.count} growing; largest ${f.members.largest.map((m) => `${m.holder} ${formatBytes(m.newBytes)}`).join(', ')}`);
    }
    if (f.sharedWith !== undefined) out.push(`  shares with: ${f.sharedWith.map((s) => `${s.holder} (${formatBytes(s.bytes)})`).join(', ')}`);
    // The path from the user's own anchor when there is one; DevTools' full path with --verbose.
    const anchored = f.anchorPath !== undefined && f.anchorPath.length > 0;
    if (anchored) {
      out.push('  path from your code:');
      for (const step of f.anchorPath!) {
        const edge = step.edge === '' ? '' : `${step.edge} → `;
        out.push(`    ${edge}${step.node}${step.isHolder ? '   ◀ grows' : ''}`);
      }
    }
    if (!anchored || verbose) {
      out.push('  path from the GC root:');
      for (const step of f.path) {
        const edge = step.edge === '' ? '' : `${step.edge} → `;
        out.push(`    ${edge}${step.node}${step.isHolder ? '   ◀ grows' : ''}`);
      }
    }
    out.push(`  entries:     ${series(f.growth.counts, (v) => String(v))}`);
    out.push(`  retained:    ${series(f.growth.retainedBytes, formatBytes)}`);
    const newBytes = f.newBytes;
    const perStep = f.bytesPerStep;
    if (newBytes !== undefined) out.push(`  new since baseline: ${series(newBytes, formatBytes)}`);
    if (perStep !== undefined) {
      const rate = f.bytesPerRequest !== undefined ? `, ${f.bytesPerRequest} bytes per request` : '';
      out.push(`  growth:      ${perStep.map((b) => `+${formatBytes(b)}`).join(', ')} per step${rate}`);
    }
    out.push('  accumulates:');
    for (const a of f.accumulates) out.push(`    ${a.name}: ${a.count} objects, ${formatBytes(a.bytes)}`);
    if (f.allocatedAt !== undefined && f.allocatedAt.length > 0) {
      out.push(`  allocated at (${f.allocationMethod ?? 'allocation traces'}):`);
      for (const s of f.allocatedAt) out.push(`    ${s.file}:${s.line}:${s.column} ${s.functionName}  ${(s.share * 100).toFixed(0)}%, ${formatBytes(s.bytes)}`);
    }
    out.push(`  why: ${f.explanation}`);
    out.push(`  fix: ${f.fix}`);
  });
  if (result.findings.length === 0 && result.dismissed.length > 0) {
    out.push('');
    out.push('examined and dismissed:');
    for (const d of result.dismissed.slice(0, 5)) {
      const why =
        d.why === 'plateau'
          ? 'stopped growing'
          : d.why === 'transient'
            ? 'held from the stack (in flight)'
            : d.why === 'churn'
              ? 'turns its entries over without growing (new objects replace old ones)'
              : d.why === 'bounded' && d.bound !== undefined
                ? `bounded at max = ${d.bound.capacity} (${d.bound.filled} filled), will plateau near ${formatBytes(d.bound.plateauBytes)}`
                : 'too small';
      out.push(`  ${d.holder}: ${why} (new bytes ${series(d.newBytes, formatBytes)})`);
    }
  }
  if (verbose) {
    out.push('');
    out.push('timings (ms):');
    for (const [phase, ms] of Object.entries(result.timingsMs)) out.push(`  ${phase.padEnd(16)} ${ms.toFixed(1)}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Progress lines for a long `analyze` (the sum of the files' sizes known up front): one line per
 * tenth of the bytes read, over all files at once (they are read on two threads), then one when
 * the diff starts. Plain lines, as `inspect` prints them, on the stream given.
 */
export function analysisProgress(fileBytes: number[], write: (line: string) => void): (event: AnalysisProgress) => void {
  const total = fileBytes.reduce((a, b) => a + b, 0);
  const readByFile = fileBytes.map(() => 0);
  let nextReport = 0.1;
  let diffing = false;
  return (event) => {
    if (event.kind === 'read') {
      readByFile[event.index] = event.bytesRead;
      const read = readByFile.reduce((a, b) => a + b, 0);
      if (total === 0 || read / total < nextReport) return;
      while (nextReport <= read / total) nextReport += 0.1;
      write(`analyze: read ${Math.min(100, Math.round((100 * read) / total))}% of ${formatBytes(total)} in ${fileBytes.length} snapshots\n`);
    } else if (!diffing) {
      diffing = true;
      write('analyze: snapshots read; diffing…\n');
    }
  };
}

