import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LosslessNumber } from 'lossless-json';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { buildCallbackAck, openCallback, openResponse, sealRequest } from '../../packages/yibao/src/protocol/mobile.js';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import type { EnvelopeKeys } from '../../packages/yibao/src/protocol/envelope.js';
import { getTxn, toWire } from '../../packages/yibao/src/spec/index.js';
import { demoUpload } from '../../packages/yibao/src/sdk/demo-data.js';
import { DEFAULT_PERSONS } from '../../packages/platform/src/upstream/persons.js';
import { FreezableProxy } from './proxy.js';

/**
 * The chaos run of issue 14: two `yibao serve` processes on one PostgreSQL (through a TCP proxy that
 * can freeze), HIS workers sending whole orders with refunds and revokes to either, while the run
 * kills an instance with SIGKILL and restarts it, terminates the instances' database backends, freezes
 * the database, injects channel EXP answers; one institution's notifyUrl hangs and another's streams
 * an endless answer. At the end every invariant is checked in SQL (see `check`).
 */
export interface ChaosOptions {
  databaseUrl: string;
  /**
   * How long load and chaos last at least (the settling afterwards is extra). The load goes on past
   * it until every kind of chaos has happened once, so that a short run (`npm test`'s) is never
   * short of one.
   */
  durationMs: number;
  /** Concurrent HIS workers. */
  workers?: number;
  /** After the load: how long the reconciler and the callback worker get to settle everything. */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  figures: Record<string, number>;
  violations: string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
// Compiled (dist/bench/chaos) or run from source by vitest (bench/chaos).
const ROOT = HERE.split(/[\\/]/).includes('dist') ? join(HERE, '..', '..', '..') : join(HERE, '..', '..');
const BIN = join(ROOT, 'packages', 'platform', 'bin', 'yibao.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(a: readonly T[]): T => a[Math.floor(Math.random() * a.length)]!;
const n = (yuan: string) => new LosslessNumber(yuan);
const fenOf = (yuan: unknown) => Math.round(Number(String(yuan)) * 100);
const yuanOf = (fen: number) => (fen / 100).toFixed(2);

interface App {
  config: { appId: string; appSecret: string; publicKey: string; orgCodg: string; orgName: string; notifyUrl: string; encryptCallbacks: boolean };
  keys: EnvelopeKeys;
}

/** One `yibao serve` process, restartable. */
class Instance {
  child: ChildProcess | undefined;
  url: string | undefined;
  constructor(
    readonly name: string,
    private readonly configFile: string,
    private readonly dataDir: string,
    private readonly databaseUrl: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config', this.configFile, '--data', this.dataDir], {
      env: { ...process.env, YIBAO_LOG_LEVEL: 'error', DATABASE_URL: this.databaseUrl },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    let err = '';
    child.stderr!.on('data', (c) => (err += String(c)));
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start: ${err.slice(-2000)}`)), 120_000);
      child.stderr!.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited ${code}: ${err.slice(-2000)}`));
      });
    });
    child.once('exit', () => {
      if (this.child === child) this.url = undefined;
    });
  }

  kill9(): void {
    this.url = undefined;
    this.child?.kill('SIGKILL');
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((r) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
      c.once('exit', () => {
        clearTimeout(t);
        r();
      });
      c.kill('SIGTERM');
    });
  }
}

/** The institution endpoints: one that acknowledges, one that never answers, one that never stops answering. */
async function endpoints(appA: () => EnvelopeKeys) {
  const received = new Map<string, number>();
  const firstAt = new Map<string, number>();
  const listen = async (s: Server) => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  const ok = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      try {
        const opened = openCallback(body, appA());
        const id = String((opened.plainData as Record<string, unknown>).payOrdId);
        received.set(id, (received.get(id) ?? 0) + 1);
        if (!firstAt.has(id)) firstAt.set(id, Date.now());
        res.writeHead(200, { 'content-type': 'application/json' }).end(stringifyWire(buildCallbackAck(true)));
      } catch (err) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(stringifyWire(buildCallbackAck(false, String(err))));
      }
    });
  });
  const hanging = createServer(() => {
    /* never answers */
  });
  const flooding = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.destroy());
    pump();
  });
  const urls = { ok: await listen(ok), hanging: await listen(hanging), flooding: await listen(flooding) };
  return {
    urls,
    received,
    firstAt,
    close() {
      for (const s of [ok, hanging, flooding]) {
        s.closeAllConnections();
        s.close();
      }
    },
  };
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const schema = `yb_chaos_${randomBytes(5).toString('hex')}`;
  const appPrefix = `yb_chaos_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: o.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`SET search_path TO ${schema}`);
  const target = new URL(o.databaseUrl);
  const proxy = await new FreezableProxy(target.hostname, Number(target.port || 5432)).start();
  const dir = mkdtempSync(join(tmpdir(), 'yibao-chaos-'));
  const figures: Record<string, number> = { orders: 0, settled: 0, refunds: 0, revokes: 0, queries: 0, errors: 0, kill9: 0, pgTerminate: 0, freezes: 0, injected: 0 };
  const violations: string[] = [];
  const instances: Instance[] = [];
  let ends: Awaited<ReturnType<typeof endpoints>> | undefined;
  try {
    const platform = generateKeyPair();
    const mkApp = (i: number, notifyUrl: string): App => {
      const pair = generateKeyPair();
      const appId = `CHAOS${i}${randomBytes(16).toString('hex')}`.slice(0, 32).toUpperCase();
      const appSecret = randomBytes(16).toString('hex').toUpperCase();
      return {
        config: { appId, appSecret, publicKey: pair.publicKey, orgCodg: `H3501020099${i}`, orgName: `混沌测试医院${i}`, notifyUrl, encryptCallbacks: true },
        keys: { appId, appSecret, privateKey: pair.privateKey, peerPublicKey: platform.publicKey },
      };
    };
    let appA: App | undefined;
    ends = await endpoints(() => appA!.keys);
    appA = mkApp(1, `${ends.urls.ok}/notify`);
    const appB = mkApp(2, `${ends.urls.hanging}/notify`);
    const appC = mkApp(3, `${ends.urls.flooding}/notify`);
    const apps = [appA, appA, appA, appA, appB, appC]; // most load on the institution whose endpoint works
    const config = {
      sandbox: true,
      platform,
      operatorToken: randomBytes(24).toString('base64url'),
      apps: [appA, appB, appC].map((a) => ({ ...a.config, rateLimit: { perSecond: 10_000, burst: 10_000 } })),
      addressRateLimit: { perSecond: 100_000, burst: 100_000 },
      callbacks: { schedule: ['1s', '1s', '2s', '2s', '3s', '5s', '5s', '5s', '10s', '10s', '10s', '10s'], timeoutMs: 2000, pollMs: 200 },
      reconciler: { every: '1s', retryAfter: '1s', flagAfter: '30s' },
      database: { statementTimeoutMs: 5000, lockTimeoutMs: 3000, acquireTimeoutMs: 3000 },
    };
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify(config));
    for (const i of [1, 2]) {
      const u = new URL(proxy.url(o.databaseUrl));
      u.searchParams.set('options', `-c search_path=${schema}`);
      u.searchParams.set('application_name', `${appPrefix}_${i}`);
      instances.push(new Instance(`instance ${i}`, configFile, join(dir, `data${i}`), u.toString()));
    }
    await instances[0]!.start(); // migrations first, then the second (they also race safely)
    await instances[1]!.start();
    log(`chaos: 2 instances up (${instances.map((i) => i.url).join(', ')}), schema ${schema}`);

    // ------------------------------------------------------------------ the HIS workers
    const live = () => instances.filter((i) => i.url);
    const paidAt = new Map<string, number>();
    /** Posts to a live instance; a connection error or -3 is retried (same request: idempotent), elsewhere. */
    async function send(app: App, txn: string, data: unknown): Promise<{ code: string; message: string; data: Record<string, unknown> | undefined } | undefined> {
      for (let attempt = 0; attempt < 8; attempt++) {
        const inst = live();
        if (inst.length === 0) {
          await sleep(300);
          continue;
        }
        try {
          const res = await fetch(`${pick(inst).url}${getTxn(txn).path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stringifyWire(sealRequest(data, app.keys)), signal: AbortSignal.timeout(20_000) });
          const opened = openResponse(await res.text(), app.keys);
          if (opened.code === '-3' || opened.code === '-6') {
            await sleep(300);
            continue;
          }
          return { code: opened.code, message: opened.message, data: opened.plainData as Record<string, unknown> | undefined };
        } catch {
          await sleep(200);
        }
      }
      figures.errors! += 1;
      return undefined;
    }
    async function sandboxPost(path: string, body: unknown): Promise<Record<string, unknown> | undefined> {
      for (let attempt = 0; attempt < 8; attempt++) {
        const inst = live();
        if (inst.length === 0) {
          await sleep(300);
          continue;
        }
        try {
          const res = await fetch(`${pick(inst).url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
          if (res.status === 200) return (await res.json()) as Record<string, unknown>;
        } catch {
          /* another instance, or later */
        }
        await sleep(300);
      }
      return undefined;
    }
    const persons = DEFAULT_PERSONS;
    async function oneOrder(): Promise<void> {
      const app = pick(apps);
      const who = pick(persons);
      const scan = await send(app, '6101', { orgId: app.config.orgCodg, businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: who.qrCode });
      if (scan?.code !== '0') return;
      const upload = demoUpload({ orgCodg: app.config.orgCodg, psnNo: who.psnNo, idNo: who.idNo, userName: who.userName, insutype: who.insutype, ecToken: String(scan.data!.ecToken), medType: '11', lines: [{ medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊', cnt: '1', pric: `${10 + Math.floor(Math.random() * 90)}.${String(Math.floor(Math.random() * 100)).padStart(2, '0')}` }] });
      const up = await send(app, '6201', toWire(getTxn('6201').input, upload));
      if (up?.code !== '0') return;
      figures.orders! += 1;
      const ids = { payOrdId: String(up.data!.payOrdId), orgCodg: app.config.orgCodg, payToken: String(up.data!.payToken), idNo: who.idNo, userName: who.userName, idType: who.idType };
      const r = Math.random();
      if (r < 0.15) {
        const rv = await send(app, '6401', ids);
        if (rv?.code === '0') figures.revokes! += 1;
        return;
      }
      const auth = await sandboxPost('/sandbox/auth', { psnNo: who.psnNo, orgCodg: app.config.orgCodg });
      if (!auth) return;
      const ext = up.data!.extData as Record<string, unknown>;
      const pay = await send(app, '6202', { payAuthNo: auth.payAuthNo, payOrdId: ids.payOrdId, payToken: ids.payToken, orgCodg: ids.orgCodg, orgBizSer: `BS${randomUUID().replace(/-/g, '').slice(0, 24)}`, chrgBchno: upload.chrgBchno, feeType: '01', mdtrtId: ext.mdtrtId });
      if (pay?.code !== '0') return;
      if (pay.data!.ordStas === '6') {
        figures.settled! += 1;
        paidAt.set(ids.payOrdId, Date.now());
      }
      if (Math.random() < 0.2) {
        await send(app, '6301', ids);
        figures.queries! += 1;
      }
      if (pay.data!.ordStas !== '6' || Math.random() > 0.4) return;
      const cashFen = fenOf(pay.data!.ownPayAmt);
      const full = Math.random() < 0.5 || cashFen < 2;
      const cash = full ? cashFen : Math.floor(cashFen / 2);
      const total = full ? fenOf(pay.data!.feeSumamt) : cash;
      const refund = { payOrdId: ids.payOrdId, appRefdSn: `RS${randomUUID().replace(/-/g, '').slice(0, 24)}`, appRefdTime: formatCompact(), totlRefdAmt: n(yuanOf(total)), cashRefdAmt: n(yuanOf(cash)), ecToken: String(scan.data!.ecToken), refdType: full ? 'ALL' : 'CASH' };
      const rf = await send(app, '6203', refund);
      if (rf?.code === '0') figures.refunds! += 1;
    }

    const loadUntil = Date.now() + o.durationMs;
    let loading = true;
    const workers = Array.from({ length: o.workers ?? 4 }, async () => {
      while (loading) {
        try {
          await oneOrder();
        } catch {
          figures.errors! += 1;
        }
      }
    });

    // ------------------------------------------------------------------ the chaos
    const terminate = async () => {
      const c = new pg.Client({ connectionString: o.databaseUrl });
      await c.connect();
      const r = await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1`, [`${appPrefix}_%`]);
      await c.end();
      figures.pgTerminate! += 1;
      log(`chaos: pg_terminate_backend × ${r.rowCount}`);
    };
    const kill = async () => {
      const inst = pick(instances);
      if (!inst.alive) return;
      inst.kill9();
      figures.kill9! += 1;
      log(`chaos: kill -9 ${inst.name}`);
      await sleep(500 + Math.random() * 1500);
      await inst.start();
    };
    const freeze = async () => {
      proxy.freeze();
      figures.freezes! += 1;
      const ms = 3000 + Math.random() * 4000;
      log(`chaos: database frozen for ${Math.round(ms)} ms`);
      await sleep(ms);
      proxy.thaw();
    };
    // The channel answers EXP: a payment (the order goes 14), a refund, or the reconciler's first question.
    const RULES = [
      { op: 'pay', result: 'EXP', count: 2 },
      { op: 'refund', result: 'EXP', count: 2 },
      { op: 'query', result: 'EXP', count: 1 },
    ];
    let injections = 0;
    const inject = async () => {
      const rule = injections < RULES.length ? RULES[injections]! : pick(RULES);
      injections += 1;
      for (const i of live()) {
        await fetch(`${i.url}/sandbox/channels/failures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) }).catch(() => {});
      }
      figures.injected! += 1;
    };
    // Every kind early, then at random. These first ones run whatever durationMs says (the load
    // lasts until they have), so that a short run has each at least once.
    const events = [inject, terminate, inject, kill, freeze, inject];
    const chaos = (async () => {
      let i = 0;
      const more = () => i < events.length || Date.now() < loadUntil - 2000;
      while (more()) {
        await sleep(1500 + Math.random() * 2500);
        if (!more()) break;
        const e = i < events.length ? events[i]! : pick([inject, inject, terminate, kill, freeze]);
        i += 1;
        try {
          await e();
        } catch (err) {
          log(`chaos: ${e.name} failed: ${String(err)}`);
        }
      }
    })();
    await chaos;
    loading = false;
    await Promise.all(workers);
    proxy.thaw();
    for (const i of instances) if (!i.alive) await i.start();
    for (const i of instances) await fetch(`${i.url}/sandbox/channels/failures`, { method: 'DELETE' }).catch(() => {});
    log('chaos: load stopped; settling');

    // ------------------------------------------------------------------ settle, then check
    const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows as T[];
    const settleFrom = Date.now();
    const settleUntil = settleFrom + (o.settleMs ?? 45_000);
    const settledOrders = async () => q<{ pay_ord_id: string; app_id: string }>(`SELECT DISTINCT o.pay_ord_id, o.app_id FROM orders o JOIN order_events e ON e.pay_ord_id = o.pay_ord_id WHERE e.to_stas = '6'`);
    for (;;) {
      const [open] = await q<{ abnormal: number; exp: number; pending: number }>(
        `SELECT (SELECT count(*) FROM orders WHERE ord_stas = '14')::int AS abnormal,
                (SELECT count(*) FROM channel_trades WHERE status = 'EXP')::int AS exp,
                (SELECT count(*) FROM callbacks c WHERE c.app_id = $1 AND c.status <> 'DELIVERED')::int AS pending`,
        [appA.config.appId],
      );
      if ((open!.abnormal === 0 && open!.exp === 0 && open!.pending === 0) || Date.now() > settleUntil) break;
      await sleep(500);
    }
    figures.settleMs = Date.now() - settleFrom;

    const none = async (what: string, sql: string, params: unknown[] = []) => {
      const rows = await q(sql, params);
      if (rows.length > 0) violations.push(`${what}: ${rows.length} (${JSON.stringify(rows.slice(0, 3))})`);
    };
    await none('money does not add up', `SELECT pay_ord_id FROM orders WHERE fee_sumamt_fen <> fund_pay_fen + psn_acct_pay_fen + own_pay_amt_fen + oth_fee_amt_fen OR cash_refunded_fen > cash_paid_fen OR cash_refunded_fen < 0`);
    await none('cash paid twice', `SELECT pay_ord_id, count(*) FROM channel_trades WHERE kind = 'PAY' AND status = 'SUCC' AND pay_ord_id <> '' GROUP BY pay_ord_id HAVING count(*) > 1`);
    await none('insurance settled twice', `SELECT pay_ord_id, count(*) FROM fsi_settlements WHERE status = 'SETTLED' GROUP BY pay_ord_id HAVING count(*) > 1`);
    await none('refunds exceed payments', `SELECT pay_ord_id FROM channel_trades WHERE pay_ord_id <> '' GROUP BY pay_ord_id
      HAVING COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'REFUND' AND status = 'SUCC'), 0) > COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'PAY' AND status = 'SUCC'), 0)`);
    await none('order and channel disagree on cash', `SELECT o.pay_ord_id, o.cash_paid_fen, o.cash_refunded_fen, t.paid, t.refunded FROM orders o
      JOIN (SELECT pay_ord_id, COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'PAY' AND status = 'SUCC'), 0) AS paid, COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'REFUND' AND status = 'SUCC'), 0) AS refunded FROM channel_trades GROUP BY pay_ord_id) t ON t.pay_ord_id = o.pay_ord_id
      WHERE o.ord_stas NOT IN ('15') AND (o.cash_paid_fen <> t.paid OR o.cash_refunded_fen <> t.refunded)`);
    await none('order and FSI core disagree on the insurance part', `SELECT o.pay_ord_id FROM orders o LEFT JOIN fsi_settlements s ON s.pay_ord_id = o.pay_ord_id AND s.status = 'SETTLED'
      WHERE (o.hi_doc_sn IS NOT NULL AND NOT o.hi_refunded) <> (s.hi_doc_sn IS NOT NULL) OR (s.hi_doc_sn IS NOT NULL AND (s.fund_pay_fen <> o.fund_pay_fen OR s.psn_acct_pay_fen <> o.psn_acct_pay_fen))`);
    await none('left in 14 (异常) past the reconciler schedule', `SELECT pay_ord_id FROM orders WHERE ord_stas = '14'`);
    await none('left EXP past the reconciler schedule', `SELECT trade_no, kind FROM channel_trades WHERE status = 'EXP'`);
    await none('settled order without exactly one 6302', `SELECT o.pay_ord_id, count(c.id) FROM orders o JOIN order_events e ON e.pay_ord_id = o.pay_ord_id AND e.to_stas = '6'
      LEFT JOIN callbacks c ON c.pay_ord_id = o.pay_ord_id AND c.call_type = '02' GROUP BY o.pay_ord_id HAVING count(DISTINCT c.id) <> 1`);
    const settled = await settledOrders();
    const ofA = settled.filter((s) => s.app_id === appA.config.appId);
    const missing = ofA.filter((s) => !ends!.received.has(s.pay_ord_id));
    if (missing.length > 0) violations.push(`settled orders whose 6302 never reached the HIS: ${missing.length} (${missing.slice(0, 3).map((m) => m.pay_ord_id).join(', ')})`);
    await none('6302 of the working institution not delivered', `SELECT id, status FROM callbacks WHERE app_id = $1 AND status <> 'DELIVERED'`, [appA.config.appId]);
    const delays = ofA.map((s) => (ends!.firstAt.get(s.pay_ord_id) ?? NaN) - (paidAt.get(s.pay_ord_id) ?? NaN)).filter((d) => Number.isFinite(d)).sort((a, b) => a - b);
    const [counts] = await q<{ orders: number; abnormal_seen: number; exp_seen: number; flagged: number }>(
      `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM unresolved WHERE kind = 'ORDER_14')::int AS abnormal_seen,
              (SELECT count(*) FROM unresolved WHERE kind = 'REFUND_EXP')::int AS exp_seen, (SELECT count(*) FROM unresolved WHERE flagged_at IS NOT NULL)::int AS flagged`,
    );
    Object.assign(figures, {
      ordersInDb: counts!.orders,
      settledInDb: settled.length,
      reconciled14: counts!.abnormal_seen,
      reconciledExp: counts!.exp_seen,
      flagged: counts!.flagged,
      callbacksAtHis: ofA.length - missing.length,
      duplicateCallbacks: [...ends.received.values()].filter((c) => c > 1).length,
      callbackP50Ms: delays.length ? delays[Math.floor(delays.length / 2)]! : -1,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    return { figures, violations };
  } finally {
    proxy.thaw();
    await Promise.all(instances.map((i) => i.stop()));
    ends?.close();
    await proxy.close().catch(() => {});
    await admin.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
    await admin.end().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one line of figures. */
export function chaosLine(r: ChaosResult): string {
  const f = r.figures;
  return `chaos: ${r.violations.length === 0 ? 'OK' : `${r.violations.length} VIOLATION(S)`} — ${Object.entries(f)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`;
}
