import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most test files wait on the kernel (timeouts, captures, guests), not on the CPU: three at a
    // time on two cores, each lab isolated by its run id as parallel natlab runs are.
    maxWorkers: 3,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
