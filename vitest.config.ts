import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // What `switchback check` needs, without the planner: the CLI loads it at start-up.
      '@switchback/core/check': src('./packages/core/src/rules/check-api.ts'),
      // Code references for `check`, without the planner.
      '@switchback/core/refs': src('./packages/core/src/refs/index.ts'),
      '@switchback/core': src('./packages/core/src/index.ts'),
      // The error classes alone, without the drivers: the CLI loads them at start-up.
      '@switchback/engine/errors': src('./packages/engine/src/errors.ts'),
      '@switchback/engine': src('./packages/engine/src/index.ts'),
      '@switchback/sdk': src('./packages/sdk/src/index.ts'),
      '@switchback/example-support-desk': src('./examples/support-desk/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Most test time is spent waiting on a database (the server, or PGlite's
    // file system), not on a core: more workers than vitest's default of
    // cores − 1 (one worker on a 2-core CI machine) keep both cores busy.
    maxWorkers: 3,
    // Test files share a worker's modules (the parser, PGlite and the intents
    // load once per worker, not once per file): the suite takes about 6 min on
    // 2 cores instead of 8. Each test makes its own database, so files share
    // no data; nothing here keeps module-level state between files.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['./test-support/global-setup.ts'],
    setupFiles: ['./test-support/fast-check-seed.ts'],
    reporters: ['default', './test-support/summary-reporter.ts'],
  },
});
