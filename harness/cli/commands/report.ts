/** `leakbench report <run-dir>`: renders report.html again from a run's report.json. */
import path from 'node:path';
import { resolveClinic } from '../allocation-options.js';
import type { CommandModule } from '../main.js';

export const reportCommand: CommandModule = {
  register(program, io) {
    program
      .command('report')
      .description('render report.html again from a run directory\'s report.json (and refresh reports/index.html)')
      .argument('<run-dir>', 'a run directory, e.g. reports/unbounded-map/<run-id>, or its report.json')
      .option('--no-index', 'do not rebuild the index.html of the reports directory')
      .option('--clinic', "also write Clinic.js Heap Profiler's page of each sampling profile (optional package @clinic/heap-profiler; or LEAKBENCH_CLINIC=1)")
      .action(async (runDir: string, opts: { index: boolean; clinic?: boolean }) => {
        const clinic = resolveClinic({ ...(opts.clinic ? { clinic: true } : {}) });
        // Loaded here, not at start-up (the page renderers are large): see CommandModule.
        const [{ readRunReport }, { writeReportPages }] = await Promise.all([
          import('../../report/read-run-report.js'),
          import('../../report/write-report-pages.js'),
        ]);
        const { file, report } = readRunReport(runDir);
        const pages = await writeReportPages(report, path.dirname(file), { index: opts.index, ...(clinic ? { clinic: true } : {}) });
        for (const w of pages.warnings) io.stderr.write(`leakbench: warning: ${w}\n`);
        io.stdout.write(`${path.relative(process.cwd(), pages.htmlPath) || pages.htmlPath}\n`);
        if (pages.indexPath) io.stderr.write(`index: ${path.relative(process.cwd(), pages.indexPath)}\n`);
      });
  },
};
