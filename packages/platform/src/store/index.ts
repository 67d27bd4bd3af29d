import { mkdirSync } from 'node:fs';
import { openPgliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import { migrate } from './migrate.js';
import type { Store } from './store.js';

export type { Queryable, Store } from './store.js';
export { toSafeInt } from './store.js';
export { migrate } from './migrate.js';

/** PostgreSQL when a URL is given, else PGlite in `dataDir` (or in memory); migrated either way. */
export async function openStore(options: { databaseUrl?: string; dataDir?: string }): Promise<Store> {
  let store: Store;
  if (options.databaseUrl) {
    store = await openPostgresStore(options.databaseUrl);
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
