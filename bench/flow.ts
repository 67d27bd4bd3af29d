/**
 * `npm run bench:flow`: whole orders through the platform, measured from outside (issue 16,
 * docs/performance.md). The platform runs in its own process (bench/flow-server.ts: `yibao serve`,
 * with `--workers`), on PostgreSQL at DATABASE_URL (a fresh schema, dropped afterwards) or else on
 * PGlite; this process is the load generator and the HIS: closed loops of 6201 (10 fee lines) → 6202 →
 * 6301 at concurrency 1, 8 and 32, every reply verified, every 6302 callback received, verified and
 * acknowledged. In the same run it measures the crypto-only ceiling (the same envelope operations on
 * the same messages, in this process, CPU time).
 *
 * Decisions rest on CPU time and counts, not on orders/s (a shared machine makes wall time noisy):
 * server CPU per order (process.cpuUsage of every server process), PostgreSQL CPU per order (its
 * backends' /proc/<pid>/stat, when the database is local), statements and transactions per order
 * (counted at the store interface, and xact_commit of pg_stat_database as a cross-check).
 *
 * Options:
 *   --workers N        server processes (default: one per core on PostgreSQL, 1 on PGlite)
 *   --orders a,b,c     orders at concurrency 1, 8, 32 (default 60,400,1600)
 *   --concurrency list default 1,8,32
 *   --preload [N]      the second mode: 6202/6301 latency on an empty database, then with N
 *                      (default 1,000,000) orders loaded by generate_series, then again
 *   --latency-orders N orders measured at each size in --preload mode (default 200)
 *   --keep             keep the PostgreSQL schema (its name is printed)
 *   --floor            after the platform, the same load against bench/floor-server.ts: node:http,
 *                      the protocol's crypto, parsing and validation, the same statement pattern as
 *                      trivial prepared SELECTs, nothing else — the least a Node server spends per
 *                      order, measured in the same run (docs/performance.md "The floor")
 *   --verify-every N   verify the signature of every Nth answer and callback (default 8; 1 = all).
 *                      Every answer is decrypted and its code checked; the generator shares the
 *                      server's two cores, so the SM2 verifies a real HIS would do on its own machine
 *                      are sampled here (the correctness of every answer is the tests' business).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateKeyPair, parsePrivateKey, parsePublicKey, sm2Sign, sm2Verify } from 'yibao/crypto';
import { sm4DecryptHex, sm4EncryptToHex } from 'yibao/crypto';
import { envelopeSm4Key, type EnvelopeKeys } from 'yibao/protocol';
import { buildSignString } from 'yibao/protocol';
import { stringifyWire, parseWireObject, type WireObject } from 'yibao/protocol';
import { buildCallbackAck, decryptEncData, openCallback, openResponse, sealRequest } from 'yibao/protocol';
import { getTxn } from 'yibao/spec';
import { demoUpload, type DemoLine } from 'yibao/sdk';
import { DEFAULT_PERSONS } from '../packages/platform/src/upstream/persons.js';
import type { PersonConfig } from '../packages/platform/src/upstream/types.js';
import type { YibaoConfig } from '../packages/platform/src/center/config.js';
import type { ProcessStats } from './flow-server.js';

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[i + 1] : undefined;
};
const DATABASE_URL = process.env.DATABASE_URL;
const WORKERS = Number(option('--workers') ?? (DATABASE_URL ? availableParallelism() : 1));
const LEVELS = (option('--concurrency') ?? '1,8,32').split(',').map(Number);
const ORDERS = (option('--orders') ?? '60,400,1600').split(',').map(Number);
const VERIFY_EVERY = Math.max(1, Number(option('--verify-every') ?? 8));
const opened = new Map<string, number>();
/** Whether this answer's signature is verified: the first and every VERIFY_EVERY-th of each kind (docs/performance.md). */
const verifyThis = (kind: string) => {
  const n = opened.get(kind) ?? 0;
  opened.set(kind, n + 1);
  return n % VERIFY_EVERY === 0;
};
const PRELOAD = flag('--preload') ? Number(option('--preload') ?? 1_000_000) : 0;
if (WORKERS > 1 && !DATABASE_URL) throw new Error('--workers > 1 needs PostgreSQL (DATABASE_URL): PGlite is single-process');

// ---------------------------------------------------------------- the institution and its people
const platformKeys = generateKeyPair();
const instKeys = generateKeyPair();
const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase();
const APP = { appId: hex(16), appSecret: hex(16), orgCodg: 'H35010200227', orgName: '福州市第一人民医院（压测）' };
const clientKeys: EnvelopeKeys = { appId: APP.appId, appSecret: APP.appSecret, privateKey: parsePrivateKey(instKeys.privateKey), peerPublicKey: parsePublicKey(platformKeys.publicKey) };

/** GB 11643 check digit, so that the generated ID numbers are valid ones. */
function idNumber(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return body17 + '10X98765432'[sum % 11]!;
}

/** 64 insured persons like 张三 (职工, 福州), each with a large balance: settlement locks a person's account row, so one person would serialise the load. */
const PERSONS: PersonConfig[] = Array.from({ length: 64 }, (_, i) => {
  const base = DEFAULT_PERSONS[0]!;
  const seq = String(i + 100).padStart(3, '0');
  return { ...base, psnNo: `3501000000000000${String(i + 1000).padStart(4, '0')}`, idNo: idNumber(`35010219850312${seq}`), userName: `压测${i + 1}`, balance: '100000000.00', qrCode: `YBEC01BENCH${hex(12)}` };
});

/** 10 fee lines: drugs, examinations, and a self-paid item, so that every order has a cash part. */
const LINES: DemoLine[] = [
  { medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊', cnt: '2', pric: '35.50' },
  { medListCodg: '270300001000000', medListName: '磁共振平扫', cnt: '1', pric: '480.00' },
  { medListCodg: '250101015000000', medListName: '血细胞分析', cnt: '1', pric: '25.00' },
  { medListCodg: 'ZZ0001', medListName: '医用美容项目', cnt: '1', pric: '100.00' },
  { medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊', cnt: '3', pric: '35.50' },
  { medListCodg: '250101015000000', medListName: '血细胞分析', cnt: '2', pric: '25.00' },
  { medListCodg: '270300001000000', medListName: '磁共振平扫', cnt: '1', pric: '480.00' },
  { medListCodg: 'ZZ0001', medListName: '医用美容项目', cnt: '2', pric: '100.00' },
  { medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊', cnt: '1', pric: '35.50' },
  { medListCodg: '250101015000000', medListName: '血细胞分析', cnt: '1', pric: '25.00' },
];

// ---------------------------------------------------------------- HTTP client (keep-alive, no fetch: its overhead would be the load generator's, on the same cores)
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let BASE = '';

function post(path: string, body: string, retried = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, BASE);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    // A kept-alive connection the server closed while idle (its keep-alive timeout) fails at once,
    // before the request was read: send it again on a fresh one (Node's documented pattern).
    req.on('error', (err: NodeJS.ErrnoException) => (!retried && req.reusedSocket && err.code === 'ECONNRESET' ? post(path, body, true).then(resolve, reject) : reject(err)));
    req.end(body);
  });
}

const samples: Record<string, { request: WireObject; responseText: string }> = {};
/** The platform's plaintext replies and 6302 of this run, replayed by the floor server (--floor). */
const plainSamples: Record<string, Record<string, unknown>> = {};

/** One transaction as a HIS sends it: sealed, posted, the reply opened and verified. */
async function call(txn: '6201' | '6202' | '6301', data: Record<string, unknown>, latency: number[]): Promise<Record<string, unknown>> {
  const request = sealRequest(data, clientKeys);
  const started = performance.now();
  const text = await post(getTxn(txn).path!, stringifyWire(request));
  latency.push(performance.now() - started);
  if (verifyThis(txn)) {
    const reply = openResponse(text, clientKeys);
    if (reply.code !== '0') throw new Error(`${txn}: ${reply.code} ${reply.message}`);
    samples[txn] ??= { request, responseText: text };
    plainSamples[txn] ??= reply.plainData ?? {};
    return reply.plainData ?? {};
  }
  const message = parseWireObject(text, 'answer');
  if (String(message.code) !== '0') throw new Error(`${txn}: ${String(message.code)} ${String(message.message)}`);
  return (decryptEncData(message, clientKeys) ?? {}) as Record<string, unknown>;
}

// ---------------------------------------------------------------- the HIS's 6302 endpoint
const callbackWaiters = new Map<string, { settledAt: number; resolve: () => void }>();
const callbackLag: number[] = [];
let callbacksReceived = 0;
const callbackServer = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      const data = verifyThis('6302') ? openCallback(text, clientKeys).plainData : (decryptEncData(parseWireObject(text, 'callback'), clientKeys) as Record<string, unknown>);
      plainSamples['6302'] ??= data;
      const payOrdId = String(data.payOrdId);
      callbacksReceived++;
      const w = callbackWaiters.get(payOrdId);
      if (w) {
        callbackLag.push(w.settledAt ? Math.max(0, performance.now() - w.settledAt) : 0);
        callbackWaiters.delete(payOrdId);
        w.resolve();
      }
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(stringifyWire(buildCallbackAck(true)));
    } catch (err) {
      res.statusCode = 400;
      res.end(String(err));
    }
  });
});

// ---------------------------------------------------------------- one order
interface Auth {
  person: PersonConfig;
  payAuthNo: string;
  ecToken: string;
}

interface Latencies {
  '6201': number[];
  '6202': number[];
  '6301': number[];
}

async function order(auth: Auth, lat: Latencies, callbacks: Promise<void>[]): Promise<void> {
  const p = auth.person;
  const upload = demoUpload({ orgCodg: APP.orgCodg, psnNo: p.psnNo, idNo: p.idNo, userName: p.userName, idType: p.idType, insutype: p.insutype, ecToken: auth.ecToken, lines: LINES, acctUsedFlag: '0' });
  const up = await call('6201', { ...upload }, lat['6201']);
  const payOrdId = String(up.payOrdId);
  const payToken = String(up.payToken);
  const mdtrtId = String((up.extData as Record<string, unknown>).mdtrtId);
  let settledAt = 0;
  const delivered = new Promise<void>((resolve) => callbackWaiters.set(payOrdId, { get settledAt() { return settledAt; }, resolve }));
  const paid = await call('6202', { payAuthNo: auth.payAuthNo, payOrdId, payToken, orgCodg: APP.orgCodg, orgBizSer: `BS${hex(12)}`, chrgBchno: upload.chrgBchno, feeType: '01', mdtrtId }, lat['6202']);
  settledAt = performance.now();
  if (String(paid.ordStas) !== '6') throw new Error(`6202: ordStas ${String(paid.ordStas)}`);
  callbacks.push(delivered);
  await call('6301', { payOrdId, orgCodg: APP.orgCodg, payToken, idNo: p.idNo, userName: p.userName, idType: p.idType }, lat['6301']);
}

/** payAuthNo (single use) and ecToken for n orders, from the sandbox, before the measured window. */
async function authorise(n: number): Promise<Auth[]> {
  const out: Auth[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) {
        const person = PERSONS[next++ % PERSONS.length]!;
        const r = JSON.parse(await post('/sandbox/auth', JSON.stringify({ psnNo: person.psnNo, orgCodg: APP.orgCodg }))) as { payAuthNo: string; ecToken: string };
        out.push({ person, payAuthNo: r.payAuthNo, ecToken: r.ecToken });
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------- the server process and what it reports
let server: ChildProcess;
let serverPids: number[] = [];
let statsId = 0;

function serverStats(): Promise<ProcessStats[]> {
  const id = ++statsId;
  return new Promise((resolve) => {
    const on = (m: { type?: string; id?: number; stats?: ProcessStats[] }) => {
      if (m?.type === 'stats' && m.id === id) {
        server.off('message', on);
        resolve(m.stats ?? []);
      }
    };
    server.on('message', on);
    server.send({ type: 'stats', id });
  });
}

// ---------------------------------------------------------------- PostgreSQL: schema, backends' CPU, commits
const APPLICATION_NAME = `yibao-bench-${hex(4).toLowerCase()}`;
const SCHEMA = `yb_bench_${hex(6).toLowerCase()}`;
let admin: pg.Client | undefined;
let serverDatabaseUrl: string | undefined;
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function procCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

/** The server's PostgreSQL backends, sampled often: a backend's CPU is read while it lives. */
class BackendCpu {
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Its own connection: the sampler runs beside the preload's long statements. */
  private client: pg.Client | undefined;
  local = false;

  async start(): Promise<void> {
    if (!admin) return;
    const host = new URL(DATABASE_URL!).hostname;
    this.local = ['127.0.0.1', 'localhost', '::1', ''].includes(host) && procCpuMs(process.pid) !== undefined;
    if (!this.local) return;
    this.client = new pg.Client({ connectionString: DATABASE_URL });
    await this.client.connect();
    await this.sample();
    this.timer = setInterval(() => void this.sample(), 200);
  }

  private sampling = false;

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    const rows = await this.client!.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APPLICATION_NAME]).catch(() => ({ rows: [] }));
    this.sampling = false;
    for (const { pid } of rows.rows) {
      const ms = procCpuMs(pid);
      if (ms !== undefined) this.last.set(pid, ms);
    }
  }

  /** Total CPU ms of every backend seen so far (a backend that exited keeps its last reading). */
  async total(): Promise<number | undefined> {
    if (!this.local) return undefined;
    while (this.sampling) await new Promise((r) => setTimeout(r, 10));
    await this.sample();
    return [...this.last.values()].reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.client?.end();
  }
}
const backends = new BackendCpu();

async function xactCommits(): Promise<number | undefined> {
  if (!admin) return undefined;
  await admin.query('SELECT pg_stat_clear_snapshot()');
  const r = await admin.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(r.rows[0]!.n);
}

// ---------------------------------------------------------------- one measured level
interface Level {
  concurrency: number;
  orders: number;
  seconds: number;
  ordersPerSec: number;
  p50: Record<string, number>;
  p99: Record<string, number>;
  callbackP50Ms: number;
  callbackP99Ms: number;
  serverCpuMsPerOrder: number;
  /** The kernel's part of it. */
  serverSysMsPerOrder: number;
  /** This process's (the HIS side: sealing, opening, the 6302 endpoint) — it shares the cores. */
  generatorCpuMsPerOrder: number;
  dbCpuMsPerOrder: number | null;
  statementsPerOrder: number;
  transactionsPerOrder: number;
  xactCommitsPerOrder: number | null;
  loadAvg: number;
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sum = (s: ProcessStats[], k: 'statements' | 'transactions' | 'cpuMicros' | 'systemMicros') => s.reduce((a, x) => a + x[k], 0);

async function measure(concurrency: number, orders: number): Promise<Level> {
  const auths = await authorise(orders);
  // Let the writes of authorisation settle into the statistics before the window opens.
  await new Promise((r) => setTimeout(r, 300));
  const before = { stats: await serverStats(), db: await backends.total(), commits: await xactCommits(), generator: process.cpuUsage() };
  const lat: Latencies = { '6201': [], '6202': [], '6301': [] };
  const callbacks: Promise<void>[] = [];
  callbackLag.length = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < orders) await order(auths[next++]!, lat, callbacks);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // Every 6302 in: its delivery is part of the order's cost.
  await Promise.race([Promise.all(callbacks), new Promise((r) => setTimeout(r, 60_000))]);
  if (callbackWaiters.size > 0) console.error(`warning: ${callbackWaiters.size} callbacks not received within 60 s`);
  // PostgreSQL reports a backend's commits when it goes idle, at most once a second.
  if (admin) await new Promise((r) => setTimeout(r, 1200));
  const generator = process.cpuUsage(before.generator);
  const after = { stats: await serverStats(), db: await backends.total(), commits: await xactCommits() };
  const d = (k: 'statements' | 'transactions' | 'cpuMicros' | 'systemMicros') => sum(after.stats, k) - sum(before.stats, k);
  const round = (x: number, n = 2) => Number(x.toFixed(n));
  const statCommits = before.commits !== undefined && after.commits !== undefined ? after.commits - before.commits : undefined;
  return {
    concurrency,
    orders,
    seconds: round(seconds),
    ordersPerSec: round(orders / seconds, 1),
    p50: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, round(pct(v, 50))])),
    p99: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, round(pct(v, 99))])),
    callbackP50Ms: round(pct(callbackLag, 50)),
    callbackP99Ms: round(pct(callbackLag, 99)),
    serverCpuMsPerOrder: round(d('cpuMicros') / 1000 / orders, 3),
    serverSysMsPerOrder: round(d('systemMicros') / 1000 / orders, 3),
    generatorCpuMsPerOrder: round((generator.user + generator.system) / 1000 / orders, 3),
    dbCpuMsPerOrder: before.db !== undefined && after.db !== undefined ? round((after.db - before.db) / orders, 3) : null,
    statementsPerOrder: round(d('statements') / orders),
    transactionsPerOrder: round(d('transactions') / orders),
    // The whole database's commits (our admin connection's few included): a cross-check of the count above.
    xactCommitsPerOrder: statCommits !== undefined ? round(statCommits / orders) : null,
    loadAvg: round((await import('node:os')).loadavg()[0]!, 1),
  };
}

// ---------------------------------------------------------------- the crypto-only ceiling
/**
 * What an order's crypto costs the server, on the messages of this run: for each of 6201, 6202, 6301
 * the request's SM4 decrypt and SM2 verify, the reply's SM2 sign and SM4 encrypt. CPU time of this
 * process (process.cpuUsage), so that other load on the machine does not count.
 */
function cryptoPerOrderMs(): number {
  const sm4Key = envelopeSm4Key(APP.appId, APP.appSecret);
  const instPub = parsePublicKey(instKeys.publicKey);
  const platformPriv = parsePrivateKey(platformKeys.privateKey);
  const ops = (['6201', '6202', '6301'] as const).map((txn) => {
    const s = samples[txn]!;
    const encData = String(s.request.encData);
    const plain = sm4DecryptHex(sm4Key, encData);
    const signed: Record<string, unknown> = { ...s.request, data: parseWireObject(plain) };
    const requestSignString = buildSignString(signed, { secret: APP.appSecret });
    const signature = String(s.request.signData);
    const reply = parseWireObject(s.responseText);
    const replyPlain = sm4DecryptHex(sm4Key, String(reply.encData));
    const replySignString = buildSignString({ ...reply, data: parseWireObject(replyPlain) }, { secret: APP.appSecret });
    return () => {
      sm4DecryptHex(sm4Key, encData);
      if (!sm2Verify(instPub, requestSignString, signature)) throw new Error('verify');
      sm2Sign(platformPriv, replySignString);
      sm4EncryptToHex(sm4Key, replyPlain);
    };
  });
  const once = () => ops.forEach((f) => f());
  for (let i = 0; i < 50; i++) once();
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const n = 200;
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) once();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000 / n);
  }
  return best;
}

// ---------------------------------------------------------------- preload (the second mode)
async function preload(n: number): Promise<void> {
  if (!admin) throw new Error('--preload needs PostgreSQL (DATABASE_URL)');
  const q = (sql: string) => admin!.query(sql);
  const t0 = performance.now();
  const org = APP.orgCodg;
  // Settled orders as the flow leaves them, with their channel trade, pay request, event, FSI visit
  // and settlement, e-voucher token and delivered callback. The stored 6201 upload is kept short:
  // its size changes the table's bytes, not what an index lookup costs.
  await q(`INSERT INTO orders (pay_ord_id, app_id, org_codg, org_name, med_org_ord, psn_no, id_no, id_type, user_name, insutype, med_type, insuplc_admdvs,
      pay_token, ord_stas, fee_sumamt_fen, fund_pay_fen, psn_acct_pay_fen, own_pay_amt_fen, oth_fee_amt_fen, acct_used_flag, chrg_bchno, mdtrt_id, hi_rgst_sn,
      setl_type, chnl_type, hi_doc_sn, trace_time, cash_paid_fen, upload, created_at)
    SELECT 'PRE' || lpad(g::text, 12, '0'), '${APP.appId}', '${org}', 'x', 'PMO' || g, 'P' || (g % 5000), '350102198503120034', '01', 'x', '310', '14', '350100',
      'PT' || g, '6', 100000, 60000, 0, 40000, 0, '0', 'CB' || g, 'MDP' || g, 'RGP' || g, 'ALL', 'WX', 'SDP' || g, '20261122093000', 40000,
      '{"feeType":"01","_hash":"x"}'::jsonb, now() - make_interval(secs => g)
    FROM generate_series(1, ${n}) g`);
  await q(`INSERT INTO channel_trades (trade_no, chnl_type, kind, pay_ord_id, org_codg, amount_fen, status, out_trade_no, created_at)
    SELECT 'CPP' || g, 'WX', 'PAY', 'PRE' || lpad(g::text, 12, '0'), '${org}', 40000, 'SUCC', 'PAYP' || g, now() - make_interval(secs => g) FROM generate_series(1, ${n}) g`);
  await q(`INSERT INTO pay_requests (org_codg, org_biz_ser, txn, pay_ord_id, response) SELECT '${org}', 'BSP' || g, '6202', 'PRE' || lpad(g::text, 12, '0'), '{}'::jsonb FROM generate_series(1, ${n}) g`);
  await q(`INSERT INTO order_events (pay_ord_id, txn, from_stas, to_stas) SELECT 'PRE' || lpad(g::text, 12, '0'), '6202', '2', '6' FROM generate_series(1, ${n}) g`);
  await q(`INSERT INTO fsi_visits (mdtrt_id, hi_rgst_sn, psn_no, org_codg, med_type, status) SELECT 'MDP' || g, 'RGP' || g, 'P' || (g % 5000), '${org}', '14', 'OPEN' FROM generate_series(1, ${n}) g`);
  await q(`INSERT INTO fsi_settlements (hi_doc_sn, mdtrt_id, psn_no, pay_ord_id, year, medfee_fen, fund_pay_fen, psn_acct_pay_fen, deductible_fen, breakdown, status)
    SELECT 'SDP' || g, 'MDP' || g, 'P' || (g % 5000), 'PRE' || lpad(g::text, 12, '0'), 2026, 100000, 60000, 0, 0, '{}'::jsonb, 'SETTLED' FROM generate_series(1, ${n}) g`);
  await q(`INSERT INTO ev_tokens (token, kind, psn_no, org_codg, expires_at, used_at) SELECT 'AUP' || g, 'payAuthNo', 'P' || (g % 5000), '${org}', now(), now() FROM generate_series(1, ${n}) g`);
  await q(`INSERT INTO callbacks (app_id, org_codg, pay_ord_id, call_type, url, data, status, attempts, delivered_at)
    SELECT '${APP.appId}', '${org}', 'PRE' || lpad(g::text, 12, '0'), '02', 'http://127.0.0.1:1/', '{}'::jsonb, 'DELIVERED', 1, now() FROM generate_series(1, ${n}) g`);
  await q('ANALYZE');
  console.log(`preloaded ${n.toLocaleString('en-US')} orders (and their trades, requests, events, visits, settlements, tokens, callbacks) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
  const notifyUrl = `http://127.0.0.1:${(callbackServer.address() as { port: number }).port}/yibao/6302`;
  const dir = mkdtempSync(join(tmpdir(), 'yibao-bench-'));
  const config: YibaoConfig = {
    sandbox: true,
    platform: platformKeys,
    operatorToken: hex(24),
    apps: [{ ...APP, publicKey: instKeys.publicKey, notifyUrl, rateLimit: { perSecond: 1e6, burst: 1e6 } }],
    persons: PERSONS,
    addressRateLimit: { perSecond: 1e6, burst: 1e6 },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));

  if (DATABASE_URL) {
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${SCHEMA}`);
    await admin.query(`SET search_path = ${SCHEMA}`);
    const u = new URL(DATABASE_URL);
    u.searchParams.set('options', `-c search_path=${SCHEMA}`);
    u.searchParams.set('application_name', APPLICATION_NAME);
    serverDatabaseUrl = u.toString();
  }

  /** Starts a server process (the platform, or the floor) and points the load generator at it. */
  const startServer = async (script: string, env: Record<string, string> = {}) => {
    server = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
      // e.g. YIBAO_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
      execArgv: process.env.YIBAO_BENCH_NODE_ARGS ? process.env.YIBAO_BENCH_NODE_ARGS.split(' ') : [],
      env: {
        ...process.env,
        YIBAO_BENCH_CONFIG: join(dir, 'config.json'),
        YIBAO_BENCH_WORKERS: String(WORKERS),
        YIBAO_BENCH_DATA: join(dir, 'pgdata'),
        ...(serverDatabaseUrl ? { DATABASE_URL: serverDatabaseUrl } : {}),
        ...env,
      },
      // The platform's request log (one JSON line per request) is written, as in production, and dropped.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ url: string; pids: number[] }>((resolve, reject) => {
      server.on('message', (m: { type?: string; url?: string; pids?: number[] }) => m?.type === 'ready' && resolve(m as { url: string; pids: number[] }));
      server.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    });
    BASE = ready.url;
    serverPids = ready.pids;
  };
  const stopServer = async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  };
  await startServer('./flow-server.js');
  await backends.start();
  const store = DATABASE_URL ? 'postgres' : 'pglite';

  try {
    // Warm-up: JIT, connection pools, the first key tables.
    await measure(8, 80);
    const crypto = cryptoPerOrderMs();
    const ceiling = 1000 / crypto;

    if (PRELOAD > 0) {
      const runs: Array<{ rows: number; level: Level }> = [];
      runs.push({ rows: 0, level: await measure(1, Number(option('--latency-orders') ?? 200)) });
      await preload(PRELOAD);
      await measure(8, 80);
      runs.push({ rows: PRELOAD, level: await measure(1, Number(option('--latency-orders') ?? 200)) });
      console.log(`\nyibao flow benchmark, preload mode — ${store}, ${WORKERS} worker(s), concurrency 1\n`);
      console.log('| orders in database | 6202 p50 ms | 6202 p99 ms | 6301 p50 ms | 6301 p99 ms | server CPU ms/order | DB CPU ms/order | statements/order | load avg |');
      console.log('|---|---|---|---|---|---|---|---|---|');
      for (const r of runs) {
        const l = r.level;
        console.log(`| ${r.rows.toLocaleString('en-US')} | ${l.p50['6202']} | ${l.p99['6202']} | ${l.p50['6301']} | ${l.p99['6301']} | ${l.serverCpuMsPerOrder} | ${l.dbCpuMsPerOrder ?? 'n/a'} | ${l.statementsPerOrder} | ${l.loadAvg} |`);
      }
      const [empty, full] = [runs[0]!.level, runs[1]!.level];
      console.log(
        '\n' +
          JSON.stringify({
            mode: 'preload',
            store,
            preloadedOrders: PRELOAD,
            p50Ms6202Empty: empty.p50['6202'],
            p50Ms6202Full: full.p50['6202'],
            p50Ms6301Empty: empty.p50['6301'],
            p50Ms6301Full: full.p50['6301'],
            ratio6202: Number((full.p50['6202']! / empty.p50['6202']!).toFixed(2)),
            ratio6301: Number((full.p50['6301']! / empty.p50['6301']!).toFixed(2)),
            // CPU time does not wait for a busy machine: the database's work per order, empty and full.
            dbCpuMsPerOrderEmpty: empty.dbCpuMsPerOrder,
            dbCpuMsPerOrderFull: full.dbCpuMsPerOrder,
            loadAvg: full.loadAvg,
          }),
      );
      return;
    }

    const levels: Level[] = [];
    for (const [i, c] of LEVELS.entries()) levels.push(await measure(c, ORDERS[i] ?? ORDERS[ORDERS.length - 1]!));
    // The floor, measured in the same run on the same levels: the platform stops, the floor server
    // answers with the platform's own plaintext replies (bench/floor-server.ts).
    const floors: Level[] = [];
    if (flag('--floor')) {
      await stopServer();
      writeFileSync(join(dir, 'samples.json'), JSON.stringify(plainSamples));
      await startServer('./floor-server.js', { YIBAO_BENCH_SAMPLES: join(dir, 'samples.json') });
      await measure(8, 80);
      for (const [i, c] of LEVELS.entries()) floors.push(await measure(c, ORDERS[i] ?? ORDERS[ORDERS.length - 1]!));
    }
    console.log(`\nyibao flow benchmark — ${store}, ${WORKERS} server process(es), load generator in a separate process on the same machine (${availableParallelism()} cores)`);
    console.log(`crypto-only ceiling: ${crypto.toFixed(3)} CPU ms per order (3 × SM4 decrypt + SM2 verify + SM2 sign + SM4 encrypt) = ${Math.round(ceiling)} orders/s per core\n`);
    console.log('| concurrency | orders | orders/s | 6201 p50/p99 ms | 6202 p50/p99 ms | 6301 p50/p99 ms | 6302 after commit p50/p99 ms | server CPU ms/order (of which kernel) | crypto/server | DB CPU ms/order | statements/order | transactions/order | xact_commit/order | generator CPU ms/order | load avg |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const l of levels) {
      const pp = (k: string) => `${l.p50[k]} / ${l.p99[k]}`;
      console.log(
        `| ${l.concurrency} | ${l.orders} | ${l.ordersPerSec} | ${pp('6201')} | ${pp('6202')} | ${pp('6301')} | ${l.callbackP50Ms} / ${l.callbackP99Ms} | ${l.serverCpuMsPerOrder} (${l.serverSysMsPerOrder}) | ${(crypto / l.serverCpuMsPerOrder).toFixed(2)} | ${l.dbCpuMsPerOrder ?? 'n/a'} | ${l.statementsPerOrder} | ${l.transactionsPerOrder} | ${l.xactCommitsPerOrder ?? 'n/a'} | ${l.generatorCpuMsPerOrder} | ${l.loadAvg} |`,
      );
    }
    if (floors.length > 0) {
      console.log('\nthe floor (bench/floor-server.ts: node:http, the protocol\'s crypto, parsing and validation, the same statement pattern as trivial SELECTs, nothing else), same run:\n');
      console.log('| concurrency | orders/s | server CPU ms/order (of which kernel) | crypto/server | platform/floor server CPU | DB CPU ms/order | statements/order | generator CPU ms/order |');
      console.log('|---|---|---|---|---|---|---|---|');
      for (const [i, f] of floors.entries()) {
        console.log(`| ${f.concurrency} | ${f.ordersPerSec} | ${f.serverCpuMsPerOrder} (${f.serverSysMsPerOrder}) | ${(crypto / f.serverCpuMsPerOrder).toFixed(2)} | ${(levels[i]!.serverCpuMsPerOrder / f.serverCpuMsPerOrder).toFixed(2)} | ${f.dbCpuMsPerOrder ?? 'n/a'} | ${f.statementsPerOrder} | ${f.generatorCpuMsPerOrder} |`);
      }
    }
    const last = levels[levels.length - 1]!;
    const floor = floors[floors.length - 1];
    console.log(
      '\n' +
        JSON.stringify({
          store,
          workers: WORKERS,
          concurrency: last.concurrency,
          ordersPerSec: last.ordersPerSec,
          cryptoCeilingOrdersPerSec: Math.round(ceiling),
          serverCpuMsPerOrder: last.serverCpuMsPerOrder,
          cryptoCpuMsPerOrder: Number(crypto.toFixed(3)),
          cryptoToServerCpu: Number((crypto / last.serverCpuMsPerOrder).toFixed(2)),
          dbCpuMsPerOrder: last.dbCpuMsPerOrder,
          generatorCpuMsPerOrder: last.generatorCpuMsPerOrder,
          statementsPerOrder: last.statementsPerOrder,
          transactionsPerOrder: last.transactionsPerOrder,
          p99Ms: Math.max(last.p99['6201']!, last.p99['6202']!, last.p99['6301']!),
          callbackP99Ms: last.callbackP99Ms,
          loadAvg: last.loadAvg,
          levels: levels.map((l) => ({ concurrency: l.concurrency, ordersPerSec: l.ordersPerSec, serverCpuMsPerOrder: l.serverCpuMsPerOrder, dbCpuMsPerOrder: l.dbCpuMsPerOrder })),
          ...(floor
            ? {
                floor: {
                  ordersPerSec: floor.ordersPerSec,
                  serverCpuMsPerOrder: floor.serverCpuMsPerOrder,
                  cryptoToServerCpu: Number((crypto / floor.serverCpuMsPerOrder).toFixed(2)),
                  platformToFloorServerCpu: Number((last.serverCpuMsPerOrder / floor.serverCpuMsPerOrder).toFixed(2)),
                  dbCpuMsPerOrder: floor.dbCpuMsPerOrder,
                  generatorCpuMsPerOrder: floor.generatorCpuMsPerOrder,
                },
              }
            : {}),
        }),
    );
  } finally {
    await backends.stop();
    if (server.exitCode === null && server.signalCode === null) await stopServer();
    callbackServer.close();
    agent.destroy();
    if (admin) {
      if (flag('--keep')) console.error(`schema kept: ${SCHEMA}`);
      else await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
