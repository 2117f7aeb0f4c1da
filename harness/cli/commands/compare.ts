/** `leakbench compare <run-dir-a> <run-dir-b>`: two runs (before and after a fix) on one page. */
import path from 'node:path';
import { readRunReport } from '../../report/read-run-report.js';
import { renderCompareHtml } from '../../report/render-compare-html.js';
import { redactSecrets } from '../../report/redact-secrets.js';
import { COMPARE_DIR, updateReportsIndex } from '../../report/update-reports-index.js';
import { writeFileAtomic } from '../../report/write-file-atomic.js';
import type { CommandModule } from '../main.js';

function safeName(text: string): string {
  return redactSecrets(text).replace(/[^0-9A-Za-z._-]+/g, '_').slice(0, 80);
}

export const compareCommand: CommandModule = {
  register(program, io) {
    program
      .command('compare')
      .description('overlay two runs (before and after a fix) on one HTML page')
      .argument('<run-dir-a>', 'run A ("before"): a run directory or its report.json')
      .argument('<run-dir-b>', 'run B ("after"): a run directory or its report.json')
      .option('--out <file>', 'where to write the page (default: <reports>/compare/<run-a>--vs--<run-b>/compare.html)')
      .action(async (dirA: string, dirB: string, opts: { out?: string }) => {
        const a = readRunReport(dirA);
        const b = readRunReport(dirB);
        const html = await renderCompareHtml(a.report, b.report);
        // Run A lives in <reports>/<scenario>/<run-id>/report.json: its reports dir is three levels up.
        const reportsDir = path.dirname(path.dirname(path.dirname(a.file)));
        const out = opts.out
          ? path.resolve(opts.out)
          : path.join(reportsDir, COMPARE_DIR, `${safeName(a.report.runId)}--vs--${safeName(b.report.runId)}`, 'compare.html');
        await writeFileAtomic(out, html);
        if (!opts.out) await updateReportsIndex(reportsDir);
        io.stdout.write(`${path.relative(process.cwd(), out) || out}\n`);
      });
  },
};
