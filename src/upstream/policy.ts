import { decimalTimesToFen, yuanToFen } from 'yibao/spec';
import type { InsutypePolicy, ItemCategory, LineBreakdown, MedTypePolicy, PolicyConfig, SettlementBreakdown, SettlementInput } from './types.js';

/**
 * The reimbursement policy of the simulated FSI core (docs/policy.md): deterministic, integer fen,
 * one documented rounding. The inputs and outputs are the fields 6201/6202/6301 carry
 * (fulamtOwnpayAmt, overlmtSelfpay, preselfpayAmt, inscpScpAmt, fundPay, psnAcctPay, ownPayAmt, othFeeAmt).
 */
export interface AccountState {
  balanceFen: number;
  ytdFundFen: number;
  ytdDeductibleFen: number;
}

const DEFAULT_B_SELF_PAY_RATIO = 1000; // 10%

function pick<T>(table: Record<string, T>, key: string, what: string): T {
  const v = table[key] ?? table.default;
  if (v === undefined) throw new Error(`policy: no ${what} for ${key} and no default`);
  return v;
}

export function resolvePolicy(policy: PolicyConfig, admdvs: string, insutype: string, medType: string): { insutype: InsutypePolicy; medType: MedTypePolicy } {
  const region = pick(policy.regions, admdvs, 'region');
  const ins = pick(region.insutypes, insutype, 'insutype');
  return { insutype: ins, medType: pick(ins.medTypes, medType, 'medType') };
}

/** 医保目录 category: the item's own, else the longest matching prefix, else the default. */
export function categoryOf(policy: PolicyConfig, medListCodg: string): ItemCategory {
  const item = policy.items?.[medListCodg];
  if (item) return item.category;
  let best: { len: number; cat: ItemCategory } | undefined;
  for (const [prefix, cat] of Object.entries(policy.categoryByPrefix ?? {})) {
    if (medListCodg.startsWith(prefix) && (!best || prefix.length > best.len)) best = { len: prefix.length, cat };
  }
  return best?.cat ?? policy.defaultCategory;
}

/** Half-up integer division of a non-negative numerator. */
function divRound(num: bigint, den: bigint): bigint {
  return (num * 2n + den) / (2n * den);
}

export function computeSettlement(policy: PolicyConfig, input: SettlementInput, account: AccountState): SettlementBreakdown {
  const rules = resolvePolicy(policy, input.admdvs, input.insutype, input.medType);
  const bRatio = BigInt(rules.insutype.bSelfPayRatio ?? DEFAULT_B_SELF_PAY_RATIO);
  let deductibleLeft = Math.max(0, yuanToFen(rules.medType.deductible) - account.ytdDeductibleFen);
  const lines: LineBreakdown[] = [];
  let fundNumerator = 0n; // Σ (inscp − deductible) × ratio, in fen × 1/10000
  for (const l of input.lines) {
    const category = categoryOf(policy, l.medListCodg);
    const fee = l.detItemFeeSumamtFen;
    let fulamt = 0;
    let overlmt = 0;
    let preselfpay = 0;
    if (category === 'C') {
      fulamt = fee; // 丙类：全自费
    } else {
      const limit = policy.items?.[l.medListCodg]?.priceLimit;
      if (limit !== undefined) {
        const allowed = decimalTimesToFen(l.cnt, limit);
        overlmt = Math.min(fee, Math.max(0, fee - allowed)); // 超限价自付
      }
      if (category === 'B') preselfpay = Number(divRound(BigInt(fee - overlmt) * bRatio, 10000n)); // 乙类先行自付
    }
    const inscp = fee - fulamt - overlmt - preselfpay; // 政策范围内
    const deductible = Math.min(inscp, deductibleLeft); // 起付线, consumed in upload order
    deductibleLeft -= deductible;
    const ratio = category === 'C' ? 0 : rules.medType.ratio[category];
    fundNumerator += BigInt(inscp - deductible) * BigInt(ratio);
    lines.push({ feedetlSn: l.feedetlSn, category, feeFen: fee, fulamtOwnpayFen: fulamt, overlmtSelfpayFen: overlmt, preselfpayFen: preselfpay, inscpFen: inscp, deductibleFen: deductible, ratio });
  }
  const sum = (f: (l: LineBreakdown) => number) => lines.reduce((s, l) => s + f(l), 0);
  const medfee = sum((l) => l.feeFen);
  const inscpTotal = sum((l) => l.inscpFen);
  const deductibleTotal = sum((l) => l.deductibleFen);
  const fundBeforeCap = Number(divRound(fundNumerator, 10000n));
  const capLeft = Math.max(0, yuanToFen(rules.medType.cap) - account.ytdFundFen);
  const fund = Math.min(fundBeforeCap, capLeft); // 封顶线
  const personal = medfee - fund;
  const othFee = 0; // 医院负担: none in the simulation
  let acct = 0;
  if (input.acctUsedFlag === '1') {
    const scope = rules.insutype.acctScope === 'inscp' ? Math.max(0, inscpTotal - fund) : personal - othFee;
    acct = Math.max(0, Math.min(account.balanceFen, scope));
  }
  const cash = personal - acct - othFee;
  return {
    medfeeSumamtFen: medfee,
    fulamtOwnpayAmtFen: sum((l) => l.fulamtOwnpayFen),
    overlmtSelfpayFen: sum((l) => l.overlmtSelfpayFen),
    preselfpayAmtFen: sum((l) => l.preselfpayFen),
    inscpScpAmtFen: inscpTotal,
    deductibleFen: deductibleTotal,
    fundPayFen: fund,
    psnAcctPayFen: acct,
    ownPayAmtFen: cash,
    othFeeAmtFen: othFee,
    balanceBeforeFen: account.balanceFen,
    balanceAfterFen: account.balanceFen - acct,
    capReached: fund < fundBeforeCap,
    lines,
  };
}

/**
 * The sandbox's default policy: plausible numbers, two regions, two insurance types. Regions without
 * an entry use 'default' (docs/policy.md shows it in full).
 */
export const DEFAULT_POLICY: PolicyConfig = {
  regions: {
    default: {
      name: '默认统筹区',
      insutypes: {
        '310': {
          bSelfPayRatio: 1000,
          medTypes: {
            '11': { deductible: '1800.00', cap: '10000.00', ratio: { A: 7000, B: 6000 } },
            '14': { deductible: '0.00', cap: '20000.00', ratio: { A: 8000, B: 7000 } },
            '21': { deductible: '800.00', cap: '300000.00', ratio: { A: 9000, B: 8500 } },
            '41': { deductible: '1800.00', cap: '10000.00', ratio: { A: 7000, B: 6000 } },
            default: { deductible: '1800.00', cap: '10000.00', ratio: { A: 7000, B: 6000 } },
          },
        },
        '390': {
          bSelfPayRatio: 1500,
          acctScope: 'inscp',
          medTypes: {
            '11': { deductible: '0.00', cap: '800.00', ratio: { A: 5000, B: 4000 } },
            '14': { deductible: '200.00', cap: '5000.00', ratio: { A: 6000, B: 5000 } },
            '21': { deductible: '1000.00', cap: '200000.00', ratio: { A: 7000, B: 6000 } },
            default: { deductible: '0.00', cap: '800.00', ratio: { A: 5000, B: 4000 } },
          },
        },
        default: {
          medTypes: { default: { deductible: '1800.00', cap: '10000.00', ratio: { A: 6000, B: 5000 } } },
        },
      },
    },
    '350100': {
      name: '福州市',
      insutypes: {
        '310': {
          bSelfPayRatio: 1000,
          medTypes: {
            '11': { deductible: '700.00', cap: '6000.00', ratio: { A: 7500, B: 6500 } },
            '14': { deductible: '0.00', cap: '30000.00', ratio: { A: 8500, B: 7500 } },
            '21': { deductible: '600.00', cap: '350000.00', ratio: { A: 9000, B: 8500 } },
            default: { deductible: '700.00', cap: '6000.00', ratio: { A: 7500, B: 6500 } },
          },
        },
        '390': {
          bSelfPayRatio: 1500,
          acctScope: 'inscp',
          medTypes: {
            '11': { deductible: '0.00', cap: '1000.00', ratio: { A: 5500, B: 4500 } },
            '21': { deductible: '800.00', cap: '250000.00', ratio: { A: 7500, B: 6500 } },
            default: { deductible: '0.00', cap: '1000.00', ratio: { A: 5500, B: 4500 } },
          },
        },
        default: { medTypes: { default: { deductible: '1800.00', cap: '10000.00', ratio: { A: 6000, B: 5000 } } } },
      },
    },
  },
  items: {
    XJ01CRA086A001010100709: { category: 'A', name: '阿莫西林胶囊' },
    XN02BEA051A001010102433: { category: 'A', name: '布洛芬缓释胶囊' },
    XR05XA001A001010100138: { category: 'B', name: '复方甘草口服溶液', priceLimit: '12.00' },
    XA10BAA001A001010101426: { category: 'B', name: '盐酸二甲双胍缓释片' },
    '001102000010000': { category: 'A', name: '普通门诊诊查费' },
    '250101015000000': { category: 'A', name: '血细胞分析' },
    '270300001000000': { category: 'B', name: '磁共振平扫', priceLimit: '450.00' },
    ZZ0001: { category: 'C', name: '医用美容项目' },
  },
  categoryByPrefix: { X: 'B', Z: 'B', '00': 'A', '25': 'A', '27': 'B', '31': 'B', C: 'C' },
  defaultCategory: 'C',
};
