import pg from 'pg';
import { randomBytes } from 'node:crypto';
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

/** A migrated PGlite cloned from one dump: creating PGlite costs seconds, loading a dump far less. */
async function openPglite(): Promise<Store> {
  template ??= (async () => {
    const s = (await openPgliteStore()) as Store & { dumpDataDir(): Promise<Blob> };
    await migrate(s);
    const dump = await s.dumpDataDir();
    await s.close();
    return dump;
  })();
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

if (!TEST_DATABASE_URL) {
  console.warn('storage tests: TEST_DATABASE_URL not set, running on PGlite only');
}
