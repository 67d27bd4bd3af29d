import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresOptions } from '../../packages/platform/src/store/postgres.js';
import { migrate } from '../../packages/platform/src/store/migrate.js';
import type { Store } from '../../packages/platform/src/store/store.js';
import { TEST_DATABASE_URL, type StoreKind } from '../helpers/db.js';
import { LISI } from '../helpers/flow.js';
import { FreezableProxy } from '../helpers/proxy.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { randomBytes } from 'node:crypto';

/**
 * Issue 14 point 2: a database that holds a lock or stops answering is answered with -3 within the
 * configured timeouts, never left hanging; /readyz says so, /healthz (liveness) does not.
 */
async function schemaStore(url: string, options: PostgresOptions): Promise<{ kind: StoreKind; schema: string; drop(): Promise<void> }> {
  const schema = `yb_i14a_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const kind: StoreKind = {
    name: 'postgres',
    async open() {
      const store = await openPostgresStore(u.toString(), options);
      await migrate(store);
      return store as Store & { databaseUrl?: string };
    },
  };
  return {
    kind,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

const query = { payOrdId: 'ORD-NONE', orgCodg: 'H35010200227', payToken: 'T', idNo: LISI.idNo, userName: LISI.userName, idType: '01' };
const get = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe.skipIf(!TEST_DATABASE_URL)('database timeouts (PostgreSQL)', () => {
  it('a table locked by another client: the request is answered -3 after lock_timeout, not when the lock goes', async () => {
    const s = await schemaStore(TEST_DATABASE_URL!, { lockTimeoutMs: 300 });
    const t = await startTestPlatform(s.kind);
    const locker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await locker.connect();
    try {
      expect((await t.call('6301', query)).code).toBe('-1'); // no such order: the database answers
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${s.schema}.orders IN ACCESS EXCLUSIVE MODE`);
      // Released after 20 s whatever happens, so that a platform without lock_timeout fails the
      // assertion below rather than hanging the test.
      const release = setTimeout(() => void locker.query('ROLLBACK').catch(() => {}), 20_000);
      const locked = await t.call('6301', query);
      clearTimeout(release);
      expect(locked.code).toBe('-3');
      expect(locked.message).toMatch(/锁等待超时.*请稍后重试/);
      await locker.query('ROLLBACK');
      expect((await t.call('6301', query)).code).toBe('-1');
    } finally {
      await locker.end().catch(() => {});
      await t.close();
      await s.drop();
    }
  }, 60_000);

  it('no pooled connection within acquireTimeoutMs: a coded -3, not a wait without end; the pool serves again once one is free', async () => {
    const s = await schemaStore(TEST_DATABASE_URL!, { max: 1, acquireTimeoutMs: 300 });
    const store = await s.kind.open();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    try {
      // The only connection, held by a transaction that waits.
      let inside!: () => void;
      const started = new Promise<void>((r) => (inside = r));
      const busy = store.transaction(async (tx) => {
        await tx.query('SELECT 1');
        inside();
        await held;
      });
      await started;
      const err = await store.query('SELECT 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ name: 'StoreUnavailableError', reason: 'acquire-timeout', outcome: 'not-committed' });
      const { asYibaoError } = await import('../../packages/platform/src/center/errors.js');
      const pino = (await import('pino')).default;
      const answered = asYibaoError(err, pino({ level: 'silent' }), 'trace-1');
      expect(answered.code).toBe('-3');
      expect(answered.message).toMatch(/数据库繁忙，未能及时获得连接，本次请求未生效，请稍后重试/);
      release();
      await busy;
      expect(await store.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      release();
      await store.close();
      await s.drop();
    }
  }, 30_000);

  describe('a database that stops answering (a TCP proxy that stops forwarding)', () => {
    let proxy: FreezableProxy;
    let t: TestPlatform;
    let s: Awaited<ReturnType<typeof schemaStore>>;
    beforeAll(async () => {
      const target = new URL(TEST_DATABASE_URL!);
      proxy = await new FreezableProxy(target.hostname, Number(target.port || 5432)).start();
      s = await schemaStore(proxy.url(TEST_DATABASE_URL!), { statementTimeoutMs: 1000, acquireTimeoutMs: 1000, queryTimeoutMs: 2000 });
      t = await startTestPlatform(s.kind, { database: { readyTimeoutMs: 3000 } });
    }, 60_000);
    afterAll(async () => {
      proxy?.thaw();
      await t?.close();
      await proxy?.close();
      await s?.drop();
    });

    it('requests get -3, /readyz 503 with -3, /healthz stays 200; thawed, the same instance serves again', async () => {
      expect((await get(`${t.url}/readyz`)).status).toBe(200);
      expect((await t.call('6301', query)).code).toBe('-1');
      proxy.freeze();
      const frozen = await Promise.all([t.call('6301', query), t.call('6301', query), t.call('6301', query)]);
      expect(frozen.map((r) => r.code)).toEqual(['-3', '-3', '-3']);
      for (const r of frozen) expect(r.message).toMatch(/数据库/);
      const ready = await get(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ code: '-3', success: false });
      const health = await get(`${t.url}/healthz`);
      expect(health.status).toBe(200);
      expect(health.json.status).toBe('ok');
      proxy.thaw();
      // The pool dropped the connections that stopped answering and opens new ones.
      const again = await (async () => {
        for (let i = 0; i < 50; i++) {
          const r = await get(`${t.url}/readyz`);
          if (r.status === 200) return r;
          await new Promise((res) => setTimeout(res, 200));
        }
        return get(`${t.url}/readyz`);
      })();
      expect(again.status).toBe(200);
      expect((await t.call('6301', query)).code).toBe('-1');
    }, 90_000);
  });
});
