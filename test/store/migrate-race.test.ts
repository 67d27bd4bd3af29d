import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../packages/platform/src/store/migrate.js';
import { MIGRATIONS } from '../../packages/platform/src/store/migrations.js';
import { openPostgresStore } from '../../packages/platform/src/store/postgres.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';

/** Issue 14 point 8: instances started together on an empty database all migrate it, none fails. */
describe.skipIf(!TEST_DATABASE_URL)('migrations of several instances at once (PostgreSQL)', () => {
  it('six instances migrate one empty schema together, five times over: none fails, each migration applied once', async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      for (let round = 0; round < 5; round++) {
        const schema = `yb_i14a_mig_${randomBytes(5).toString('hex')}`;
        await admin.query(`CREATE SCHEMA ${schema}`);
        const u = new URL(TEST_DATABASE_URL!);
        u.searchParams.set('options', `-c search_path=${schema}`);
        const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(u.toString(), { max: 2 })));
        try {
          const outcomes = await Promise.allSettled(stores.map((s) => migrate(s)));
          const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => String(o.reason?.message ?? o.reason));
          expect(failures).toEqual([]);
          const applied = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value : []));
          expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.id).sort());
        } finally {
          await Promise.all(stores.map((s) => s.close()));
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        }
      }
    } finally {
      await admin.end();
    }
  }, 120_000);
});
