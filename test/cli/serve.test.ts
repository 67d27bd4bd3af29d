import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openResponse, sealRequest } from '../../packages/yibao/src/protocol/mobile.js';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { BIN } from '../helpers/cli.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';
import { upload6201 } from '../helpers/his.js';

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: { ...process.env, YIBAO_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => (err += String(c)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err };
}

async function stop(r: Running): Promise<number | null> {
  if (r.child.exitCode !== null) return r.child.exitCode;
  return new Promise((resolve) => {
    r.child.once('exit', (code) => resolve(code));
    r.child.kill('SIGTERM');
  });
}

/** A whole payment with nothing but what sandbox.json gives a HIS developer. */
async function payWithSandboxFile(url: string, sandbox: any) {
  const inst = sandbox.institution;
  const keys = { appId: inst.appId, appSecret: inst.appSecret, privateKey: inst.privateKey, peerPublicKey: sandbox.platform.publicKey };
  const call = async (path: string, data: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body: stringifyWire(sealRequest(data, keys)) });
    return openResponse(await res.text(), keys);
  };
  const who = sandbox.persons.find((p: any) => p.balance !== '0.00');
  const scan = await call(sandbox.paths['6101'], { orgId: inst.orgCodg, businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: who.qrCode });
  expect(scan.code, scan.message).toBe('0');
  const up = upload6201({ orgCodg: inst.orgCodg, psnNo: who.psnNo, idNo: who.idNo, userName: who.userName, insutype: who.insutype, ecToken: String(scan.plainData!.ecToken), lines: [{ medListCodg: 'XJ01CRA086A001010100709', cnt: '2', pric: '35.50' }], medType: '14' });
  const uploaded = await call(sandbox.paths['6201'], up);
  expect(uploaded.code, uploaded.message).toBe('0');
  const auth: any = await (await fetch(`${url}/sandbox/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ psnNo: who.psnNo }) })).json();
  const pay = await call(sandbox.paths['6202'], {
    payAuthNo: auth.payAuthNo,
    payOrdId: uploaded.plainData!.payOrdId,
    payToken: uploaded.plainData!.payToken,
    orgCodg: inst.orgCodg,
    orgBizSer: `S${Date.now()}`,
    chrgBchno: up.chrgBchno,
    feeType: '01',
    mdtrtId: (uploaded.plainData!.extData as any).mdtrtId,
  });
  expect(pay.code, pay.message).toBe('0');
  expect(pay.plainData!.ordStas).toBe('6');
  return pay;
}

describe('yibao serve (the README command, as a developer runs it)', () => {
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running) await stop(r);
  });

  it('starts on PGlite, writes .yibao/sandbox.json, takes a real payment, stops on SIGTERM, keeps its keys across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-serve-'));
    const r = await serve(['--data', join(dir, '.yibao')]);
    running.push(r);
    expect(r.stderr()).toContain('store: pglite, sandbox');
    expect(r.stderr()).toContain('沙箱模式 / SANDBOX MODE');
    const file = join(dir, '.yibao', 'sandbox.json');
    expect(r.stderr()).toContain(file);
    const sandbox = JSON.parse(readFileSync(file, 'utf8'));
    expect(sandbox.platform.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(sandbox.institution).toMatchObject({ orgCodg: expect.any(String), orgName: expect.any(String), appId: expect.any(String), appSecret: expect.any(String), privateKey: expect.stringMatching(/^[0-9a-f]{64}$/), publicKey: expect.stringMatching(/^04/) });
    expect(sandbox.persons.length).toBeGreaterThanOrEqual(4);
    expect(new Set(sandbox.persons.map((p: any) => p.insutype)).size).toBeGreaterThan(1);
    expect(new Set(sandbox.persons.map((p: any) => p.insuAdmdvs)).size).toBeGreaterThan(1);
    for (const p of sandbox.persons) expect(p.qrCode).toBeTruthy();
    expect(sandbox.baseUrl).toBe(r.url);
    await payWithSandboxFile(r.url, sandbox);
    expect(await stop(r)).toBe(0);

    const again = await serve(['--data', join(dir, '.yibao')]);
    running.push(again);
    const second = JSON.parse(readFileSync(file, 'utf8'));
    expect(second.institution.appId).toBe(sandbox.institution.appId);
    expect(second.platform.publicKey).toBe(sandbox.platform.publicKey);
    await payWithSandboxFile(again.url, second); // the data survived the restart, and works
    expect(await stop(again)).toBe(0);
  });

  it('serve --config: its app, persons and policy are the ones served; sandbox.json never pairs that app with an earlier demo key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-cfg-'));
    const data = join(dir, '.yibao');
    const file = join(data, 'sandbox.json');
    expect(await stop(await serve(['--data', data]))).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).institution.privateKey).toMatch(/^[0-9a-f]{64}$/);

    const inst = generateKeyPair();
    const config = {
      sandbox: true,
      apps: [{ appId: 'CFGAPP0000000000000000000000000A', appSecret: 'CFGSECRET00000000000000000000000', publicKey: inst.publicKey, orgCodg: 'H35010200999', orgName: '配置测试医院' }],
      persons: [{ psnNo: '35010000000000000099', idNo: '350102199001010099', idType: '01', userName: '赵配置', gender: '1', birthday: '1990-01-01', insutype: '310', psnType: '1101', insuAdmdvs: '350100', balance: '50.00', qrCode: 'YBEC0135010000000000000099CFG' }],
      // Everything of category A, fully reimbursed from the first fen: the fund pays the whole bill.
      policy: { regions: { default: { insutypes: { default: { medTypes: { default: { deductible: '0.00', cap: '100000.00', ratio: { A: 10000, B: 10000 } } } } } } }, items: {}, categoryByPrefix: { X: 'A' }, defaultCategory: 'A' },
    };
    writeFileSync(join(dir, 'c.json'), JSON.stringify(config));
    const r = await serve(['--config', join(dir, 'c.json'), '--data', data]);
    running.push(r);
    const sandbox = JSON.parse(readFileSync(file, 'utf8'));
    expect(sandbox.institution).toMatchObject({ appId: config.apps[0]!.appId, orgCodg: 'H35010200999', publicKey: inst.publicKey });
    expect(sandbox.institution.privateKey).toBeUndefined();
    expect(sandbox.persons.map((p: { psnNo: string }) => p.psnNo)).toEqual(['35010000000000000099']);
    // The HIS holds its own private key; with it, the configured person pays under the configured policy.
    const pay = await payWithSandboxFile(r.url, { ...sandbox, institution: { ...sandbox.institution, privateKey: inst.privateKey } });
    expect(pay.plainData).toMatchObject({ feeSumamt: '71.00', fundPay: '71.00', psnAcctPay: '0.00', ownPayAmt: '0.00' });
    // The sandbox's stand-in authorisation answers by idNo as well as by psnNo.
    const byId: any = await (await fetch(`${r.url}/sandbox/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idNo: '350102199001010099' }) })).json();
    expect(byId).toMatchObject({ payAuthNo: expect.any(String), ecToken: expect.any(String), qrCode: 'YBEC0135010000000000000099CFG' });
    expect(await stop(r)).toBe(0);
  });

  it('a body over 8 MB gets its 413 answer on every system, not a broken pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-huge-'));
    const r = await serve(['--data', join(dir, '.yibao')]);
    running.push(r);
    // The server reads the rest of the upload before answering: answered mid-upload, a client
    // still writing (another process here, as a HIS is) often got EPIPE instead of the answer.
    const nine = 'x'.repeat(9 * 1024 * 1024);
    const outcomes: string[] = [];
    for (const path of ['/org/local/api/hos/query_order_info', '/fsi/api/fsiIntegratedQueryService/query', '/api/amp/hos/pushMsg', '/terminal/api/trans', '/channel/pay']) {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${r.url}${path}`, { method: 'POST', body: nine }).then(
          async (x) => `${x.status} ${((await x.json()) as { message: string }).message}`,
          (e: Error & { cause?: { code?: string } }) => `${path} ${e.cause?.code ?? e.message}`,
        );
        outcomes.push(res);
      }
    }
    // Each route's own cap (issue 14 point 5: what its transactions can need), all far below 9 MB.
    expect(outcomes.filter((o) => !/^413 报文过大：请求体超过 \d+ (KB|MB)$/.test(o))).toEqual([]);
    // A client announcing 1 GB is answered at once; one that stops sending midway is answered too
    // (the drain gives up after a few seconds), and neither keeps the server from stopping.
    const { port } = new URL(r.url);
    const raw = (head: string, body: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const sock = connect(Number(port), '127.0.0.1', () => sock.write(Buffer.concat([Buffer.from(head), body])));
        let answer = '';
        sock.on('data', (c) => (answer += String(c)));
        sock.on('close', () => resolve(answer));
        sock.on('error', (e) => (answer ? resolve(answer) : reject(e)));
      });
    const path = '/org/local/api/hos/query_order_info';
    const announced = await raw(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 1073741824\r\n\r\n`, Buffer.alloc(1024, 'x'));
    expect(announced).toMatch(/^HTTP\/1\.1 413 [\s\S]*报文过大/);
    const stalled = await raw(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`, Buffer.alloc(9 * 1024 * 1024, 'x'));
    expect(stalled).toMatch(/^HTTP\/1\.1 413 [\s\S]*报文过大/);
    expect(await stop(r)).toBe(0);
  }, 60_000);

  it('a bad config file is refused with one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-badcfg-'));
    const { spawnSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ apps: [{ appId: 'short', appSecret: 'x', orgCodg: 'H', orgName: 'n', publicKey: '04' }] }));
    const r = spawnSync(process.execPath, [BIN, 'serve', '--config', join(dir, 'c.json'), '--data', join(dir, 'd'), '--port', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/apps\[0\]\.appId 至少 16 字节/);
  });

  it('DATABASE_URL runs the same platform on PostgreSQL', async (ctx) => {
    if (!TEST_DATABASE_URL) return ctx.skip('TEST_DATABASE_URL 未设置：PostgreSQL 未测 / not set');
    const schema = `yb_serve_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const u = new URL(TEST_DATABASE_URL!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      const dir = mkdtempSync(join(tmpdir(), 'yibao-pg-'));
      const r = await serve(['--data', join(dir, '.yibao')], { DATABASE_URL: u.toString() });
      running.push(r);
      expect(r.stderr()).toContain('store: postgres');
      expect(existsSync(join(dir, '.yibao', 'pgdata'))).toBe(false);
      await payWithSandboxFile(r.url, JSON.parse(readFileSync(join(dir, '.yibao', 'sandbox.json'), 'utf8')));
      const orders = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.orders`);
      expect(orders.rows[0].n).toBe(1);
      expect(await stop(r)).toBe(0);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });

  it('--workers needs PostgreSQL: on PGlite it is refused with one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-workers-'));
    const { spawnSync } = await import('node:child_process');
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, [BIN, 'serve', '--workers', '2', '--data', join(dir, 'd'), '--port', '0'], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--workers 大于 1 需要 PostgreSQL/);
    const bad = spawnSync(process.execPath, [BIN, 'serve', '--workers', 'many', '--port', '0'], { encoding: 'utf8', env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--workers 应为 1–256 的整数或 auto/);
  });

  it.skipIf(!TEST_DATABASE_URL)('--workers 2 on PostgreSQL: two worker processes behind one port take payments, and stop on SIGTERM', async () => {
    const schema = `yb_serve_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const u = new URL(TEST_DATABASE_URL!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      const dir = mkdtempSync(join(tmpdir(), 'yibao-pg-workers-'));
      const r = await serve(['--data', join(dir, '.yibao'), '--workers', '2'], { DATABASE_URL: u.toString() });
      running.push(r);
      expect(r.stderr()).toContain('store: postgres, 2 workers');
      const children = readFileSync(`/proc/${r.child.pid}/task/${r.child.pid}/children`, 'utf8').trim().split(/\s+/);
      expect(children).toHaveLength(2);
      const sandbox = JSON.parse(readFileSync(join(dir, '.yibao', 'sandbox.json'), 'utf8'));
      // Round-robin: consecutive connections go to alternate workers, so both take part.
      for (let i = 0; i < 2; i++) await payWithSandboxFile(r.url, sandbox);
      const orders = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.orders`);
      expect(orders.rows[0].n).toBe(2);
      // Every worker started (none refused the data directory its primary holds), and all stop at
      // SIGTERM, well before the primary's 30-s kill.
      expect(r.stderr()).not.toMatch(/already running/);
      const stopping = Date.now();
      expect(await stop(r)).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(15_000);
      for (const pid of children) expect(existsSync(`/proc/${pid}`)).toBe(false);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  }, 120_000);
});
