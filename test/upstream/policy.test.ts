import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categoryOf, computeSettlement, DEFAULT_POLICY, resolvePolicy } from '../../packages/platform/src/upstream/index.js';
import type { FeeLine, ItemCategory, PolicyConfig, SettlementInput } from '../../packages/platform/src/upstream/types.js';
import { decimalTimesToFen, fenToYuan } from '../../packages/yibao/src/spec/money.js';

const line = (sn: string, medListCodg: string, cnt: string, pric: string): FeeLine => ({ feedetlSn: sn, medListCodg, cnt, pric, detItemFeeSumamtFen: decimalTimesToFen(cnt, pric) });

const input = (lines: FeeLine[], over: Partial<SettlementInput> = {}): SettlementInput => ({ psnNo: 'P', insutype: '310', medType: '11', admdvs: '350100', lines, acctUsedFlag: '1', ...over });

const simple: PolicyConfig = {
  regions: { default: { insutypes: { default: { bSelfPayRatio: 1000, medTypes: { default: { deductible: '0.00', cap: '100000.00', ratio: { A: 8000, B: 6000 } } } } } } },
  items: { LIMITED: { category: 'B', priceLimit: '10.00' } },
  categoryByPrefix: { A: 'A', AB: 'B', B: 'B' },
  defaultCategory: 'C',
};
const rich = { balanceFen: 1_000_000, ytdFundFen: 0, ytdDeductibleFen: 0 };

describe('reimbursement policy', () => {
  it('the worked example of docs/policy.md, number by number', () => {
    const r = computeSettlement(
      DEFAULT_POLICY,
      input([
        line('FD0001', 'XJ01CRA086A001010100709', '2', '35.5'),
        line('FD0002', '270300001000000', '1', '480.00'),
        line('FD0003', '250101015000000', '1', '25.000000'),
        line('FD0004', 'ZZ0001', '1.0000', '100'),
      ]),
      { balanceFen: 20_000, ytdFundFen: 585_000, ytdDeductibleFen: 50_000 },
    );
    expect(r.lines.map((l) => [l.category, l.feeFen, l.fulamtOwnpayFen, l.overlmtSelfpayFen, l.preselfpayFen, l.inscpFen, l.deductibleFen, l.ratio])).toEqual([
      ['A', 7100, 0, 0, 0, 7100, 7100, 7500],
      ['B', 48000, 0, 3000, 4500, 40500, 12900, 6500],
      ['A', 2500, 0, 0, 0, 2500, 0, 7500],
      ['C', 10000, 10000, 0, 0, 0, 0, 0],
    ]);
    expect(r).toMatchObject({
      medfeeSumamtFen: 67600,
      fulamtOwnpayAmtFen: 10000,
      overlmtSelfpayFen: 3000,
      preselfpayAmtFen: 4500,
      inscpScpAmtFen: 50100,
      deductibleFen: 20000,
      fundPayFen: 15000,
      psnAcctPayFen: 20000,
      ownPayAmtFen: 32600,
      othFeeAmtFen: 0,
      capReached: true,
      balanceAfterFen: 0,
    });
    // without the cap the fund would have been 198.15, as the doc says
    expect(computeSettlement(DEFAULT_POLICY, input(r.lines.map((l, i) => line(l.feedetlSn, ['XJ01CRA086A001010100709', '270300001000000', '250101015000000', 'ZZ0001'][i]!, ['2', '1', '1', '1.0000'][i]!, ['35.5', '480.00', '25.000000', '100'][i]!))), { balanceFen: 20_000, ytdFundFen: 0, ytdDeductibleFen: 50_000 }).fundPayFen).toBe(19815);
  });

  it('categories: item, longest prefix, default; regions and types fall back to default', () => {
    expect(categoryOf(simple, 'LIMITED')).toBe('B');
    expect(categoryOf(simple, 'A123')).toBe('A');
    expect(categoryOf(simple, 'AB123')).toBe('B');
    expect(categoryOf(simple, 'Q1')).toBe('C');
    expect(resolvePolicy(DEFAULT_POLICY, '999999', '310', '99').medType.deductible).toBe('1800.00');
    expect(resolvePolicy(DEFAULT_POLICY, '350100', '310', '11').medType.deductible).toBe('700.00');
  });

  it('丙类 is all self-paid; the price limit and 乙类先行自付 take their parts', () => {
    const c = computeSettlement(simple, input([line('1', 'Q1', '1', '50')]), rich);
    expect([c.fulamtOwnpayAmtFen, c.fundPayFen, c.psnAcctPayFen]).toEqual([5000, 0, 5000]);
    const b = computeSettlement(simple, input([line('1', 'LIMITED', '2', '12.50')]), rich); // 25.00, limit 20.00
    expect([b.overlmtSelfpayFen, b.preselfpayAmtFen, b.inscpScpAmtFen, b.fundPayFen]).toEqual([500, 200, 1800, 1080]);
  });

  it('deductible partly and fully consumed; the cap; the account bounded by its balance; acctUsedFlag 0', () => {
    const p: PolicyConfig = { ...simple, regions: { default: { insutypes: { default: { medTypes: { default: { deductible: '100.00', cap: '50.00', ratio: { A: 10000, B: 10000 } } } } } } } };
    const partial = computeSettlement(p, input([line('1', 'A1', '1', '80')]), { ...rich, ytdDeductibleFen: 0 });
    expect([partial.deductibleFen, partial.fundPayFen]).toEqual([8000, 0]);
    const rest = computeSettlement(p, input([line('1', 'A1', '1', '80')]), { ...rich, ytdDeductibleFen: 8000 });
    expect([rest.deductibleFen, rest.fundPayFen, rest.capReached]).toEqual([2000, 5000, true]);
    const poor = computeSettlement(simple, input([line('1', 'Q1', '1', '50')]), { ...rich, balanceFen: 1234 });
    expect([poor.psnAcctPayFen, poor.ownPayAmtFen]).toEqual([1234, 3766]);
    const noAcct = computeSettlement(simple, input([line('1', 'Q1', '1', '50')], { acctUsedFlag: '0' }), rich);
    expect([noAcct.psnAcctPayFen, noAcct.ownPayAmtFen]).toEqual([0, 5000]);
    const inscpOnly: PolicyConfig = { ...simple, regions: { default: { insutypes: { default: { acctScope: 'inscp', medTypes: { default: { deductible: '0.00', cap: '999.00', ratio: { A: 5000, B: 5000 } } } } } } } };
    const scoped = computeSettlement(inscpOnly, input([line('1', 'A1', '1', '10'), line('2', 'Q1', '1', '10')]), rich);
    expect([scoped.fundPayFen, scoped.psnAcctPayFen, scoped.ownPayAmtFen]).toEqual([500, 500, 1000]);
  });

  const cat = fc.constantFrom<ItemCategory>('A', 'B', 'C');
  const decimal = (intMax: number, frac: number) =>
    fc.tuple(fc.integer({ min: 0, max: intMax }), fc.integer({ min: 0, max: 10 ** frac - 1 })).map(([i, f]) => (frac === 0 ? String(i) : `${i}.${String(f).padStart(frac, '0')}`));
  const yuan = fc.integer({ min: 0, max: 5_000_000 }).map((f) => fenToYuan(f));
  const policyArb = fc.record({
    deductible: yuan,
    cap: yuan,
    a: fc.integer({ min: 0, max: 10000 }),
    b: fc.integer({ min: 0, max: 10000 }),
    bSelf: fc.integer({ min: 0, max: 10000 }),
    scope: fc.constantFrom<'all' | 'inscp'>('all', 'inscp'),
    limit: decimal(500, 2),
  });
  const linesArb = fc.array(fc.tuple(cat, decimal(999, 4), decimal(9999, 6), fc.boolean()), { minLength: 1, maxLength: 30 });

  it('property: for any bill, policy and account the money invariant holds, amounts are ≥ 0 and bounded, and the result is deterministic', () => {
    fc.assert(
      fc.property(policyArb, linesArb, fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom('0', '1'), (pp, ls, balance, ytdFund, ytdDed, flag) => {
        const policy: PolicyConfig = {
          regions: { default: { insutypes: { default: { bSelfPayRatio: pp.bSelf, acctScope: pp.scope, medTypes: { default: { deductible: pp.deductible, cap: pp.cap, ratio: { A: pp.a, B: pp.b } } } } } } },
          items: { LIM: { category: 'B', priceLimit: pp.limit }, LIMA: { category: 'A', priceLimit: pp.limit } },
          categoryByPrefix: { A: 'A', B: 'B' },
          defaultCategory: 'C',
        };
        const lines = ls.map(([c, cnt, pric, limited], i) => line(`L${i}`, limited && c !== 'C' ? (c === 'A' ? 'LIMA' : 'LIM') : `${c}${i}`, cnt, pric));
        const acct = { balanceFen: balance, ytdFundFen: ytdFund, ytdDeductibleFen: ytdDed };
        const r = computeSettlement(policy, input(lines, { acctUsedFlag: flag }), acct);
        const fee = lines.reduce((s, l) => s + l.detItemFeeSumamtFen, 0);
        expect(r.medfeeSumamtFen).toBe(fee);
        expect(r.fundPayFen + r.psnAcctPayFen + r.ownPayAmtFen + r.othFeeAmtFen).toBe(r.medfeeSumamtFen);
        for (const v of [r.fundPayFen, r.psnAcctPayFen, r.ownPayAmtFen, r.othFeeAmtFen, r.inscpScpAmtFen, r.deductibleFen]) {
          expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        }
        expect(r.fundPayFen).toBeLessThanOrEqual(r.inscpScpAmtFen);
        expect(r.inscpScpAmtFen).toBeLessThanOrEqual(fee);
        expect(r.psnAcctPayFen).toBeLessThanOrEqual(balance);
        if (flag === '0') expect(r.psnAcctPayFen).toBe(0);
        expect(r.fulamtOwnpayAmtFen + r.overlmtSelfpayFen + r.preselfpayAmtFen + r.inscpScpAmtFen).toBe(fee);
        expect(computeSettlement(policy, input(lines, { acctUsedFlag: flag }), acct)).toEqual(r);
      }),
      { numRuns: 400 },
    );
  });
});
