import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openResponse, sealRequest } from '../../packages/yibao/src/protocol/mobile.js';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { BIN } from '../helpers/cli.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';
import { upload6201 } from '../helpers/his.js';

/**
 * Issue 14 point 1: a PostgreSQL connection dropped under an open transaction (pg_terminate_backend,
 * as a failover or a proxy reset does) must not end the process. The request in flight gets a coded
 * error, the pool recovers, later requests succeed without a restart. Against a served process
 * (`yibao serve`), whose backends another client kills.
 */
describe.skipIf(!TEST_DATABASE_URL)('a dropped PostgreSQL connection (served process)', () => {
  it('pg_terminate_backend on a transaction in flight and on the idle connections: -3 for that request, the process lives, the next ones succeed', async () => {
    const schema = `yb_i14a_drop_${randomBytes(4).toString('hex')}`;
    const appName = `yb_i14a_${randomBytes(4).toString('hex')}`; // only this process's backends are killed
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const dir = mkdtempSync(join(tmpdir(), 'yibao-drop-'));
    let child: ChildProcess | undefined;
    try {
      const u = new URL(TEST_DATABASE_URL!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      u.searchParams.set('application_name', appName);
      // A long lock_timeout: the request waits on our lock until its connection is killed.
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ sandbox: true, database: { lockTimeoutMs: 60_000, statementTimeoutMs: 90_000 } }));
      child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config', join(dir, 'c.json'), '--data', join(dir, '.yibao')], {
        env: { ...process.env, YIBAO_LOG_LEVEL: 'warn', DATABASE_URL: u.toString() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += String(c)));
      const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 60_000);
        child!.stderr!.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(stderr);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      const sandbox = JSON.parse(readFileSync(join(dir, '.yibao', 'sandbox.json'), 'utf8'));
      const inst = sandbox.institution;
      const keys = { appId: inst.appId, appSecret: inst.appSecret, privateKey: inst.privateKey, peerPublicKey: sandbox.platform.publicKey };
      const call = async (txn: string, data: unknown) => {
        const res = await fetch(`${url}${sandbox.paths[txn]}`, { method: 'POST', body: stringifyWire(sealRequest(data, keys)), signal: AbortSignal.timeout(60_000) });
        return openResponse(await res.text(), keys);
      };
      const who = sandbox.persons.find((p: { balance: string }) => p.balance !== '0.00');
      const scan = await call('6101', { orgId: inst.orgCodg, businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: who.qrCode });
      expect(scan.code, scan.message).toBe('0');
      const upload = () => upload6201({ orgCodg: inst.orgCodg, psnNo: who.psnNo, idNo: who.idNo, userName: who.userName, insutype: who.insutype, ecToken: String(scan.plainData!.ecToken), lines: [{ medListCodg: 'XJ01CRA086A001010100709', cnt: '2', pric: '35.50' }] });

      // Another client holds the orders table; the 6201 waits on it inside its transaction.
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE ${schema}.orders IN ACCESS EXCLUSIVE MODE`);
      const inFlight = call('6201', upload());
      let waiting: number[] = [];
      for (let i = 0; i < 300 && waiting.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        waiting = (await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [appName])).rows.map((r) => r.pid);
        await c.end();
      }
      expect(waiting.length).toBeGreaterThan(0);
      // Kill every backend of the process: the one in the transaction and the idle ones.
      const killer = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await killer.connect();
      const killed = await killer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [appName]);
      await killer.end();
      expect(killed.rowCount).toBeGreaterThanOrEqual(waiting.length);
      await admin.query('ROLLBACK');

      const answer = await inFlight;
      expect(answer.code).toBe('-3');
      expect(answer.message).toMatch(/数据库连接中断，本次请求未生效，请稍后重试/);
      expect(child.exitCode).toBeNull();

      // The pool opened new connections: the same upload (a new request) and a query succeed.
      const again = await call('6201', upload());
      expect(again.code, again.message).toBe('0');
      const q = await call('6301', { payOrdId: again.plainData!.payOrdId, orgCodg: inst.orgCodg, payToken: again.plainData!.payToken, idNo: who.idNo, userName: who.userName, idType: '01' });
      expect(q.code, q.message).toBe('0');
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await admin.query('ROLLBACK').catch(() => {});
      await admin.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await admin.end();
    }
  }, 120_000);
});
