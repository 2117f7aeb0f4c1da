import { defineConfig } from 'vitest/config';

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
  },
});
