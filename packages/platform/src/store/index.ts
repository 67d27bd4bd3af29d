import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      chmodSync(options.dataDir, 0o700);
    }
    store = await openPgliteStore(options.dataDir ? { dataDir: options.dataDir } : {});
    if (options.dataDir) store = privateFiles(store, options.dataDir);
  }
  try {
    await migrate(store);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  if (!options.databaseUrl && options.dataDir) makePrivate(options.dataDir);
  return store;
}

/**
 * The embedded database holds ID numbers, names and live tokens (issue 14 point 12). PGlite's
 * file system layer writes its files 0666 whatever the process umask, so the directory is made 0700
 * (nobody else can reach what is inside) and every file in it 0600, once it is opened and migrated and
 * again when it is closed (files PGlite created meanwhile: WAL segments, new relations).
 */
export function makePrivate(dir: string): void {
  chmodSync(dir, 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) makePrivate(path);
    else if (e.isFile()) chmodSync(path, 0o600);
  }
}

function privateFiles(store: Store, dir: string): Store {
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close() {
      await close();
      makePrivate(dir);
    },
  });
}
