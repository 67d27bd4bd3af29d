import { mkdirSync } from 'node:fs';
import { openPgliteStore } from './pglite.js';
import { openPostgresStore, type PostgresOptions } from './postgres.js';
import { migrate } from './migrate.js';
import type { Store } from './store.js';

export type { Queryable, Store } from './store.js';
export { toSafeInt, StoreUnavailableError } from './store.js';
export type { PostgresOptions } from './postgres.js';
export { migrate } from './migrate.js';

/** PostgreSQL when a URL is given, else PGlite in `dataDir` (or in memory); migrated either way. */
export async function openStore(options: { databaseUrl?: string; dataDir?: string; postgres?: PostgresOptions }): Promise<Store> {
  let store: Store;
  if (options.databaseUrl) {
    store = await openPostgresStore(options.databaseUrl, options.postgres);
  } else {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    store = await openPgliteStore(options.dataDir ? { dataDir: options.dataDir } : {});
  }
  try {
    await migrate(store);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
