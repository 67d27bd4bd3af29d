import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The default output, then one line saying what was skipped and why (test/reporters/skipped.ts).
    reporters: ['default', './test/reporters/skipped.ts'],
  },
});
