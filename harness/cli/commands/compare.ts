/** `leakbench compare <run-dir-a> <run-dir-b>`: two runs (before and after a fix) on one page. */
import path from 'node:path';
import type { redactSecrets as RedactSecrets } from '../../report/redact-secrets.js';
import type { CommandModule } from '../main.js';

function safeName(text: string, redactSecrets: typeof RedactSecrets): string {
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
        // Loaded here, not at start-up (the page renderers are large): see CommandModule.
        const [{ readRunReport }, { renderCompareHtml }, { redactSecrets }, { COMPARE_DIR, updateReportsIndex }, { writeFileAtomic }, { reportsDirOf }] =
          await Promise.all([
            import('../../report/read-run-report.js'),
            import('../../report/render-compare-html.js'),
            import('../../report/redact-secrets.js'),
            import('../../report/update-reports-index.js'),
            import('../../report/write-file-atomic.js'),
            import('../../report/write-report-pages.js'),
          ]);
        const a = readRunReport(dirA);
        const b = readRunReport(dirB);
        const html = await renderCompareHtml(a.report, b.report);
        // Run A normally lives in <reports>/<scenario>/<run-id>/: the page goes to <reports>/compare/
        // and into the index. A report.json kept elsewhere gets its page in the working directory.
        const reportsDir = reportsDirOf(a.report, path.dirname(a.file));
        const name = `${safeName(a.report.runId, redactSecrets)}--vs--${safeName(b.report.runId, redactSecrets)}`;
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
