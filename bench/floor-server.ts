/**
 * The floor: the least a Node.js server can spend per order while doing what the protocol itself
 * demands (`bench/flow.ts --floor`, docs/performance.md "The floor"). Not yibao, not a product: it
 * answers the same load generator with the same bytes on the wire, and does only
 *
 * - node:http, no framework, no logging, no metrics, no rate limit;
 * - per request: the lossless parse, SM4 decrypt, SM2 verify (mobile-payment.txt 2.2.3) and the
 *   catalogue's validation of the business data, exactly as the center does (yibao/protocol);
 * - the order's statement pattern as the platform sends it (the benchmark counts it: 6201 = BEGIN + 4 +
 *   COMMIT, 6202 = BEGIN + 6 + COMMIT, 6301 = 1, the 6302 outcome = 1), each one a trivial prepared
 *   `SELECT $1::text` through the same `pg` pool — the driver's and the socket's cost per round trip
 *   without any work in the database;
 * - the reply sealed (SM2 sign, SM4 encrypt) with the plaintext the platform answered in the same run,
 *   and after each 6202 the 6302 notification sealed and POSTed to the HIS over a kept-alive connection.
 *
 * What it skips is everything a real center must also do (replay records, idempotency, state machine,
 * money, audit, request log): so its CPU per order is a lower bound, not a target.
 *
 * Environment: YIBAO_BENCH_CONFIG (the platform's config), YIBAO_BENCH_SAMPLES (the plaintext replies
 * and 6302 of the platform's run), DATABASE_URL (without it the statements are skipped: PGlite's cost
 * is in-process and has no floor of this kind).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { openRequest, parseWireObject, sealRequest, sealResponse, stringifyWire, type EnvelopeKeys } from 'yibao/protocol';
import { getTxn, validateTxn } from 'yibao/spec';
import type { YibaoConfig } from '../packages/platform/src/center/config.js';
import type { ProcessStats } from './flow-server.js';

export interface FloorSamples {
  /** Plaintext business data of the platform's replies (and of its 6302), by transaction. */
  '6201': Record<string, unknown>;
  '6202': Record<string, unknown>;
  '6301': Record<string, unknown>;
  '6302': Record<string, unknown>;
}

const config = JSON.parse(readFileSync(process.env.YIBAO_BENCH_CONFIG!, 'utf8')) as YibaoConfig;
const samples = JSON.parse(readFileSync(process.env.YIBAO_BENCH_SAMPLES!, 'utf8')) as FloorSamples;
const app = config.apps![0]!;
const keys: EnvelopeKeys = { appId: app.appId, appSecret: app.appSecret, privateKey: config.platform!.privateKey, peerPublicKey: app.publicKey! };
const notify = new URL(app.notifyUrl!);

const pool = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : undefined;
const counts = { statements: 0, transactions: 0 };
const statement = { name: 'floor', text: 'SELECT $1::text AS v' };

async function statements(n: number, value: string, inTransaction: boolean): Promise<void> {
  counts.transactions++;
  counts.statements += n;
  if (!pool) return;
  if (!inTransaction) {
    for (let i = 0; i < n; i++) await pool.query({ ...statement, values: [value] });
    return;
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (let i = 0; i < n; i++) await client.query({ ...statement, values: [value] });
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function deliver(payOrdId: string): void {
  const body = stringifyWire(sealRequest({ ...samples['6302'], payOrdId }, keys));
  const req = http.request(
    { host: notify.hostname, port: notify.port, path: notify.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) } },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        parseWireObject(Buffer.concat(chunks).toString('utf8'), 'ack');
        void statements(1, payOrdId, false);
      });
    },
  );
  req.on('error', () => {});
  req.end(body);
}

const byPath = new Map(['6201', '6202', '6301'].map((txn) => [getTxn(txn).path!, txn as '6201' | '6202' | '6301']));
const id = () => randomBytes(10).toString('hex').toUpperCase();

async function handle(txn: '6201' | '6202' | '6301', text: string): Promise<string> {
  const opened = openRequest(text, keys);
  const issues = validateTxn(txn, 'input', opened.plainData);
  if (issues.length > 0) throw new Error(issues[0]!.message);
  let data: Record<string, unknown>;
  if (txn === '6201') {
    const payOrdId = `ORD${id()}`;
    await statements(4, payOrdId, true);
    data = { ...samples['6201'], payOrdId, payToken: id() };
  } else {
    const payOrdId = String(opened.plainData.payOrdId);
    await statements(txn === '6202' ? 6 : 1, payOrdId, txn === '6202');
    data = { ...samples[txn], payOrdId };
    if (txn === '6202') deliver(payOrdId);
  }
  return stringifyWire(sealResponse({ code: '0', message: '成功', success: true, data }, keys));
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const reply = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.url === '/sandbox/auth') return reply(200, JSON.stringify({ payAuthNo: `AU${id()}`, ecToken: `EC${id()}` }));
    const txn = byPath.get(req.url ?? '');
    if (!txn) return reply(404, '{}');
    handle(txn, body).then(
      (text) => reply(200, text),
      (err: unknown) => reply(500, String(err)),
    );
  });
});

function stats(): ProcessStats {
  const u = process.cpuUsage();
  return { pid: process.pid, ...counts, cpuMicros: u.user + u.system, systemMicros: u.system };
}

process.on('message', (m: { type?: string; id?: number }) => {
  if (m?.type === 'stats') process.send!({ type: 'stats', id: m.id, stats: [stats()] });
});
process.on('SIGTERM', () => {
  server.close();
  agent.destroy();
  void (pool?.end() ?? Promise.resolve()).then(() => process.exit(0));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}`, pids: [process.pid] });
});
