import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { keyId, KEY_ID_HEADER } from '../../packages/yibao/src/protocol/key-id.js';
import { formatDate } from '../../packages/yibao/src/protocol/time.js';
import { openPostgresStore } from '../../packages/platform/src/store/postgres.js';
import { YibaoClient } from '../../packages/yibao/src/sdk/client.js';
import { storeKinds } from '../helpers/db.js';
import { CallbackReceiver, startTestPlatform, type TestApp, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, scanAndUpload } from '../helpers/flow.js';

/**
 * Apps and keys managed through the admin API, on two platform instances sharing one database (on
 * PostgreSQL each with its own connection pool): what is changed on A takes effect on B without a
 * restart. appsCacheMs: 0 makes B check the version on every request, so no test waits on a timer.
 */
describe.each(storeKinds)('apps and keys without a restart on $name', (kind) => {
  let a: TestPlatform & { reuse: any };
  let b: TestPlatform;
  let secondStore: { close(): Promise<void> } | undefined;
  const past = formatDate(new Date(Date.now() - 3 * 86_400_000));

  const admin = async (t: TestPlatform, path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: 'Bearer operator-test-token', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const statement = (t: TestPlatform, app: TestApp) => t.call('downloadStatement', { orgCodg: app.config.orgCodg, stmtDate: past }, { app });

  beforeAll(async () => {
    a = await startTestPlatform(kind, { appsCacheMs: 0 });
    let reuse = a.reuse;
    if (kind.name === 'postgres') {
      const own = await openPostgresStore((a.reuse.store as { databaseUrl: string }).databaseUrl);
      secondStore = own;
      reuse = { ...a.reuse, store: own };
    }
    b = await startTestPlatform(kind, { appsCacheMs: 0 }, reuse);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await secondStore?.close();
    await a?.close();
  });

  it('an app created on A serves on B; a reason is required and the change is audited', async () => {
    const pair = generateKeyPair();
    const body = { orgCodg: 'H35040000004', orgName: '新接入医院', publicKey: pair.publicKey, notifyUrl: 'https://his.example.cn/notify' };
    expect((await admin(a, '/admin/apps', 'POST', body)).status).toBe(400);
    const created = await admin(a, '/admin/apps', 'POST', { ...body, reason: '新机构接入' });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const { appId } = created.json.app;
    const appSecret: string = created.json.appSecret;
    expect(JSON.stringify(created.json.app)).not.toContain(appSecret); // views show a fingerprint only
    expect(created.json.app.appSecretId).toMatch(/^[0-9A-F]{8}$/);
    expect((await admin(a, '/admin/apps', 'POST', { ...body, idNo: '1', reason: 'x' })).status).toBe(400);
    const app: TestApp = { config: { appId, appSecret, orgCodg: body.orgCodg, orgName: body.orgName }, keys: { appId, appSecret, privateKey: pair.privateKey } };
    const r = await statement(b, app);
    expect(r.code, r.message).toBe('0');
    const audit = await admin(b, `/admin/audit?action=app.create&target=${appId}`);
    expect(audit.json.entries[0]).toMatchObject({ actor: 'operatorToken (legacy)', reason: '新机构接入' });
    expect((await admin(a, '/admin/apps', 'POST', { ...body, appId, reason: 'x' })).status).toBe(409);
    expect((await admin(a, '/admin/apps', 'POST', { ...body, notifyUrl: 'not a url', reason: 'x' })).status).toBe(400);
  });

  it('a notifyUrl changed on A is where B sends the next callback', async () => {
    const moved = await new CallbackReceiver(() => ({ ...a.app.keys, peerPublicKey: a.platformPublicKey })).start();
    try {
      const patched = await admin(a, `/admin/apps/${a.app.config.appId}`, 'PATCH', { notifyUrl: moved.url, reason: '医院更换回调地址' });
      expect(patched.status, JSON.stringify(patched.json)).toBe(200);
      expect((await admin(a, `/admin/apps/${a.app.config.appId}`, 'PATCH', { appSecret: 'x', reason: 'x' })).status).toBe(400);
      const u = await scanAndUpload(b, LISI);
      const paid = await b.call('6202', payData(u, (await authorise(b, LISI)).payAuthNo));
      expect(paid.code, paid.message).toBe('0');
      await moved.waitForOrder(u.payOrdId);
      expect(a.receiver.received.some((r) => r.data.payOrdId === u.payOrdId)).toBe(false);
    } finally {
      await admin(a, `/admin/apps/${a.app.config.appId}`, 'PATCH', { notifyUrl: a.receiver.url, reason: '恢复' });
      await moved.close();
    }
  });

  it('an app disabled on A is refused on B (-8, 应用已停用), and enabled again', async () => {
    expect((await admin(a, `/admin/apps/${a.other.config.appId}/disable`, 'POST', { reason: '合同到期' })).status).toBe(200);
    const refused = await statement(b, a.other);
    expect(refused.code).toBe('-8');
    expect(refused.message).toContain('已停用');
    expect((await admin(a, `/admin/apps/${a.other.config.appId}/enable`, 'POST', { reason: '续约' })).status).toBe(200);
    expect((await statement(b, a.other)).code).toBe('0');
  });

  it('public key rotation: old and new keys both verify during the overlap; after it only the new one', async () => {
    const old = a.other;
    const next = generateKeyPair();
    const withNew: TestApp = { config: old.config, keys: { ...old.keys, privateKey: next.privateKey } };
    expect((await statement(b, withNew)).code).toBe('000102');
    const rotated = await admin(a, `/admin/apps/${old.config.appId}/keys`, 'POST', { publicKey: next.publicKey, overlapHours: 24, reason: '年度换钥' });
    expect(rotated.status, JSON.stringify(rotated.json)).toBe(200);
    expect(rotated.json.app.publicKeyId).toBe(keyId(next.publicKey));
    expect((await statement(b, withNew)).code).toBe('0');
    expect((await statement(b, old)).code).toBe('0');
    // A second rotation without overlap retires every earlier key at once.
    const third = generateKeyPair();
    expect((await admin(a, `/admin/apps/${old.config.appId}/keys`, 'POST', { publicKey: third.publicKey, overlapHours: 0, reason: '密钥泄露' })).status).toBe(200);
    expect((await statement(b, withNew)).code).toBe('000102');
    expect((await statement(b, { config: old.config, keys: { ...old.keys, privateKey: third.privateKey } })).code).toBe('0');
    const audit = await admin(a, `/admin/audit?action=app.key.rotate&target=${old.config.appId}`);
    expect(audit.json.entries.map((e: any) => e.reason)).toEqual(['密钥泄露', '年度换钥']);
  });

  it('appSecret rotation: answers are sealed with the secret the request used; after the overlap the old one fails', async () => {
    const app = a.limited;
    const r = await admin(a, `/admin/apps/${app.config.appId}/secret`, 'POST', { overlapHours: 2, reason: '定期更换' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const fresh: string = r.json.appSecret;
    expect(fresh).not.toBe(app.config.appSecret);
    const withFresh: TestApp = { config: { ...app.config, appSecret: fresh }, keys: { ...app.keys, appSecret: fresh } };
    expect((await statement(b, app)).code).toBe('0'); // opened with the old secret (t.call opens the answer with it)
    expect((await statement(b, withFresh)).code).toBe('0');
    expect((await admin(a, `/admin/apps/${app.config.appId}/secret`, 'POST', { appSecret: 'NEWSECRET0123456789', overlapHours: 0, reason: '立即更换' })).status).toBe(200);
    const old = await statement(b, withFresh).catch((e: Error) => e);
    expect(old instanceof Error ? old.message : (old as any).code).toMatch(/000102|签名|解密/);
  });

  it('answers name the platform key that signed them; the SDK holding several keys picks by id', async () => {
    const res = await fetch(`${b.url}/org/local/api/hos/query_order_info`, { method: 'POST', body: '{}' });
    expect(res.headers.get(KEY_ID_HEADER)).toBe(keyId(b.platformPublicKey));
    const stranger = generateKeyPair().publicKey;
    const opts = { baseUrl: b.url, appId: a.app.config.appId, appSecret: a.app.config.appSecret, privateKey: String(a.app.keys.privateKey), orgCodg: a.app.config.orgCodg };
    const both = new YibaoClient({ ...opts, platformPublicKey: [stranger, b.platformPublicKey] });
    expect((await both.downloadStatement(past)).stmtDate).toBe(past);
    const wrong = new YibaoClient({ ...opts, platformPublicKey: [stranger] });
    await expect(wrong.downloadStatement(past)).rejects.toMatchObject({ type: 'signature' });
  });

  it('a day is written once across instances', async () => {
    const day = formatDate(new Date(Date.now() - 5 * 86_400_000));
    const [x, y] = await Promise.all([a.platform.statements.runDay(day), b.platform.statements.runDay(day)]);
    expect([x.ran, y.ran].filter(Boolean)).toHaveLength(1);
    const jobs = await a.platform.deps.store.query<{ instance: string }>('SELECT instance FROM statement_jobs WHERE stmt_date = $1::date', [day]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.instance).toBe((x.ran ? a : b).platform.statements.instance);
    const rows = await a.platform.deps.store.query<{ version: number }>('SELECT version FROM statements WHERE stmt_date = $1::date', [day]);
    expect(rows.length).toBe((await admin(a, '/admin/apps')).json.apps.length);
    expect(rows.every((r) => Number(r.version) === 1)).toBe(true);
    expect((await a.platform.statements.runDay(day)).ran).toBe(false);
  });
});

describe.each(storeKinds)('the config file seeds the apps on $name', (kind) => {
  it('inserts new apps; an unchanged entry keeps operators\' edits; an edited entry is applied again', async () => {
    const { seedApps, loadApps, updateApp } = await import('../../packages/platform/src/center/apps.js');
    const store = await kind.open();
    try {
      const pair = generateKeyPair();
      const entry = { appId: 'SEEDAPP000000000000000000000001', appSecret: 'SEEDSECRET0000000000', publicKey: pair.publicKey, orgCodg: 'H1', orgName: '医院', notifyUrl: 'https://his/a' };
      await seedApps(store, [entry]);
      await updateApp(store, entry.appId, { notifyUrl: 'https://his/b' }, { actor: 'alice', reason: '改地址' });
      await seedApps(store, [entry]); // a restart with the same file
      expect((await loadApps(store)).find((a) => a.appId === entry.appId)!.notifyUrl).toBe('https://his/b');
      await seedApps(store, [{ ...entry, orgName: '医院（新名）' }]); // the file was edited
      const after = (await loadApps(store)).find((a) => a.appId === entry.appId)!;
      expect(after).toMatchObject({ orgName: '医院（新名）', notifyUrl: 'https://his/a', disabled: false });
      // Dropped from the file: disabled; named again: the file's entry, enabled.
      await seedApps(store, []);
      expect((await loadApps(store)).find((a) => a.appId === entry.appId)!.disabled).toBe(true);
      await seedApps(store, [entry]);
      expect((await loadApps(store)).find((a) => a.appId === entry.appId)).toMatchObject({ disabled: false, orgName: '医院' });
    } finally {
      await store.close();
    }
  });
});
