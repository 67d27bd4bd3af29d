import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openPgliteStore } from '../../packages/platform/src/store/pglite.js';
import { openPostgresStore } from '../../packages/platform/src/store/postgres.js';
import { migrate } from '../../packages/platform/src/store/migrate.js';
import type { Store } from '../../packages/platform/src/store/store.js';

/** PostgreSQL for the storage tests when CI (or a developer) provides one; PGlite always. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

export interface StoreKind {
  name: 'pglite' | 'postgres';
  /** A fresh, migrated, isolated store (its own PostgreSQL schema, or its own PGlite). */
  open(): Promise<Store & { databaseUrl?: string }>;
}

let template: Promise<Blob> | undefined;

/**
 * The migrated PGlite every test store is cloned from: made once per run, by the first test file that
 * needs it, in the run's directory (test/helpers/template-dir.ts); the other files load that file.
 * Written under a temporary name and renamed, so a file that reads it never sees half of it; two
 * files making it at once both write a whole one. Outside a vitest run with that setup, made here.
 */
async function templateDump(): Promise<Blob> {
  const dir = inject('pgliteTemplateDir');
  const file = dir ? join(dir, 'migrated.tar') : undefined;
  if (file && existsSync(file)) return new Blob([readFileSync(file)], { type: 'application/x-tar' });
  const s = (await openPgliteStore()) as Store & { dumpDataDir(): Promise<Blob> };
  await migrate(s);
  const dump = await s.dumpDataDir();
  await s.close();
  if (file) {
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
  }
  return dump;
}

/** A migrated PGlite cloned from one dump: creating PGlite costs seconds, loading a dump far less. */
async function openPglite(): Promise<Store> {
  template ??= templateDump();
  const store = await openPgliteStore({ loadDataDir: await template });
  await migrate(store);
  return store;
}

async function openPostgres(): Promise<Store & { databaseUrl: string }> {
  const url = TEST_DATABASE_URL!;
  const schema = `yb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const databaseUrl = u.toString();
  const store = await openPostgresStore(databaseUrl);
  await migrate(store);
  const close = store.close.bind(store);
  return {
    ...store,
    databaseUrl,
    async close() {
      await close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

export const storeKinds: StoreKind[] = [
  { name: 'pglite', open: openPglite },
  ...(TEST_DATABASE_URL ? [{ name: 'postgres' as const, open: openPostgres }] : []),
];

// Without TEST_DATABASE_URL the storage tests run on PGlite only; the run's last line says so
// (test/reporters/skipped.ts), instead of a note in the middle of the output.
