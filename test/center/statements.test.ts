import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../packages/yibao/src/protocol/time.js';
import { backdate } from '../helpers/backdate.js';
import { parseCsv, STATEMENT_COLUMNS } from '../../packages/yibao/src/protocol/statement-csv.js';
import { YibaoClient } from '../../packages/yibao/src/sdk/client.js';
import { storeKinds } from '../helpers/db.js';
import { ORG, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, fen, LISI, payData, queryData, refundData, scanAndUpload, type Uploaded } from '../helpers/flow.js';

/**
 * Daily statements over real HTTP: the flow runs now, then its rows are moved two days back ("it
 * happened the day before yesterday"), a day that has ended and that no start-up run has written.
 */
describe.each(storeKinds)('daily statements on $name', (kind) => {
  let t: TestPlatform;
  let paid: Uploaded;
  let open: Uploaded;
  let date: string;
  let settled: Record<string, unknown>;
  const admin = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${t.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: 'Bearer operator-test-token', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, type: res.headers.get('content-type') };
  };

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    paid = await scanAndUpload(t, LISI);
    const p = await t.call('6202', payData(paid, (await authorise(t, LISI)).payAuthNo));
    expect(p.code, p.message).toBe('0');
    settled = (await t.call('6301', queryData(paid))).data!;
    expect(settled.ordStas).toBe('6');
    const half = (fen(settled.ownPayAmt) / 200).toFixed(2);
    const r = await t.call('6203', refundData(paid, { refdType: 'CASH', total: half, cash: half }));
    expect(r.code, r.message).toBe('0');
    open = await scanAndUpload(t, LISI); // uploaded, never paid
    date = formatDate(new Date(Date.now() - 2 * 86_400_000));
    await backdate(t.platform.deps.store, date);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('an institution downloads its statement in the signed envelope: orders with their day-end state, refunds, summary', async () => {
    const s = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: date });
    expect(s.code, s.message).toBe('0');
    const d = s.data as any;
    expect(d).toMatchObject({ appId: t.app.config.appId, orgCodg: ORG, stmtDate: date, version: '1' });
    const pay = d.lines.find((l: any) => l.type === 'PAY' && l.payOrdId === paid.payOrdId);
    // Day-end state: 10 仅自费部分退款 after the partial cash refund; amounts as 6301 gave them.
    expect(pay).toMatchObject({ status: '10', settled: '1', medOrgOrd: paid.upload.medOrgOrd });
    expect({ fee: fen(pay.feeSumamt), fund: fen(pay.fundPay), acct: fen(pay.psnAcctPay), cash: fen(pay.ownPayAmt) }).toEqual({
      fee: fen(settled.feeSumamt),
      fund: fen(settled.fundPay),
      acct: fen(settled.psnAcctPay),
      cash: fen(settled.ownPayAmt),
    });
    expect(d.lines.find((l: any) => l.payOrdId === open.payOrdId)).toMatchObject({ type: 'PAY', status: '1', settled: '0' });
    const refund = d.lines.find((l: any) => l.type === 'REFUND');
    expect(refund).toMatchObject({ payOrdId: paid.payOrdId, status: 'SUCC' });
    expect(fen(refund.ownPayAmt) * 2).toBe(fen(settled.ownPayAmt));
    expect(d.summary).toMatchObject({ orderCount: '2', settledCount: '1', refundCount: '1' });
    expect(fen(d.summary.settledFundPay)).toBe(fen(settled.fundPay));
    expect(fen(d.summary.netOwnPayAmt)).toBe(fen(settled.ownPayAmt) - fen(refund.ownPayAmt));
  });

  it('is stored and idempotent: the same bytes on every download until regenerated; CSV inside the signature', async () => {
    const a = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: date });
    const b = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: date });
    expect(b.data).toEqual(a.data);
    const rows = await t.platform.deps.store.query('SELECT version FROM statements WHERE app_id = $1', [t.app.config.appId]);
    expect(rows).toEqual([{ version: 1 }]);
    const c = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: date, format: 'CSV' });
    const csv = parseCsv(String(c.data!.csv));
    expect(csv[0]).toEqual([...STATEMENT_COLUMNS]);
    expect(csv.filter((r) => r[1] === paid.payOrdId).map((r) => r[0]).sort()).toEqual(['PAY', 'REFUND']);
    expect(String(c.data!.csv)).toContain('# settledCount,1');
  });

  it('refuses a day not yet ended, an impossible date, another institution, in the envelope with the field', async () => {
    const today = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: formatDate(new Date()) });
    expect(today.code).not.toBe('0');
    expect(today.message).toContain('尚未结束');
    const bad = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: '2024-02-30' });
    expect(bad.code).toBe('000105');
    expect(bad.message).toContain('data.stmtDate');
    const other = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: date }, { app: t.other });
    expect(other.code).toBe('000105');
    expect(other.message).toContain('data.orgCodg');
    const own = await t.call('downloadStatement', { orgCodg: t.other.config.orgCodg, stmtDate: date }, { app: t.other });
    expect(own.code, own.message).toBe('0');
    expect((own.data as any).lines).toEqual([]); // the other institution's orders stay out
  });

  it('the SDK downloads and verifies it; its CSV is built from the signed data', async () => {
    const client = new YibaoClient({ baseUrl: t.url, appId: t.app.config.appId, appSecret: t.app.config.appSecret, privateKey: t.app.keys.privateKey!.toString(), platformPublicKey: t.platformPublicKey, orgCodg: ORG });
    const s = await client.downloadStatement(date);
    expect(s.stmtDate).toBe(date);
    expect(s.lines.some((l) => l.payOrdId === paid.payOrdId)).toBe(true);
    const csv = await client.downloadStatement(date, { format: 'CSV' });
    expect(csv.csv).toContain(paid.payOrdId);
  });

  it('an admin regenerates it (version + 1) with a required reason, audited', async () => {
    const path = `/admin/statements/${t.app.config.appId}/${date}/regenerate`;
    expect((await admin(path, { method: 'POST', body: {} })).status).toBe(400);
    const r = await admin(path, { method: 'POST', body: { reason: '医院反映有一笔退费缺失' } });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ version: 2, generatedBy: 'operatorToken (legacy)' });
    const s = await t.call('downloadStatement', { orgCodg: ORG, stmtDate: date });
    expect((s.data as any).version).toBe('2');
    const audit = await admin('/admin/audit?action=statement.regenerate');
    expect(audit.json.entries[0]).toMatchObject({ actor: 'operatorToken (legacy)', target: `${t.app.config.appId}/${date}`, reason: '医院反映有一笔退费缺失' });
    const list = await admin(`/admin/statements?date=${date}`);
    expect(list.json.statements.find((x: any) => x.appId === t.app.config.appId)).toMatchObject({ version: 2, settledCount: 1 });
    const csv = await admin(`/admin/statements/${t.app.config.appId}/${date}?format=csv`);
    expect(csv.type).toContain('text/csv');
    expect(csv.text).toContain(paid.payOrdId);
    expect((await admin(`/admin/statements?date=${date}&idNo=1`)).status).toBe(400);
  });

  it('operators see the day per institution, insurance type and channel', async () => {
    const r = await admin(`/admin/totals?date=${date}`);
    expect(r.status).toBe(200);
    const row = r.json.settled.find((x: any) => x.orgCodg === ORG);
    expect(row).toMatchObject({ insutype: paid.upload.insutype, count: 1 });
    expect(fen(row.fundPay)).toBe(fen(settled.fundPay));
    expect(r.json.refunded.find((x: any) => x.orgCodg === ORG)).toMatchObject({ count: 1 });
  });

  it('against the FSI core: totals match; a difference is found, listed, and resolved once (audited)', async () => {
    const run = () => admin('/admin/fsi-reconcile', { method: 'POST', body: { date, reason: '日终对账' } });
    const first = await run();
    expect(first.status, first.text).toBe(200);
    expect(first.json.totals.match).toBe(true);
    expect(first.json.totals.center.settledCount).toBe(1);
    expect(first.json.differences).toEqual([]);
    // The core's books say one fen more for this settlement.
    await t.platform.deps.store.query('UPDATE fsi_settlements SET fund_pay_fen = fund_pay_fen + 1 WHERE pay_ord_id = $1', [paid.payOrdId]);
    const second = await run();
    expect(second.json.totals.match).toBe(false);
    expect(second.json.differences).toHaveLength(1);
    const diff = second.json.differences[0];
    expect(diff).toMatchObject({ kind: 'AMOUNT', orgCodg: ORG, resolvedAt: null });
    const resolve = (body: unknown) => admin(`/admin/fsi-reconcile/differences/${diff.id}/resolve`, { method: 'POST', body });
    expect((await resolve({})).status).toBe(400);
    expect((await resolve({ reason: '核心侧已更正' })).status).toBe(200);
    expect((await resolve({ reason: '再次' })).status).toBe(409);
    const open = await admin(`/admin/fsi-reconcile/differences?date=${date}&open=true`);
    expect(open.json.differences).toEqual([]);
    const audit = await admin('/admin/audit?action=fsi-reconcile.resolve');
    expect(audit.json.entries[0]).toMatchObject({ target: String(diff.id), reason: '核心侧已更正', actor: 'operatorToken (legacy)' });
  });
});

describe('statement days and the API description', () => {
  it('a day is the Beijing day: 00:00+08:00 to the next 00:00+08:00; impossible dates are refused', async () => {
    const { dayWindow, previousDay } = await import('../../packages/platform/src/center/statements.js');
    expect(dayWindow('2026-12-01')).toEqual({ from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-01T16:00:00Z') });
    expect(dayWindow('2024-02-30')).toBeUndefined();
    expect(dayWindow('2026-1-1')).toBeUndefined();
    // 2026-12-01 23:30 UTC is already 12-02 in Beijing: the day that ended is 12-01.
    expect(previousDay(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
    expect(previousDay(new Date('2026-12-01T15:59:59Z'))).toBe('2026-11-30');
  });

  it('the OpenAPI document has the download path and the key id header', async () => {
    const { buildOpenApi } = await import('../../packages/yibao/src/spec/openapi.js');
    const doc = buildOpenApi('http://x') as any;
    const op = doc.paths['/org/local/api/hos/yibao/download_statement'].post;
    expect(op.summary).toContain('下载对账单');
    expect(op.responses['200'].headers['x-yibao-key-id']).toBeDefined();
    expect(doc.components.schemas.TdownloadStatementOutput.properties.lines.type).toBe('array');
  });
});
