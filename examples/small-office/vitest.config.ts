import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One file per scenario: vitest runs them in parallel (each lab has namespaces of its own) and
    // `--shard i/n` splits the suite by scenario across CI machines.
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'junit'],
    outputFile: { junit: 'test-results/junit.xml' },
  },
});
