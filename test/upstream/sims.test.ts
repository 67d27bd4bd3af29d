import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimUpstreams, DEFAULT_PERSONS } from '../../packages/platform/src/upstream/index.js';
import { UpstreamError } from '../../packages/platform/src/upstream/types.js';
import type { Store } from '../../packages/platform/src/store/store.js';
import { storeKinds } from '../helpers/db.js';

const person = DEFAULT_PERSONS[0]!; // 张三, 2000.00
const lines = [{ feedetlSn: '1', medListCodg: 'XJ01CRA086A001010100709', cnt: '10', pric: '100', detItemFeeSumamtFen: 100_000 }];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(UpstreamError);
    return (e as UpstreamError).code;
  }
}

describe.each(storeKinds)('simulated upstreams on $name', (kind) => {
  let store: Store;
  const up = createSimUpstreams({ persons: DEFAULT_PERSONS, ecTokenTtlMs: 60_000, payAuthNoTtlMs: 30_000 });
  const now = new Date();
  beforeAll(async () => {
    store = await kind.open();
    await up.seed(store);
  });
  afterAll(async () => {
    await store?.close();
  });
  const account = async () => (await store.query<Record<string, number>>('SELECT balance_fen, ytd_fund_fen, ytd_deductible_fen, ytd_medfee_fen FROM psn_accounts WHERE psn_no = $1', [person.psnNo]))[0]!;

  /** 2201 registration, then 2204 fee upload of the lines. */
  const openVisit = async () => {
    const visit = await store.transaction((tx) => up.fsi.register({ tx, now }, { psnNo: person.psnNo, orgCodg: 'H1', medType: '11', insutype: '310' }));
    await store.transaction((tx) => up.fsi.uploadFees({ tx, now }, { mdtrtId: visit.mdtrtId, lines }));
    return visit;
  };

  it('FSI: fee upload (2204) classifies the lines; settlement settles exactly what was uploaded', async () => {
    const visit = await store.transaction((tx) => up.fsi.register({ tx, now }, { psnNo: person.psnNo, orgCodg: 'H1', medType: '11', insutype: '310' }));
    const input = { psnNo: person.psnNo, insutype: '310', medType: '11', admdvs: '350100', lines, acctUsedFlag: '1', payOrdId: 'ORD-U1', mdtrtId: visit.mdtrtId };
    expect(await code(store.transaction((tx) => up.fsi.settle({ tx, now }, input)))).toBe('FEES_NOT_UPLOADED');
    const uploaded = await store.transaction((tx) => up.fsi.uploadFees({ tx, now }, { mdtrtId: visit.mdtrtId, lines }));
    expect(uploaded.lines.map((l) => l.feedetlSn)).toEqual(lines.map((l) => l.feedetlSn));
    expect(uploaded.lines.every((l) => ['A', 'B', 'C'].includes(l.chrgitmLv))).toBe(true);
    expect(await code(store.transaction((tx) => up.fsi.uploadFees({ tx, now }, { mdtrtId: visit.mdtrtId, lines: [lines[0]!] })))).toBe('FEE_DUPLICATE');
    const changed = lines.map((l, i) => (i === 0 ? { ...l, detItemFeeSumamtFen: l.detItemFeeSumamtFen + 1 } : l));
    expect(await code(store.transaction((tx) => up.fsi.settle({ tx, now }, { ...input, lines: changed })))).toBe('FEES_MISMATCH');
    await store.transaction((tx) => up.fsi.cancelVisit({ tx, now }, { mdtrtId: visit.mdtrtId }));
    expect(await code(store.transaction((tx) => up.fsi.uploadFees({ tx, now }, { mdtrtId: visit.mdtrtId, lines })))).toBe('VISIT_CLOSED');
  });

  it('FSI: register + upload + pre-settle in one call (6201) gives what the three calls give; the visit takes later uploads as 2204 does', async () => {
    const before = await account();
    const input = { psnNo: person.psnNo, insutype: '310', medType: '11', admdvs: '350100', lines, acctUsedFlag: '1' };
    const r = await store.transaction((tx) => up.fsi.registerUploadPreSettle!({ tx, now }, { ...input, orgCodg: 'H1' }));
    expect(r.breakdown).toEqual(await store.transaction((tx) => up.fsi.preSettle({ tx, now }, input)));
    expect(await account()).toEqual(before); // pre-settlement changes nothing
    // Refusals as the separate calls give them, and nothing written.
    expect(await code(store.transaction((tx) => up.fsi.registerUploadPreSettle!({ tx, now }, { ...input, orgCodg: 'H1', lines: [lines[0]!, lines[0]!] })))).toBe('FEE_DUPLICATE');
    expect(await code(store.transaction((tx) => up.fsi.registerUploadPreSettle!({ tx, now }, { ...input, orgCodg: 'H1', insutype: '390' })))).toBe('INSUTYPE_MISMATCH');
    expect(await code(store.transaction((tx) => up.fsi.registerUploadPreSettle!({ tx, now }, { ...input, orgCodg: 'H1', psnNo: 'NOBODY' })))).toBe('PSN_NOT_FOUND');
    // The lines are the visit's: uploading one again is refused, a new one is appended, settlement settles them.
    expect(await code(store.transaction((tx) => up.fsi.uploadFees({ tx, now }, { mdtrtId: r.mdtrtId, lines: [lines[0]!] })))).toBe('FEE_DUPLICATE');
    const more = { ...lines[0]!, feedetlSn: '2', cnt: '1', detItemFeeSumamtFen: 10_000 };
    await store.transaction((tx) => up.fsi.uploadFees({ tx, now }, { mdtrtId: r.mdtrtId, lines: [more] }));
    const s = await store.transaction((tx) => up.fsi.settle({ tx, now }, { ...input, lines: [...lines, more], payOrdId: 'ORD-C1', mdtrtId: r.mdtrtId }));
    expect(s.medfeeSumamtFen).toBe(110_000);
    await store.transaction((tx) => up.fsi.reverseSettlement({ tx, now }, { hiDocSn: s.hiDocSn }));
    expect(await account()).toEqual(before);
  });

  it('FSI: settle debits and accumulates; reverse restores exactly; double settle/reverse refused', async () => {
    const before = await account();
    const visit = await openVisit();
    const input = { psnNo: person.psnNo, insutype: '310', medType: '11', admdvs: '350100', lines, acctUsedFlag: '1', payOrdId: 'ORD-S1', mdtrtId: visit.mdtrtId };
    const pre = await store.transaction((tx) => up.fsi.preSettle({ tx, now }, input));
    expect(await account()).toEqual(before); // pre-settlement changes nothing
    const s = await store.transaction((tx) => up.fsi.settle({ tx, now }, input));
    expect(s.fundPayFen).toBe(pre.fundPayFen);
    const after = await account();
    expect(after.balance_fen).toBe(before.balance_fen - s.psnAcctPayFen);
    expect(after.ytd_fund_fen).toBe(before.ytd_fund_fen + s.fundPayFen);
    expect(after.ytd_deductible_fen).toBe(before.ytd_deductible_fen + s.deductibleFen);
    expect(after.ytd_medfee_fen).toBe(before.ytd_medfee_fen + 100_000);
    expect(await code(store.transaction((tx) => up.fsi.settle({ tx, now }, input)))).toBe('ALREADY_SETTLED');
    await store.transaction((tx) => up.fsi.reverseSettlement({ tx, now }, { hiDocSn: s.hiDocSn }));
    expect(await account()).toEqual(before);
    expect(await code(store.transaction((tx) => up.fsi.reverseSettlement({ tx, now }, { hiDocSn: s.hiDocSn })))).toBe('NOT_SETTLED');
  });

  it('FSI: the deductible carries across settlements of one year; a new year starts again', async () => {
    const visit = await openVisit();
    const mk = (id: string) => ({ psnNo: person.psnNo, insutype: '310', medType: '11', admdvs: '350100', lines, acctUsedFlag: '0', payOrdId: id, mdtrtId: visit.mdtrtId });
    await store.query('UPDATE psn_accounts SET ytd_deductible_fen = 0, ytd_fund_fen = 0 WHERE psn_no = $1', [person.psnNo]);
    const first = await store.transaction((tx) => up.fsi.settle({ tx, now }, mk('ORD-Y1')));
    const second = await store.transaction((tx) => up.fsi.settle({ tx, now }, mk('ORD-Y2')));
    expect(first.deductibleFen).toBe(70_000); // 福州 职工 普通门诊 起付线 700.00
    expect(second.deductibleFen).toBe(0);
    expect(second.fundPayFen).toBeGreaterThan(first.fundPayFen);
    await store.query('UPDATE psn_accounts SET year = year - 1 WHERE psn_no = $1', [person.psnNo]);
    const nextYear = await store.transaction((tx) => up.fsi.settle({ tx, now }, mk('ORD-Y3')));
    expect(nextYear.deductibleFen).toBe(70_000);
  });

  it('FSI: concurrent settlements of one person never overdraw the account', async () => {
    await store.query('UPDATE psn_accounts SET balance_fen = 50000 WHERE psn_no = $1', [person.psnNo]);
    const visit = await openVisit();
    const runs = Array.from({ length: 5 }, (_, i) =>
      store.transaction((tx) => up.fsi.settle({ tx, now }, { psnNo: person.psnNo, insutype: '310', medType: '11', admdvs: '350100', lines, acctUsedFlag: '1', payOrdId: `ORD-C${i}`, mdtrtId: visit.mdtrtId })),
    );
    const results = await Promise.all(runs);
    const total = results.reduce((s, r) => s + r.psnAcctPayFen, 0);
    expect(total).toBe(50_000);
    expect((await account()).balance_fen).toBe(0);
  });

  it('FSI: 1101 person info by psnNo or certno; mismatches named', async () => {
    const info = await store.transaction((tx) => up.fsi.getPersonInfo({ tx, now }, { certno: person.idNo, psnCertType: '01', psnName: person.userName }));
    expect(info.baseinfo).toMatchObject({ psn_no: person.psnNo, certno: person.idNo, psn_name: person.userName, gend: '1', brdy: '1985-03-12' });
    expect(info.insuinfo[0]).toMatchObject({ insutype: '310', insu_admdvs: '350100' });
    expect(await code(store.transaction((tx) => up.fsi.getPersonInfo({ tx, now }, { certno: person.idNo, psnName: '王五' })))).toBe('PSN_MISMATCH');
    const missing = store.transaction((tx) => up.fsi.getPersonInfo({ tx, now }, { certno: '110101199001011234' }));
    await expect(missing).rejects.toThrow(/1101\*+1234/); // masked, never the full ID number
  });

  it('e-voucher: QR → ecToken; expired, foreign and wrong idNo refused; payAuthNo single use', async () => {
    const id = await store.transaction((tx) => up.evoucher.decodeQrCode({ tx, now }, { qrCode: person.qrCode, orgId: 'H1', businessType: '01101' }));
    expect(id).toMatchObject({ idNo: person.idNo, userName: person.userName, insuOrg: '350100', psnNo: person.psnNo });
    const check = (p: { ecToken: string; orgCodg?: string; idNo?: string }, at = now) => code(store.transaction((tx) => up.evoucher.checkEcToken({ tx, now: at }, p)));
    expect(await check({ ecToken: id.ecToken, orgCodg: 'H1', idNo: person.idNo })).toBe('ok');
    expect(await check({ ecToken: id.ecToken }, new Date(now.getTime() + 60_001))).toBe('EC_TOKEN_EXPIRED');
    expect(await check({ ecToken: id.ecToken, orgCodg: 'H2' })).toBe('EC_TOKEN_FOREIGN');
    expect(await check({ ecToken: id.ecToken, idNo: DEFAULT_PERSONS[1]!.idNo })).toBe('EC_TOKEN_FOREIGN');
    expect(await check({ ecToken: 'nope' })).toBe('EC_TOKEN_INVALID');
    expect(await code(store.transaction((tx) => up.evoucher.decodeQrCode({ tx, now }, { qrCode: 'bad', orgId: 'H1', businessType: '01101' })))).toBe('EC_QRCODE_INVALID');
    const auth = await store.transaction((tx) => up.evoucher.issuePayAuthNo({ tx, now }, { psnNo: person.psnNo, orgCodg: 'H1' }));
    const use = (psnNo: string, at = now) => code(store.transaction((tx) => up.evoucher.checkPayAuthNo({ tx, now: at }, { payAuthNo: auth.payAuthNo, psnNo, orgCodg: 'H1' })));
    expect(await use(DEFAULT_PERSONS[1]!.psnNo)).toBe('PAY_AUTH_FOREIGN');
    expect(await use(person.psnNo, new Date(now.getTime() + 30_001))).toBe('PAY_AUTH_EXPIRED');
    expect(await use(person.psnNo)).toBe('ok');
    await store.transaction((tx) => up.evoucher.consumePayAuthNo({ tx, now }, auth.payAuthNo));
    expect(await use(person.psnNo)).toBe('PAY_AUTH_USED');
  });

  it('channels: success, injected FAIL/EXP with a count, refund bound, idempotent out numbers, statement', async () => {
    const ctx = (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) => ({ tx, now });
    const pay = (out: string, amountFen = 1000) => store.transaction((tx) => up.channels.pay(ctx(tx), { chnlType: 'WX', payOrdId: 'ORD-CH', orgCodg: 'HCH', amountFen, outTradeNo: out }));
    expect((await pay('P1')).status).toBe('SUCC');
    expect((await pay('P1')).tradeNo).toBe((await pay('P1')).tradeNo);
    up.channels.addFailure({ op: 'pay', result: 'EXP', amount: '7.77', count: 1 });
    expect((await pay('P2', 777)).status).toBe('EXP');
    expect((await pay('P3', 777)).status).toBe('SUCC');
    const refund = (out: string, amountFen: number) => store.transaction((tx) => up.channels.refund(ctx(tx), { chnlType: 'WX', payOrdId: 'ORD-CH', orgCodg: 'HCH', amountFen, outRefundNo: out }));
    up.channels.addFailure({ op: 'refund', result: 'FAIL', count: 1 });
    expect((await refund('R1', 100)).status).toBe('FAIL');
    expect((await refund('R2', 1777)).status).toBe('SUCC');
    expect((await refund('R3', 1)).status).toBe('FAIL'); // nothing left
    const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(now);
    const st = await store.transaction((tx) => up.channels.statement(ctx(tx), { orgCodg: 'HCH', date: day }));
    expect(st.filter((l) => l.kind === 'PAY' && l.status === 'SUCC').reduce((s, l) => s + l.amountFen, 0)).toBe(1777);
    up.channels.clearFailures();
  });
});
