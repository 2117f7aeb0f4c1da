/** `leakbench compare <run-dir-a> <run-dir-b>`: two runs (before and after a fix) on one page. */
import path from 'node:path';
import { readRunReport } from '../../report/read-run-report.js';
import { renderCompareHtml } from '../../report/render-compare-html.js';
import { redactSecrets } from '../../report/redact-secrets.js';
import { COMPARE_DIR, updateReportsIndex } from '../../report/update-reports-index.js';
import { writeFileAtomic } from '../../report/write-file-atomic.js';
import { reportsDirOf } from '../../report/write-report-pages.js';
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
      .option('--out <file>', 'where to write the page (default: <reports>/compare/<run-a>--vs--<run-b>/compare.html, or ./compare-<run-a>--vs--<run-b>.html when run A is not under a reports directory)')
      .action(async (dirA: string, dirB: string, opts: { out?: string }) => {
        const a = readRunReport(dirA);
        const b = readRunReport(dirB);
        const html = await renderCompareHtml(a.report, b.report);
        // Run A normally lives in <reports>/<scenario>/<run-id>/: the page goes to <reports>/compare/
        // and into the index. A report.json kept elsewhere gets its page in the working directory.
        const reportsDir = reportsDirOf(a.report, path.dirname(a.file));
        const name = `${safeName(a.report.runId)}--vs--${safeName(b.report.runId)}`;
        const out = opts.out
          ? path.resolve(opts.out)
          : reportsDir
            ? path.join(reportsDir, COMPARE_DIR, name, 'compare.html')
            : path.resolve(`compare-${name}.html`);
        await writeFileAtomic(out, html);
        if (!opts.out && reportsDir) await updateReportsIndex(reportsDir);
        io.stdout.write(`${path.relative(process.cwd(), out) || out}\n`);
      });
  },
};
