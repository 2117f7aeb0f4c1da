import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Relative cost of the slowest test files: seconds each took in `npm test` on the 2-core machine
 * (vitest's JSON reporter, `endTime - startTime` per file), rounded. Only the order matters.
 * Refresh it when a file's cost changes a lot:
 *   npx vitest run --reporter=json --outputFile.json=/tmp/t.json
 */
const SLOW_FILES: Record<string, number> = {
  'scenarios/leak-assertions.int.test.ts': 290,
  'harness/orchestrator/allocation-stacks.int.test.ts': 210,
  'harness/report/report-real-run.int.test.ts': 150,
  'harness/native/native-sites.int.test.ts': 150,
  'harness/testing/measure-leak.int.test.ts': 130,
  'harness/cli/commands/run.int.test.ts': 120,
  'harness/bench/bench-all.int.test.ts': 120,
  'harness/cli/per-endpoint.int.test.ts': 110,
  'harness/testing/runners.int.test.ts': 110,
  'harness/workshop/check.int.test.ts': 95,
  'harness/cli/pack-install.int.test.ts': 75,
  'harness/cli/custom-server.int.test.ts': 70,
  'harness/orchestrator/run-scenario.int.test.ts': 70,
  'scenarios/parity.int.test.ts': 65,
  'harness/analysis/analyze-snapshots.int.test.ts': 60,
};

/**
 * Longest files first (longest-processing-time scheduling over the workers). Vitest's own order
 * runs the largest files first when it has no timings from an earlier run, as on a fresh clone in
 * CI, and some of the slowest files are among the shortest: the last one to start then ran alone
 * for minutes while the other worker sat idle. Then the other integration tests, then unit tests,
 * each group in vitest's own order.
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cost = (spec: TestSpecification): number => {
      const file = relative(spec.project.config.root, spec.moduleId).replaceAll('\\', '/');
      return SLOW_FILES[file] ?? (file.endsWith('.int.test.ts') ? 1 : 0);
    };
    // Array.prototype.sort is stable: equal costs keep vitest's order.
    return sorted.sort((a, b) => cost(b) - cost(a));
  }
}

// Unit tests (`*.test.ts`) sit beside the code; integration tests (`*.int.test.ts`) boot real
// servers and take real snapshots, so they get long timeouts and run one file at a time per worker.
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'scripts/**/*.test.ts', 'evaluation/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
  },
});
