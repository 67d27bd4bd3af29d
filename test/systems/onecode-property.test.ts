import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yuanToFen } from '../../packages/yibao/src/spec/money.js';
import { storeKinds } from '../helpers/db.js';
import { LISI, ZHANGSAN, person } from '../helpers/flow.js';
import type { Line } from '../helpers/his.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { clientsFor, DEVICE, faceScan, refused, settleInsuranceFirst, type Clients } from './helpers.js';

/** Items of the default policy's three categories (甲 drug, 乙 exam, 丙 cosmetic) and a lab test. */
const ITEMS = [
  { medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊' },
  { medListCodg: '270300001000000', medListName: '磁共振平扫' },
  { medListCodg: '250101015000000', medListName: '血细胞分析' },
  { medListCodg: 'ZZ0001', medListName: '医用美容项目' },
];

const line = fc.record({
  item: fc.constantFrom(...ITEMS),
  cnt: fc.integer({ min: 1, max: 4 }),
  fen: fc.integer({ min: 1, max: 80_000 }),
});

describe('property: the cash part asked through payCert equals the order\'s ownPayAmt', () => {
  let t: TestPlatform;
  let c: Clients;
  const people = [LISI, ZHANGSAN, person('35010000000000000003'), person('11000000000000000005')];
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
    c = clientsFor(t);
    for (const p of people) await t.post('/sandbox/onecode/signing', { psnNo: p.psnNo, chnlType: 'WX', status: 'ENABLED' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('for any settlement (random bills, people, account use)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 4 }), fc.constantFrom(...people), fc.constantFrom('0', '1'), async (bill, who, acctUsedFlag) => {
        const lines: Line[] = bill.map((l) => ({ ...l.item, cnt: String(l.cnt), pric: (l.fen / 100).toFixed(2) }));
        const face = await faceScan(t, c, who);
        const { paid, up } = await settleInsuranceFirst(c, t, who, face, { lines, acctUsedFlag });
        const own = yuanToFen(paid.ownPayAmt);
        expect(yuanToFen(paid.feeSumamt)).toBe(yuanToFen(paid.fundPay) + yuanToFen(paid.psnAcctPay) + own + yuanToFen(paid.othFeeAmt));
        if (own === 0) {
          expect(paid.ordStas).toBe('6'); // nothing for one-code-pay to collect
          return;
        }
        expect(paid.ordStas).toBe('4');
        const sn = `TS${randomUUID().replace(/-/g, '').slice(0, 24)}`;
        // One fen more or less is not this order's cash part.
        for (const wrong of [own + 1, own - 1].filter((f) => f > 0)) {
          const e = await refused(c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: (wrong / 100).toFixed(2), fixmedinsTrnsSn: sn, ...DEVICE }));
          expect(e.centerMessage).toMatch(/金额不符/);
        }
        const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE });
        const order = await c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: paid.ownPayAmt });
        expect(order.status).toBe('SUCC');
        expect(yuanToFen(order.amount)).toBe(own);
        const q = await c.center.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: face.identity.idNo, userName: face.identity.userName, idType: face.identity.idType });
        expect(q.ordStas).toBe('6');
        expect(q.ownPayAmt).toBe(paid.ownPayAmt);
      }),
      { numRuns: 12 },
    );
  });
});
