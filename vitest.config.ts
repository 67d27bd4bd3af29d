import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `yibao/…` resolves to the toolkit's TypeScript sources in tests (the condition its exports put
  // first), so the platform and the tests share one copy of every module, with no build in between.
  resolve: { conditions: ['yibao-source'] },
  ssr: { resolve: { conditions: ['yibao-source'], externalConditions: ['yibao-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The default output, then one line saying what was skipped and why (test/reporters/skipped.ts).
    reporters: ['default', './test/reporters/skipped.ts'],
    // Prints how to enable the browser tests when no Chromium is found (they are skipped then); gives
    // the run one directory for the migrated PGlite template all test files clone (test/helpers/db.ts).
    globalSetup: ['test/helpers/browser-setup.ts', 'test/helpers/template-dir.ts'],
  },
});
