import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, scanAndUpload } from '../helpers/flow.js';
import { createApiToken, createOperator, login, revokeApiToken, LOCKOUT } from '../../packages/platform/src/center/operators.js';

/** An address nothing listens on: a port the OS gave us, closed again. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/his/notify`;
}

describe.each(storeKinds)('operator API tokens, roles, order search, callback causes and /metrics on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  const logLines: string[] = [];
  let viewerToken = '';
  let operatorToken = '';
  let hanging: Server | undefined;

  const get = (path: string, token?: string) => fetch(`${t.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const post = (path: string, token: string, body: unknown) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestPlatform(kind, {}, undefined, { logLines });
    const store = t.platform.deps.store;
    await createOperator(store, { name: 'wang.viewer', role: 'viewer', password: 'viewer-password-1' });
    await createOperator(store, { name: 'li.operator', role: 'operator', password: 'operator-password-1' });
    viewerToken = (await createApiToken(store, 'wang.viewer', 'test')).token;
    operatorToken = (await createApiToken(store, 'li.operator', 'test')).token;
  });
  afterAll(async () => {
    hanging?.close();
    await t?.close();
  });

  it('per-operator tokens: viewer reads, cannot act (403); the legacy operatorToken still works and says it is deprecated; a revoked token is refused', async () => {
    expect((await get('/admin/orders')).status).toBe(401);
    expect((await get('/admin/orders', 'ybo_forged')).status).toBe(401);
    const v = await get('/admin/orders', viewerToken);
    expect(v.status).toBe(200);
    expect(v.headers.get('deprecation')).toBeNull();
    const refused = await post('/admin/callbacks/1/resend', viewerToken, { reason: 'x' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toMatch(/权限不足.*operator/);
    const legacy = await get('/admin/orders', 'operator-test-token');
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('deprecation')).toBe('true');
    const extra = await createApiToken(t.platform.deps.store, 'wang.viewer', 'short-lived');
    expect((await get('/admin/orders', extra.token)).status).toBe(200);
    await revokeApiToken(t.platform.deps.store, extra.id, new Date());
    expect((await get('/admin/orders', extra.token)).status).toBe(401);
  });

  it('orders by ID number and by name through the keyed hash (exact; clear values never stored for search, masked in answers); unknown filters are 400', async () => {
    const u = await scanAndUpload(t, LISI);
    const find = async (q: string) => {
      const r = await get(`/admin/orders?medOrgOrd=${u.upload.medOrgOrd}&${q}`, viewerToken);
      expect(r.status).toBe(200);
      return ((await r.json()) as { orders: Array<{ payOrdId: string; idNo: string; userName: string }> }).orders;
    };
    const byId = await find(`idNo=${LISI.idNo}`);
    expect(byId.map((o) => o.payOrdId)).toEqual([u.payOrdId]);
    expect(byId[0]!.idNo).not.toBe(LISI.idNo);
    expect(byId[0]!.userName).toBe('李*');
    expect(await find(`idNo=${encodeURIComponent(` ${LISI.idNo.toLowerCase()} `)}`)).toHaveLength(1);
    expect(await find(`userName=${encodeURIComponent(LISI.userName)}`)).toHaveLength(1);
    expect(await find(`userName=${encodeURIComponent('张三')}`)).toHaveLength(0);
    expect(await find(`idNo=${LISI.idNo.slice(0, -1)}0`)).toHaveLength(0);
    // The name typed into the ID field never matches (domain-separated hashes).
    expect(await find(`idNo=${encodeURIComponent(LISI.userName)}`)).toHaveLength(0);
    const rows = await t.platform.deps.store.query<Record<string, string>>('SELECT * FROM order_search WHERE pay_ord_id = $1', [u.payOrdId]);
    expect(JSON.stringify(rows)).not.toContain(LISI.idNo);
    expect(rows[0]!.id_no_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const bad of ['idNumber=1', 'foo=bar', 'name=x']) {
      const r = await get(`/admin/orders?${bad}`, viewerToken);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { message: string }).message).toMatch(/不支持的查询条件/);
    }
    expect((await get('/admin/orders?payOrdId=' + u.payOrdId, viewerToken)).status).toBe(200);
  });

  it('a refused connection is recorded as ECONNREFUSED; when retries run out: warn log, metric; resend (reason required, audited) goes to the corrected notifyUrl', async () => {
    const app = t.platform.center.app(t.app.config.appId)!;
    const original = app.notifyUrl!;
    const dead = await deadUrl();
    app.notifyUrl = dead;
    let payOrdId = '';
    try {
      const u = await scanAndUpload(t, LISI);
      payOrdId = u.payOrdId;
      await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
      const cb = await until(async () => {
        const l = await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`);
        return l.json.callbacks[0]?.status === 'RETRIES_EXCEEDED' ? l.json.callbacks[0] : undefined;
      });
      const detail = await t.admin(`/admin/callbacks/${cb.id}`);
      for (const a of detail.json.attemptsHistory) expect(a.error).toMatch(/^ECONNREFUSED：连接被拒绝/);
      expect(detail.json.url).toBe(dead);
      const warn = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'callback retries exhausted' && l.payOrdId === u.payOrdId);
      expect(warn).toMatchObject({ level: 40, callbackId: cb.id, cause: 'ECONNREFUSED', attempts: 5 });
      const metrics = await (await get('/metrics', viewerToken)).text();
      expect(metrics).toMatch(/yibao_callback_attempts_total\{call_type="02",outcome="exhausted",cause="ECONNREFUSED"\} [1-9]/);
      expect(metrics).toMatch(/yibao_callback_backlog\{status="RETRIES_EXCEEDED"\} [1-9]/);

      // The operator corrects the app's notifyUrl, then resends.
      app.notifyUrl = original;
      const noReason = await post(`/admin/callbacks/${cb.id}/resend`, operatorToken, { reason: '  ' });
      expect(noReason.status).toBe(400);
      const ok = await post(`/admin/callbacks/${cb.id}/resend`, operatorToken, { reason: '医院已修正回调地址' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true, id: cb.id, url: original });
      await t.receiver.waitForOrder(u.payOrdId);
      const [audit] = await t.platform.deps.store.query<{ actor: string; action: string; reason: string; detail: { url: string; previousUrl: string } }>(
        "SELECT actor, action, reason, detail FROM audit_log WHERE action = 'callback.resend' AND target = $1",
        [u.payOrdId],
      );
      expect(audit).toMatchObject({ actor: 'li.operator', action: 'callback.resend', reason: '医院已修正回调地址', detail: { url: original, previousUrl: dead } });
    } finally {
      app.notifyUrl = original;
    }
    expect(payOrdId).not.toBe('');
  });

  it('an endpoint that never answers is recorded as a timeout', async () => {
    hanging = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => hanging!.listen(0, '127.0.0.1', r));
    const app = t.platform.center.app(t.app.config.appId)!;
    const original = app.notifyUrl!;
    app.notifyUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/notify`;
    try {
      const u = await scanAndUpload(t, LISI);
      await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
      const attempt = await until(async () => {
        const l = await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`);
        const id = l.json.callbacks[0]?.id;
        if (!id) return undefined;
        const d = await t.admin(`/admin/callbacks/${id}`);
        return d.json.attemptsHistory.find((a: { success: boolean | null }) => a.success === false);
      });
      expect(attempt.error).toMatch(/^timeout：2000 ms 内未收到完整应答/);
      expect(attempt.http_status).toBeNull();
    } finally {
      app.notifyUrl = original;
    }
  });

  it('/metrics: refused without a token, readable with an API token and the legacy token; requests by transaction and code, latency, orders in 14, signature failures per app', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', 'nope')).status).toBe(401);
    // A forged signature: 000102, counted for the app.
    const forged = await t.call('6301', { payOrdId: 'ORD-NONE', orgCodg: t.app.config.orgCodg, idNo: LISI.idNo, idType: '01' }, { mutate: (m) => ({ ...m, signData: Buffer.alloc(64, 1).toString('base64') }) });
    expect(forged.code).toBe('000102');
    const legacy = await get('/metrics', 'operator-test-token');
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await (await get('/metrics', viewerToken)).text();
    expect(text).toMatch(/yibao_requests_total\{txn="6201",code="0"\} [1-9]/);
    expect(text).toMatch(/yibao_requests_total\{txn="6301",code="000102"\} [1-9]/);
    expect(text).toMatch(/yibao_request_duration_seconds_bucket\{le="\+Inf",txn="6202"\} [1-9]/);
    expect(text).toContain(`yibao_signature_failures_total{app_id="${t.app.config.appId}"} 1`);
    expect(text).toMatch(/yibao_orders_abnormal\{age="<1h"\} \d+/);
    expect(text).toMatch(/yibao_callback_backlog\{status="PENDING"\} \d+/);
    expect(text).toMatch(/yibao_statement_jobs\{status="done"\} \d+/);
    expect(logLines.some((l) => l.includes('metric collection failed'))).toBe(false);
    expect(text).toMatch(/yibao_http_request_duration_seconds_count\{method="POST",route="\/admin\/callbacks\/:id\/resend",status="403"\} [1-9]/);
    // The dashboard's count lives in the database (every instance adds its own).
    await t.platform.metrics.flush();
    const [row] = await t.platform.deps.store.query<{ failures: string }>('SELECT failures FROM signature_failures WHERE app_id = $1', [t.app.config.appId]);
    expect(Number(row!.failures)).toBe(1);
  });

  it('lockout: after repeated failures even the right password is refused until the lock ends', async () => {
    const store = t.platform.deps.store;
    await createOperator(store, { name: 'zhao.locked', role: 'viewer', password: 'right-password-1' });
    const now = new Date();
    for (let i = 0; i < LOCKOUT.failures - 1; i++) expect(await login(store, 'zhao.locked', 'wrong-password', now)).toEqual({ ok: false, reason: 'invalid' });
    const locked = await login(store, 'zhao.locked', 'wrong-password', now);
    expect(locked).toMatchObject({ ok: false, reason: 'locked' });
    expect((await login(store, 'zhao.locked', 'right-password-1', now)).ok).toBe(false);
    const later = new Date(now.getTime() + (LOCKOUT.minutes + 1) * 60_000);
    expect((await login(store, 'zhao.locked', 'right-password-1', later)).ok).toBe(true);
    // Unknown names answer as a wrong password does.
    expect(await login(store, 'nobody', 'whatever-password', now)).toEqual({ ok: false, reason: 'invalid' });
    const [row] = await store.query<{ password_hash: string }>("SELECT password_hash FROM operators WHERE name = 'zhao.locked'");
    expect(row!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.password_hash).not.toContain('right-password-1');
  });
});
