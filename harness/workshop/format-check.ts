/**
 * Terminal text of `leakbench check`: the outcome, each stage, the finding when something still
 * leaks, and a hint of the level asked for. Pure: result in, text out (redacted: findings can
 * carry key-like strings from the heap).
 */
import pc from 'picocolors';
import { formatBytes, formatBytesPerRequest, formatCount, formatDurationMs } from '../report/format-units.js';
import { redactSecrets } from '../report/redact-secrets.js';
import type { Finding } from '../types.js';
import type { CheckResult } from './check-exercise.js';

/** Options of {@link formatCheckResult}. */
export interface FormatCheckOptions {
  color?: boolean;
  /** All hints of the scenario, weakest first. */
  hints: readonly string[];
  /** The hint level asked for (1-based). */
  hintLevel: number;
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** A finding in a few lines: pattern, holder, the tail of its retainer path, what accumulates. */
export function formatFinding(finding: Finding, indent: string): string[] {
  const lines = [`${finding.pattern} (${finding.confidence} confidence): ${finding.holder}`];
  if (finding.path.length > 0) {
    const steps = finding.path.slice(-5).map((s, i) => (i === 0 ? s.node : `-[${s.edge}]→ ${s.node}`));
    lines.push(`${finding.path.length > 5 ? '… ' : ''}${steps.join(' ')}`);
  }
  const bytes = finding.growth.retainedBytes;
  if (bytes.length >= 2) lines.push(`retained ${bytes.map((b) => formatBytes(b)).join(' → ')} over the snapshots`);
  if (finding.accumulates.length > 0) {
    lines.push(`accumulates ${finding.accumulates.slice(0, 3).map((a) => `${a.name} ×${formatCount(a.count)} (${formatBytes(a.bytes)})`).join(', ')}`);
  }
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`));
}

/** The check's report for the terminal. */
export function formatCheckResult(result: CheckResult, options: FormatCheckOptions): string {
  const c = pc.createColors(options.color ?? false);
  const out: string[] = [];
  const headline = result.passed
    ? c.green(c.bold('PASS'))
    : c.red(
        c.bold(
          `FAIL: ${
            result.stage === 'compile'
              ? 'does not compile'
              : result.stage === 'responses'
                ? 'answers differ from the original'
                : result.run?.verdict === 'leak'
                  ? 'still leaks'
                  : `no clean bill of health (${result.run?.verdict ?? 'no verdict'})`
          }`,
        ),
      );
  out.push(`leakbench check ${result.scenario}: ${headline}`);
  const row = (label: string, text: string): void => {
    out.push(`  ${c.dim(label.padEnd(10))} ${text}`);
  };
  const indent = `  ${' '.repeat(10)} `;
  row('exercise', result.exercise);
  row('compile', result.compile.ok ? `ok (${formatDurationMs(result.compile.durationMs)})` : c.red('errors'));
  if (!result.compile.ok) {
    for (const line of result.compile.diagnostics.split('\n').slice(0, 20)) out.push(`${indent}${line}`);
  }
  if (result.responses) {
    const r = result.responses;
    if (r.same) row('responses', `same as the original on ${r.requests} requests`);
    else {
      row('responses', c.red(`${r.differences.length} of ${r.requests} differ from the original`));
      for (const d of r.differences.slice(0, 5)) {
        out.push(`${indent}${d.request}: original ${clip(redactSecrets(d.original), 70)}`);
        out.push(`${indent}${' '.repeat(d.request.length)}  yours    ${clip(redactSecrets(d.yours), 70)}`);
      }
      if (r.differences.length > 5) out.push(`${indent}… and ${r.differences.length - 5} more`);
      out.push(`${indent}A fix must keep every answer the same; memory is measured once it does.`)
    }
  }
  if (result.run) {
    const run = result.run;
    const st = run.statistic;
    // The headline figure may come from the heap findings; the CI belongs to the growth trend, so
    // it is shown with the trend's own slope.
    const ci = st
      ? ` (growth trend ${formatBytesPerRequest(st.bytesPerRequest)}, 95% CI ${formatBytesPerRequest(st.ciLowBytesPerRequest)} … ${formatBytesPerRequest(st.ciHighBytesPerRequest)})`
      : '';
    const verdict = run.verdict === 'no-leak' ? c.green(run.verdict) : c.red(run.verdict);
    row('memory', `${verdict} after ${formatCount(run.requests)} requests: ${formatBytesPerRequest(run.bytesPerRequest)}${ci}`);
    out.push(`${indent}${redactSecrets(run.reason)}`);
    const top = run.findings[0];
    if (top && run.verdict !== 'no-leak') {
      const [first, ...rest] = formatFinding(top, indent).map((l) => redactSecrets(l));
      row('finding', first!);
      out.push(...rest);
      if (run.findings.length > 1) out.push(`${indent}(+${run.findings.length - 1} more in the report)`);
    }
    row('report', run.reportHtml);
  }
  if (result.passed) {
    out.push('', c.green('Nothing accumulates and every answer is the same as before. Compare your fix with'));
    out.push(c.green(`scenarios/${result.scenario}/fixed.ts and its README.`));
  } else if (options.hints.length > 0) {
    const level = Math.min(options.hintLevel, options.hints.length);
    out.push('', `${c.yellow(c.bold(`hint ${level}/${options.hints.length}`))}: ${options.hints[level - 1]}`);
    if (level < options.hints.length) out.push(c.dim(`stronger: npx leakbench check ${result.scenario} --hint ${level + 1}`));
  }
  if (!result.passed && result.stage === 'memory' && result.run?.verdict === 'inconclusive') {
    out.push(c.dim('The run was too short or too noisy to tell: try --duration 40.'));
  }
  return `${out.join('\n')}\n`;
}
