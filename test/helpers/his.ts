import { randomUUID } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';

/** What a HIS sends, built the way a real one would (all the spec's required fields). */
export interface Line {
  medListCodg: string;
  medListName?: string;
  /** 医疗目录规格, e.g. 8g/片. Default 1盒. */
  medListSpc?: string;
  cnt: string;
  pric: string;
  /** Defaults to cnt × pric rounded half-up to the fen. */
  fee?: string;
}

export function feeOf(cnt: string, pric: string): string {
  // exact: scale both to integers
  const [ci, cf = ''] = cnt.split('.');
  const [pi, pf = ''] = pric.split('.');
  const num = BigInt(ci + cf) * BigInt(pi + pf);
  const scale = cf.length + pf.length; // digits after the point
  // to fen (2 decimals), half up
  const shift = scale - 2;
  let fen: bigint;
  if (shift <= 0) fen = num * 10n ** BigInt(-shift);
  else {
    const d = 10n ** BigInt(shift);
    fen = (num + d / 2n) / d;
  }
  const s = fen.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

export function sumYuan(values: string[]): string {
  const fen = values.reduce((s, v) => s + BigInt(v.replace('.', '')), 0n);
  const s = fen.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

const n = (text: string) => new LosslessNumber(text);

export function upload6201(p: {
  orgCodg: string;
  psnNo: string;
  idNo: string;
  userName: string;
  idType?: string;
  insutype: string;
  ecToken: string;
  lines: Line[];
  medType?: string;
  acctUsedFlag?: string;
  medOrgOrd?: string;
  medfeeSumamt?: string;
}) {
  const chrgBchno = `CB${Date.now()}`;
  const medType = p.medType ?? '11';
  const fees = p.lines.map((l) => l.fee ?? feeOf(l.cnt, l.pric));
  return {
    orgCodg: p.orgCodg,
    psnNo: p.psnNo,
    insutype: p.insutype,
    medOrgOrd: p.medOrgOrd ?? `MO${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    begntime: '2026-11-22 09:30:00',
    idNo: p.idNo,
    userName: p.userName,
    idType: p.idType ?? '01',
    ecToken: p.ecToken,
    iptOtpNo: `OP${Date.now()}`,
    atddrNo: 'D350100001',
    drName: '王医生',
    deptCode: 'NK01',
    deptName: '内科门诊',
    caty: 'A03',
    medType,
    feeType: '01',
    medfeeSumamt: n(p.medfeeSumamt ?? sumYuan(fees)),
    acctUsedFlag: p.acctUsedFlag ?? '1',
    diseCodg: 'J06.900',
    diseName: '急性上呼吸道感染',
    psnSetlway: '01',
    chrgBchno,
    pubHospRfomFlag: '0',
    fetts: n('0'),
    matnType: '',
    diseinfoList: [
      {
        diagType: '1',
        diagSrtNo: n('1'),
        diagCode: 'J06.900',
        diagName: '急性上呼吸道感染',
        diagDept: '内科门诊',
        diseDorNo: 'D350100001',
        diseDorName: '王医生',
        diagTime: '2026-11-22 09:40:00',
        valiFlag: '1',
      },
    ],
    feedetailList: p.lines.map((l, i) => ({
      feedetlSn: `FD${String(i + 1).padStart(4, '0')}`,
      psnNo: p.psnNo,
      chrgBchno,
      rxCircFlag: '0',
      feeOcurTime: '2026-11-22 09:50:00',
      medListCodg: l.medListCodg,
      medinsListCodg: `H-${l.medListCodg}`,
      detItemFeeSumamt: n(fees[i]!),
      cnt: n(l.cnt),
      pric: n(l.pric),
      bilgDeptCodg: 'NK01',
      bilgDeptName: '内科门诊',
      bilgDrCodg: 'D350100001',
      bilgDrName: '王医生',
      hospApprFlag: '1',
      medType,
      medListName: l.medListName ?? `项目${i + 1}`,
      medListSpc: l.medListSpc ?? '1盒',
    })),
  };
}
