import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { LosslessNumber } from 'lossless-json';
import { DEFAULT_PERSONS } from '../../packages/platform/src/upstream/persons.js';
import type { PersonConfig } from '../../packages/platform/src/upstream/types.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import type { TestApp, TestPlatform } from './platform.js';
import { upload6201, type Line } from './his.js';

export const person = (psnNo: string): PersonConfig => DEFAULT_PERSONS.find((p) => p.psnNo === psnNo)!;
/** 李四: 职工退休, 厦门 (default region policy), balance 35.60: fund, account and cash all non-zero. */
export const LISI = person('35020000000000000002');
export const ZHANGSAN = person('35010000000000000001');

export const BILL: Line[] = [
  { medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊', cnt: '2', pric: '35.5' },
  { medListCodg: '270300001000000', medListName: '磁共振平扫', cnt: '1', pric: '480.00' },
  { medListCodg: '250101015000000', medListName: '血细胞分析', cnt: '1', pric: '25.000000' },
  { medListCodg: 'ZZ0001', medListName: '医用美容项目', cnt: '1.0000', pric: '100' },
];

export const n = (t: string) => new LosslessNumber(t);
export const fen = (yuan: unknown) => Math.round(Number(yuan) * 100);

export interface Uploaded {
  payOrdId: string;
  payToken: string;
  mdtrtId: string;
  chrgBchno: string;
  upload: ReturnType<typeof upload6201>;
  ecToken: string;
}

/** 6101 (QR → ecToken) then 6201, as a HIS does. */
export async function scanAndUpload(t: TestPlatform, who: PersonConfig, opts: { app?: TestApp; lines?: Line[]; medType?: string; acctUsedFlag?: string; medOrgOrd?: string } = {}): Promise<Uploaded> {
  const app = opts.app ?? t.app;
  const scan = await t.call(
    '6101',
    { orgId: app.config.orgCodg, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科', ecQrCode: who.qrCode },
    { app },
  );
  expect(scan.code, scan.message).toBe('0');
  const ecToken = String(scan.data!.ecToken);
  const upload = upload6201({
    orgCodg: app.config.orgCodg,
    psnNo: who.psnNo,
    idNo: String(scan.data!.idNo),
    userName: String(scan.data!.userName),
    insutype: who.insutype,
    ecToken,
    lines: opts.lines ?? BILL,
    medType: opts.medType ?? '14',
    acctUsedFlag: opts.acctUsedFlag ?? '1',
    ...(opts.medOrgOrd ? { medOrgOrd: opts.medOrgOrd } : {}),
  });
  const r = await t.call('6201', upload, { app });
  expect(r.code, r.message).toBe('0');
  const ext = r.data!.extData as Record<string, unknown>;
  return { payOrdId: String(r.data!.payOrdId), payToken: String(r.data!.payToken), mdtrtId: String(ext.mdtrtId), chrgBchno: upload.chrgBchno, upload, ecToken };
}

export async function authorise(t: TestPlatform, who: PersonConfig, orgCodg?: string): Promise<{ payAuthNo: string; ecToken: string }> {
  const r = await t.post('/sandbox/auth', { psnNo: who.psnNo, ...(orgCodg ? { orgCodg } : {}) });
  expect(r.status).toBe(200);
  return r.json;
}

export function payData(u: Uploaded, payAuthNo: string, extra: Record<string, unknown> = {}) {
  return {
    payAuthNo,
    payOrdId: u.payOrdId,
    payToken: u.payToken,
    orgCodg: u.upload.orgCodg,
    orgBizSer: `BS${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    chrgBchno: u.chrgBchno,
    feeType: '01',
    mdtrtId: u.mdtrtId,
    ...extra,
  };
}

export function queryData(u: Uploaded) {
  return { payOrdId: u.payOrdId, orgCodg: u.upload.orgCodg, payToken: u.payToken, idNo: u.upload.idNo, userName: u.upload.userName, idType: '01' };
}

export function refundData(u: Uploaded, p: { refdType: 'ALL' | 'CASH' | 'HI'; total: string; cash: string; fund?: string; acct?: string; ecToken?: string; appRefdSn?: string }) {
  return {
    payOrdId: u.payOrdId,
    appRefdSn: p.appRefdSn ?? `RS${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    appRefdTime: formatCompact(),
    totlRefdAmt: n(p.total),
    ...(p.fund !== undefined ? { fundRefdAmt: n(p.fund) } : {}),
    ...(p.acct !== undefined ? { psnAcctRefdAmt: n(p.acct) } : {}),
    cashRefdAmt: n(p.cash),
    ecToken: p.ecToken ?? u.ecToken,
    refdType: p.refdType,
  };
}

export async function balanceFen(t: TestPlatform, psnNo: string): Promise<number> {
  const rows = await t.platform.deps.store.query<{ balance_fen: number }>('SELECT balance_fen FROM psn_accounts WHERE psn_no = $1', [psnNo]);
  return rows[0]!.balance_fen;
}
