import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Prints how to enable the browser tests when no Chromium is found (they are skipped then).
    globalSetup: ['test/helpers/browser-setup.ts'],
  },
});
