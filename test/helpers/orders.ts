import type { NewOrder } from '../../packages/platform/src/center/orders.js';

/** An order as 6201 stores it (state 1 unless told), with ten fee lines in its upload: kilobytes, as in production. */
export function newOrder(payOrdId: string, medOrgOrd: string, ordStas = '1'): NewOrder {
  const feedetailList = Array.from({ length: 10 }, (_, i) => ({
    feedetlSn: `${payOrdId}-${i}`,
    hilistCode: `XA01AAA${String(i).padStart(3, '0')}A001010100001`,
    hilistName: `阿莫西林胶囊（第${i}行）`,
    medListCodg: `MED${i}${payOrdId}`,
    detItemFeeSumamt: '12.50',
    cnt: '1',
    pric: '12.50',
    spec: '0.25g*24粒/盒',
    prodname: '阿莫西林胶囊',
    bilgDeptCodg: 'D001',
    bilgDrName: '张医生',
    feeOcurTime: '2026-11-22 09:30:00',
  }));
  return {
    payOrdId,
    appId: 'A1',
    orgCodg: 'H35010200227',
    orgName: '福州市第一人民医院',
    medOrgOrd,
    psnNo: 'P1',
    idNo: '350102198503120034',
    idType: '01',
    userName: '周大鹏',
    insutype: '310',
    medType: '11',
    insuplcAdmdvs: '350100',
    payToken: `PT${payOrdId}`,
    ordStas,
    feeSumamtFen: 12500,
    fundPayFen: 0,
    psnAcctPayFen: 0,
    ownPayAmtFen: 12500,
    othFeeAmtFen: 0,
    depositFen: 0,
    acctUsedFlag: '0',
    chrgBchno: `CB${payOrdId}`,
    mdtrtId: `MD${payOrdId}`,
    hiRgstSn: `RG${payOrdId}`,
    ecCode: null,
    breakdown: { fundPay: 0 },
    upload: { medOrgOrd, feedetailList, _hash: payOrdId },
  };
}
