import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

/** `yibao demo` and `yibao conformance`, as a developer runs them against `npm start`'s sandbox. */
describe('yibao demo / conformance / bridge / call against a sandbox started by the test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-toolkit-'));
  const sandboxFile = join(dir, '.yibao', 'sandbox.json');
  let server: ChildProcess;
  let url = '';
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });

  beforeAll(async () => {
    server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', join(dir, '.yibao')], { env: { ...process.env, YIBAO_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    url = await new Promise<string>((resolve, reject) => {
      server.stderr!.on('data', (c) => {
        err += String(c);
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      server.on('exit', () => reject(new Error(err)));
    });
  });
  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('yibao demo runs the whole outpatient payment and exits 0; its JSON names every step', async () => {
    const r = run(['demo', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.ok).toBe(true);
    expect(result.baseUrl).toBe(url);
    expect(result.steps.map((s: { step: string }) => s.step)).toEqual(['6101', '6201', 'auth', '6202', '6302', '6301', '6203']);
    expect(result.steps.every((s: { ok: boolean }) => s.ok)).toBe(true);
    const pay = result.steps.find((s: { step: string }) => s.step === '6202').detail;
    const fen = (v: string) => Math.round(Number(v) * 100);
    expect(fen(pay.feeSumamt)).toBe(fen(pay.fundPay) + fen(pay.psnAcctPay) + fen(pay.ownPayAmt) + fen(pay.othFeeAmt));
    // human output: a line per step with the key figures
    const human = run(['demo']);
    expect(human.status).toBe(0);
    // The sandbox app's notifyUrl is back to what it was (none) once the demo is over.
    const sandbox = (await (await fetch(`${url}/sandbox`)).json()) as { apps: Array<{ notifyUrl: string | null }> };
    expect(sandbox.apps[0]!.notifyUrl).toBeNull();
    expect(human.stdout).toMatch(/✔ 6202 支付下单 +费用总额 [\d.]+ = 基金 [\d.]+ \+ 个账 [\d.]+ \+ 现金 [\d.]+/);
    // Each step once (no progress line and then its result line).
    for (const step of ['6101', '6201', '6202', '6302', '6301', '6203']) expect(human.stdout.split('\n').filter((l) => l.includes(` ${step} `)), step).toHaveLength(1);
    // Run again and again: the same figures (the demo refunds what it paid, so the person's account is as before).
    const again = JSON.parse(run(['demo', '--json']).stdout.trim().split('\n').at(-1)!);
    expect(again.steps.find((s: { step: string }) => s.step === '6202').detail).toEqual(pay);
  });

  it('yibao demo --one-code runs 刷脸一码付 先医保后自费 from face scan to the channel notification and exits 0', async () => {
    const r = run(['demo', '--one-code', '--json']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.ok).toBe(true);
    expect(result.steps.map((s: { step: string }) => s.step)).toEqual(['1', '3', 'cn.nhsa.ec.auth', 'cn.nhsa.auth.check', '6201', '6202', 'oneCodeStatus', 'payCert', '14', '15', '6301', 'cn.nhsa.settle.notify']);
    const settle = result.steps.find((s: { step: string }) => s.step === '6202').detail;
    const cert = result.steps.find((s: { step: string }) => s.step === 'payCert').detail;
    const order = result.steps.find((s: { step: string }) => s.step === '14').detail;
    expect(settle.ordStas).toBe('4'); // insurance first, the cash part waits
    // The face's authNo authorises payment (6202's payAuthNo): masked in the report.
    expect(result.steps.find((s: { step: string }) => s.step === 'cn.nhsa.ec.auth').detail.authNo).toMatch(/^.{4}….{4}$/);
    expect(cert.ownPaySetlAmt).toBe(settle.ownPayAmt);
    expect(order.amount).toBe(settle.ownPayAmt);
    expect(result.steps.find((s: { step: string }) => s.step === '6301').detail.ordStas).toBe('6');
    const screen = await (await fetch(`${url}/sandbox/terminal`)).text();
    expect(screen).toContain('结算成功');

    // The channel refuses the next payment: the demo names step 14 and exits 1.
    await fetch(`${url}/sandbox/channels/failures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ op: 'pay', result: 'FAIL', chnlType: 'ALI', count: 1 }) });
    const human = run(['demo', '--one-code']);
    expect(human.status).toBe(1);
    expect(human.stdout, human.stdout + human.stderr).toMatch(/✔ payCert 获取一码付付款凭据/);
    expect(human.stderr).toMatch(/步骤 14 失败.*FAIL/);
  });

  it('yibao demo names the failing step, the code and the message, and exits non-zero', () => {
    const r = run(['demo', '--json', '--private-key', '1'.repeat(64)]); // the center will refuse the signature
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.ok).toBe(false);
    expect(result.failed).toMatchObject({ step: '6101', code: '000102' });
    const human = run(['demo', '--private-key', '1'.repeat(64)]);
    expect(human.status).toBe(1);
    expect(human.stderr).toMatch(/步骤 6101 失败.*000102/);
    // No center at the address: the first step, named, with the transport's code.
    const nowhere = run(['demo', '--base-url', 'http://127.0.0.1:59997']);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toMatch(/步骤 sandbox 失败.*ECONNREFUSED.*无法连接/);
  });

  it('yibao demo shows the center\'s own message when 6202 answers another state (15: the channel refused the cash)', async () => {
    const inject = await fetch(`${url}/sandbox/channels/failures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ op: 'pay', result: 'FAIL', count: 1 }) });
    expect(inject.status).toBe(200);
    const r = spawnSync(process.execPath, [BIN, 'demo', '--json'], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.failed).toMatchObject({ step: '6202', code: 'ordStas=15' });
    expect(result.failed.message).toMatch(/订单状态 15，未结算完成：.*自费/);
  });

  it('yibao conformance: every check passes against the sandbox; table and JSON report', () => {
    const report = join(dir, 'report.json');
    const r = run(['conformance', '--report', report]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/\| check +\| result \| detail \|/);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.summary.failed).toBe(0);
    expect(json.summary.skipped).toBe(0);
    expect(json.checks.length).toBeGreaterThanOrEqual(20);
    for (const id of ['signature.reply', 'signature.badRequest', 'encryption.reply', 'replay.sameSignature', 'required.6201', 'happy.6202', 'money.6202', 'happy.6203']) {
      expect(json.checks.find((c: { id: string }) => c.id === id)?.status, id).toBe('pass');
    }
    // Progress as it goes (stderr, one line per check), and without --report no file anywhere.
    expect(r.stderr.split('\n').filter((l) => /^[✔✘-] \S+ /.test(l)).length).toBe(json.checks.length);
    const before = readdirSync(dir).sort();
    const plain = run(['conformance']);
    expect(plain.status, plain.stdout).toBe(0);
    expect(plain.stdout).not.toMatch(/report/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('yibao conformance reports failures against a center with the wrong platform key (exit 1)', () => {
    const other = JSON.parse(run(['keys', 'sm2']).stdout);
    const r = run(['conformance', '--platform-public-key', other.publicKey, '--report', join(dir, 'bad.json')]);
    expect(r.status).toBe(1);
    const json = JSON.parse(readFileSync(join(dir, 'bad.json'), 'utf8'));
    const status = (id: string) => json.checks.find((c: { id: string }) => c.id === id).status;
    expect(status('signature.reply')).toBe('fail');
    // Nothing verified, so nothing can be shown to be covered: skipped, never passed.
    expect(status('signature.coversCode')).toBe('skip');
    // encData present is not enough: it must open with the keys given.
    expect(status('encryption.reply')).toBe('fail');
  });

  it('yibao call sends one transaction and prints the opened reply', () => {
    const sandbox = JSON.parse(readFileSync(sandboxFile, 'utf8'));
    const p = sandbox.persons[0];
    writeFileSync(join(dir, 'q.json'), JSON.stringify({ orgId: sandbox.institution.orgCodg, businessType: '01101', operatorId: 'O', operatorName: 'O', officeId: 'K', officeName: 'K', ecQrCode: p.qrCode }));
    const r = run(['call', '6101', '--file', join(dir, 'q.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: '0', data: { idNo: p.idNo, insuOrg: p.insuAdmdvs } });
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ payOrdId: 'ORD-X', orgCodg: sandbox.institution.orgCodg, payToken: 'T', idNo: 'I', userName: 'U', idType: '01' }));
    const biz = run(['call', '6301', '--file', join(dir, 'bad.json')]);
    expect(biz.status).toBe(1);
    expect(JSON.parse(biz.stdout)).toMatchObject({ code: '-1' });
    const unknown = run(['call', '9999', '--file', join(dir, 'q.json')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/未知交易/);
    for (const other of ['pushMsg', '6302']) {
      const r2 = run(['call', other, '--file', join(dir, 'q.json')]);
      expect(r2.status).toBe(2);
      expect(r2.stderr).toMatch(/只发送移动支付中心交易/);
    }
  });

  it('call and conformance work from anywhere with every credential as a flag, no sandbox file needed', () => {
    const sandbox = JSON.parse(readFileSync(sandboxFile, 'utf8'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'yibao-nofile-'));
    const keyFile = join(elsewhere, 'k.txt');
    writeFileSync(keyFile, sandbox.institution.privateKey);
    const creds = ['--base-url', url, '--app-id', sandbox.institution.appId, '--app-secret', sandbox.institution.appSecret, '--private-key', keyFile, '--platform-public-key', sandbox.platform.publicKey, '--org-codg', sandbox.institution.orgCodg];
    const p = sandbox.persons[0];
    writeFileSync(join(elsewhere, 'q.json'), JSON.stringify({ orgId: sandbox.institution.orgCodg, businessType: '01101', operatorId: 'O', operatorName: 'O', officeId: 'K', officeName: 'K', ecQrCode: p.qrCode }));
    const call = spawnSync(process.execPath, [BIN, 'call', '6101', '--file', join(elsewhere, 'q.json'), ...creds], { encoding: 'utf8', cwd: elsewhere, timeout: 60_000 });
    expect(call.status, call.stderr).toBe(0);
    // Exactly the flags of the README and docs/toolkit.md (no --org-codg: the sandbox knows the appId's institution).
    const documented = creds.slice(0, -2);
    const conf = spawnSync(process.execPath, [BIN, 'conformance', '--report', join(elsewhere, 'r.json'), ...documented], { encoding: 'utf8', cwd: elsewhere, timeout: 120_000 });
    expect(conf.stderr).not.toMatch(/找不到沙箱文件/);
    expect(conf.status, conf.stdout + conf.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(elsewhere, 'r.json'), 'utf8')).summary).toMatchObject({ failed: 0, skipped: 0 });
    // demo too: the sandbox itself names the appId's institution and its persons.
    for (const mode of [[], ['--one-code']]) {
      const demo = spawnSync(process.execPath, [BIN, 'demo', ...mode, '--json', ...documented], { encoding: 'utf8', cwd: elsewhere, timeout: 120_000 });
      expect(demo.status, demo.stdout + demo.stderr).toBe(0);
      expect(JSON.parse(demo.stdout.trim().split('\n').at(-1)!).ok).toBe(true);
    }
  });

  it('yibao bridge, as a HIS runs it: listens, answers the MobileTrans JSON, stops on SIGTERM with exit 0', async () => {
    const sandbox = JSON.parse(readFileSync(sandboxFile, 'utf8'));
    const bridge = spawn(process.execPath, [BIN, 'bridge', '--port', '0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const bridgeUrl = await new Promise<string>((resolve, reject) => {
      bridge.stderr!.on('data', (c) => {
        err += String(c);
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      bridge.on('exit', () => reject(new Error(err)));
    });
    const p = sandbox.persons[0];
    const res = await fetch(bridgeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { serverAddr: `${url}/org/local/api/hos/decode_ec_qrcode`, appId: sandbox.institution.appId, appKey: sandbox.institution.appSecret, encryptType: 'SM4', signType: 'SM2', timestamp: '2026-11-23 10:00:00', version: '2.0.1', orgId: sandbox.institution.orgCodg, businessType: '01101', operatorId: 'O', operatorName: 'O', officeId: 'K', officeName: 'K', ecQrCode: p.qrCode },
        orgId: sandbox.institution.orgCodg,
      }),
    });
    expect(await res.json()).toMatchObject({ code: 0, message: '成功', orgId: sandbox.institution.orgCodg, data: { idNo: p.idNo } });
    const code = await new Promise<number | null>((resolve) => {
      bridge.once('exit', (c) => resolve(c));
      bridge.kill('SIGTERM');
    });
    expect(code).toBe(0);
    // Without a sandbox file, the refusal names both ways to give it its apps.
    const alone = spawnSync(process.execPath, [BIN, 'bridge', '--port', '0'], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'yibao-nobridge-')), timeout: 30_000 });
    expect(alone.status).toBe(2);
    expect(alone.stderr.trim().split('\n')).toHaveLength(1);
    expect(alone.stderr).toMatch(/--sandbox.*--config/);
  });

  it('/docs is a browsable page; the OpenAPI 3 document and the Apifox/Postman collection come from the catalogue', async () => {
    const html = await (await fetch(`${url}/docs`)).text();
    expect(html).toContain('6201 费用明细上传');
    expect(html).toContain('feedetailList[].pric');
    const oas = (await (await fetch(`${url}/docs/openapi.json`)).json()) as any;
    expect(oas.openapi).toMatch(/^3\./);
    expect(Object.keys(oas.paths)).toEqual(expect.arrayContaining(['/org/local/api/hos/uldFeeInfo', '/org/local/api/hos/pay_order', '/org/local/api/hos/refund_Order', '/org/local/api/hos/query_order_info', '/org/local/api/hos/revoke_order', '/org/local/api/hos/medBankPay', '/org/local/api/hos/decode_ec_qrcode']));
    // Each operation's body shows its transaction's fields (envelope data), not only the envelope.
    const body6201 = oas.paths['/org/local/api/hos/uldFeeInfo'].post.requestBody.content['application/json'].schema;
    expect(body6201.allOf[1].properties.data.$ref).toBe('#/components/schemas/T6201Input');
    const t6201 = oas.components.schemas.T6201Input;
    expect(t6201.required).toContain('psnNo');
    expect(t6201.properties.feedetailList.items.properties.pric).toMatchObject({ type: 'number', 'x-decimal': { precision: 16, scale: 6 }, multipleOf: 0.000001 });
    // multipleOf exactly 10^-scale (10 ** -4 is 0.00009999999999999999, which strict validators fail)
    expect(t6201.properties.feedetailList.items.properties.cnt.multipleOf).toBe(0.0001);
    expect(oas.components.schemas.T6203Input.properties.refdType.enum).toEqual(['ALL', 'CASH', 'HI']);
    const postman = (await (await fetch(`${url}/docs/postman.json`)).json()) as any;
    expect(postman.info.schema).toContain('v2.1.0');
    expect(postman.item.map((f: { name: string }) => f.name)).toEqual(['移动支付中心（信封）', '经 yibao bridge（明文）']);
    expect(postman.item[1].item.length).toBeGreaterThanOrEqual(7);
  });
});
