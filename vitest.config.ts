import { availableParallelism } from 'node:os';
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
    // At least two test files at a time. vitest's default is one fewer than the cores: on a 2-core
    // machine one, so every file ran alone and a core idled whenever a test waited (child processes,
    // PostgreSQL, timers). Measured on 2 cores, whole suite, same code, consecutive runs: 503 s wall
    // with 2 against 762 s with 1, the same CPU (592 s against 614 s). More cores keep the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The default output, then one line saying what was skipped and why (test/reporters/skipped.ts).
    reporters: ['default', './test/reporters/skipped.ts'],
    // Prints how to enable the browser tests when no Chromium is found (they are skipped then); gives
    // the run one directory for the migrated PGlite template all test files clone (test/helpers/db.ts).
    globalSetup: ['test/helpers/browser-setup.ts', 'test/helpers/template-dir.ts'],
  },
});
