import { randomUUID } from 'node:crypto';
import { decimalTimesToFen, fenToYuan } from '../spec/money.js';
import { formatDateTime } from '../protocol/time.js';
import type { Txn6201Input } from '../spec/types.generated.js';

/**
 * A realistic outpatient bill as a HIS uploads it in 6201 (every field the spec requires), used by
 * `yibao demo` and `yibao conformance`. Amounts are decimal text; detItemFeeSumamt is cnt × pric
 * rounded half-up to the fen, medfeeSumamt their sum.
 */
export interface DemoLine {
  medListCodg: string;
  medListName: string;
  cnt: string;
  pric: string;
}

export const DEMO_BILL: DemoLine[] = [
  { medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊', cnt: '2', pric: '35.50' },
  { medListCodg: '270300001000000', medListName: '磁共振平扫', cnt: '1', pric: '480.00' },
  { medListCodg: '250101015000000', medListName: '血细胞分析', cnt: '1', pric: '25.00' },
  { medListCodg: 'ZZ0001', medListName: '医用美容项目', cnt: '1', pric: '100.00' },
];

export function demoUpload(p: {
  orgCodg: string;
  psnNo: string;
  idNo: string;
  userName: string;
  idType?: string;
  insutype: string;
  ecToken: string;
  medType?: string;
  acctUsedFlag?: Txn6201Input['acctUsedFlag'];
  lines?: DemoLine[];
}): Txn6201Input {
  const lines = p.lines ?? DEMO_BILL;
  const medType = p.medType ?? '14';
  const chrgBchno = `CB${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const now = formatDateTime();
  const fees = lines.map((l) => decimalTimesToFen(l.cnt, l.pric));
  return {
    orgCodg: p.orgCodg,
    psnNo: p.psnNo,
    insutype: p.insutype,
    medOrgOrd: `MO${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    begntime: now,
    idNo: p.idNo,
    userName: p.userName,
    idType: p.idType ?? '01',
    ecToken: p.ecToken,
    iptOtpNo: `OP${Date.now()}`,
    atddrNo: 'D0001',
    drName: '王医生',
    deptCode: 'NK01',
    deptName: '内科门诊',
    caty: 'A03',
    medType,
    feeType: '01',
    medfeeSumamt: fenToYuan(fees.reduce((a, b) => a + b, 0)),
    acctUsedFlag: p.acctUsedFlag ?? '1',
    diseCodg: 'J06.900',
    diseName: '急性上呼吸道感染',
    psnSetlway: '01',
    chrgBchno,
    pubHospRfomFlag: '0',
    diseinfoList: [
      { diagType: '1', diagSrtNo: '1', diagCode: 'J06.900', diagName: '急性上呼吸道感染', diagDept: '内科门诊', diseDorNo: 'D0001', diseDorName: '王医生', diagTime: now, valiFlag: '1' },
    ],
    feedetailList: lines.map((l, i) => ({
      feedetlSn: `FD${String(i + 1).padStart(4, '0')}`,
      psnNo: p.psnNo,
      chrgBchno,
      rxCircFlag: '0',
      feeOcurTime: now,
      medListCodg: l.medListCodg,
      medinsListCodg: `H-${l.medListCodg}`,
      detItemFeeSumamt: fenToYuan(fees[i]!),
      cnt: l.cnt,
      pric: l.pric,
      bilgDeptCodg: 'NK01',
      bilgDeptName: '内科门诊',
      bilgDrCodg: 'D0001',
      bilgDrName: '王医生',
      hospApprFlag: '1',
      medType,
      medListName: l.medListName,
      medListSpc: '1盒',
    })),
  };
}

/**
 * The test person a demo or a conformance run pays for when none is named: the smallest positive
 * personal-account balance, so that the bill leaves a cash part for the channel to take.
 */
export function personWithCash<P extends { balance?: string }>(persons: readonly P[]): P | undefined {
  return persons.filter((p) => Number(p.balance ?? 0) > 0).sort((a, b) => Number(a.balance) - Number(b.balance))[0];
}
