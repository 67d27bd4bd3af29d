import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run keeps its migrated PGlite dump, shared by every test file (test/helpers/db.ts). */
    pgliteTemplateDir: string;
  }
}

/**
 * vitest globalSetup: one empty directory per run for the migrated PGlite template. Creating and
 * migrating a PGlite costs ≈ 8 s of CPU; every test process (one per file) paid it once. Now the
 * first file that needs it writes it there and the others load it. Per run, so a changed migration
 * is never served from an older dump.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-pglite-template-'));
  project.provide('pgliteTemplateDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
