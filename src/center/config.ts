import type { ChannelFailureRule, PersonConfig, PolicyConfig } from '../upstream/types.js';
import { ONE_CODE_INFNO } from 'yibao/spec';

/**
 * The platform's configuration file (docs/config.md, example: yibao.config.example.json). Everything
 * has a default so that `npm start` runs with no file at all, as a sandbox.
 */
export interface AppConfig {
  appId: string;
  appSecret: string;
  /** The institution's SM2 public key (verifies its requests); any accepted key form. */
  publicKey?: string;
  orgCodg: string;
  orgName: string;
  /** 6302 医保结算结果通知 is POSTed here. */
  notifyUrl?: string;
  /** 6204 医保订单信息同步 redirects the patient here (cashier mode). */
  redirectUrl?: string;
  /** Encrypt 6302 with SM4 (default true); signed either way. */
  encryptCallbacks?: boolean;
  /** signType of our replies and callbacks to this app (default SM2). */
  signType?: 'SM2' | 'SM3';
  /** Per-app token bucket (issue: "over the per-app rate limit → -6"). */
  rateLimit?: { perSecond: number; burst: number };
  /** Portal functions opened for this app (default all: pushMsg, verificationDrug); others answer 404404. */
  portal?: Array<'pushMsg' | 'verificationDrug'>;
}

export interface CallbackConfig {
  /** Delays between attempts, e.g. ["15s","15s","30s","3m",…]; after the last, RETRIES_EXCEEDED. */
  schedule?: string[];
  /** Per-attempt HTTP timeout. */
  timeoutMs?: number;
  /** How often an idle worker looks for due callbacks. */
  pollMs?: number;
}

export interface YibaoConfig {
  /** Sandbox mode: the /sandbox helpers are on and sandbox.json is written. Default true. */
  sandbox?: boolean;
  /**
   * `trustProxy`: behind a load balancer, whose X-Forwarded-For to believe for the sending address
   * (the per-address limit): true, or addresses/CIDRs (Fastify's trustProxy).
   */
  server?: { host?: string; port?: number; publicUrl?: string; trustProxy?: boolean | string | string[] };
  platform?: { privateKey?: string; publicKey?: string; admdvs?: string; name?: string };
  /** Bearer token of the operator endpoints (/admin). Generated in sandbox mode when absent. */
  operatorToken?: string;
  apps?: AppConfig[];
  persons?: PersonConfig[];
  policy?: PolicyConfig;
  channels?: { failures?: ChannelFailureRule[] };
  callbacks?: CallbackConfig;
  /** Token bucket per sending address, checked before signature verification (default 1000/s, burst 2000). */
  addressRateLimit?: { perSecond: number; burst: number };
  /** ±window for request timestamps, and how long a signData is remembered (010010). Default 300. */
  replayWindowSeconds?: number;
  tokens?: { ecTokenTtlSeconds?: number; payAuthNoTtlSeconds?: number };
  /** 刷脸一码付 module (docs/systems.md): the infno of its two transactions, and how long a payCert lives. */
  oneCode?: { infno?: { oneCodeStatus?: string; oneCodePayCert?: string }; payCertTtlSeconds?: number; requireSettledOrder?: boolean };
  /** Wire codes of order states where a region's table differs: yibao's code → the region's (docs/config.md). */
  ordStas?: Record<string, string>;
}

/** WeChat Pay's notification schedule, the suggested default. */
export const DEFAULT_CALLBACK_SCHEDULE = ['15s', '15s', '30s', '3m', '10m', '20m', '30m', '30m', '30m', '60m', '3h', '3h', '3h', '6h', '6h'];

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "15s", "3m", "250ms", "6h" → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new ConfigError(`无法识别的时长 "${text}"，应如 15s、3m、6h、250ms`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Checks what a typo would otherwise turn into a confusing failure at request time. */
export function checkConfig(config: YibaoConfig): void {
  const seenApp = new Set<string>();
  for (const [i, app] of (config.apps ?? []).entries()) {
    const where = `apps[${i}]`;
    for (const f of ['appId', 'appSecret', 'orgCodg', 'orgName'] as const) {
      if (typeof app[f] !== 'string' || app[f] === '') throw new ConfigError(`${where}.${f} 必填`);
    }
    if (Buffer.byteLength(app.appId) < 16) throw new ConfigError(`${where}.appId 至少 16 字节（SM4 密钥派生需要，移动支付 2.2.3.2）`);
    if (seenApp.has(app.appId)) throw new ConfigError(`${where}.appId 重复：${app.appId}`);
    seenApp.add(app.appId);
    for (const f of ['notifyUrl', 'redirectUrl'] as const) {
      if (app[f] !== undefined) {
        try {
          new URL(app[f]!);
        } catch {
          throw new ConfigError(`${where}.${f} 不是有效的 URL`);
        }
      }
    }
    if (app.portal !== undefined && (!Array.isArray(app.portal) || app.portal.some((f) => f !== 'pushMsg' && f !== 'verificationDrug'))) {
      throw new ConfigError(`${where}.portal 应为数组，元素为 pushMsg / verificationDrug`);
    }
    if ((app.signType ?? 'SM2') === 'SM2' && !app.publicKey) throw new ConfigError(`${where}.publicKey 必填（SM2 验签需要机构公钥）`);
  }
  const seenPsn = new Set<string>();
  for (const [i, p] of (config.persons ?? []).entries()) {
    for (const f of ['psnNo', 'idNo', 'idType', 'userName', 'insutype', 'insuAdmdvs', 'balance', 'qrCode'] as const) {
      if (typeof p[f] !== 'string' || p[f] === '') throw new ConfigError(`persons[${i}].${f} 必填`);
    }
    if (!/^\d+\.\d{2}$/.test(p.balance)) throw new ConfigError(`persons[${i}].balance 应为两位小数的元，如 "1000.00"`);
    if (seenPsn.has(p.psnNo)) throw new ConfigError(`persons[${i}].psnNo 重复`);
    seenPsn.add(p.psnNo);
  }
  for (const s of config.callbacks?.schedule ?? []) parseDuration(s);
  if (config.replayWindowSeconds !== undefined && !(config.replayWindowSeconds > 0)) throw new ConfigError('replayWindowSeconds 应为正数');
  const limits: Array<[string, { perSecond: number; burst: number } | undefined]> = [['addressRateLimit', config.addressRateLimit], ...(config.apps ?? []).map((a, i): [string, AppConfig['rateLimit']] => [`apps[${i}].rateLimit`, a.rateLimit])];
  for (const [where, l] of limits) {
    if (l !== undefined && !(typeof l === 'object' && l !== null && l.perSecond > 0 && l.burst >= 1)) throw new ConfigError(`${where} 应为 {"perSecond": 正数, "burst": 不小于 1}`);
  }
  const infno = config.oneCode?.infno ?? {};
  for (const f of ['oneCodeStatus', 'oneCodePayCert'] as const) {
    if (infno[f] !== undefined && !/^\d{4}$/.test(infno[f]!)) throw new ConfigError(`oneCode.infno.${f} 应为 4 位数字交易编号`);
  }
  // Checked as served (merged with the defaults): the module tells its transactions apart by infno
  // alone, so a number shared with the other one or with 1101 would make a transaction unreachable.
  const served = { ...ONE_CODE_INFNO, ...infno };
  if (served.oneCodeStatus === served.oneCodePayCert) throw new ConfigError(`oneCode.infno 两个交易编号不能相同（均为 ${served.oneCodeStatus}；未配置的一项默认为 ${ONE_CODE_INFNO.oneCodeStatus}/${ONE_CODE_INFNO.oneCodePayCert}）`);
  for (const f of ['oneCodeStatus', 'oneCodePayCert'] as const) {
    if (served[f] === '1101') throw new ConfigError(`oneCode.infno.${f} 不能为 1101（人员信息获取已占用）`);
  }
  const ttl = config.oneCode?.payCertTtlSeconds;
  if (ttl !== undefined && !(ttl > 0)) throw new ConfigError('oneCode.payCertTtlSeconds 应为正数');
  if (config.policy !== undefined) checkPolicy(config.policy);
  const rso = config.oneCode?.requireSettledOrder;
  if (rso !== undefined && typeof rso !== 'boolean') throw new ConfigError('oneCode.requireSettledOrder 应为 true 或 false');
}

/**
 * The reimbursement policy (docs/policy.md) is checked at start, so that a mistyped ratio or amount
 * never reaches a settlement: ratios are basis points 0–10000, amounts yuan with two decimals, and
 * every level has its `default`.
 */
function checkPolicy(policy: PolicyConfig): void {
  const yuan = /^\d{1,14}(\.\d{1,2})?$/;
  if (!policy || typeof policy !== 'object' || !policy.regions || typeof policy.regions !== 'object') throw new ConfigError('policy.regions 必填（按参保地区划的报销政策）');
  if (!['A', 'B', 'C'].includes(policy.defaultCategory)) throw new ConfigError('policy.defaultCategory 应为 A/B/C（甲/乙/丙类）');
  if (!policy.regions.default) throw new ConfigError('policy.regions.default 必填（未列出区划的政策）');
  for (const [region, r] of Object.entries(policy.regions)) {
    const where = `policy.regions.${region}`;
    if (!r?.insutypes?.default) throw new ConfigError(`${where}.insutypes.default 必填`);
    for (const [insutype, it] of Object.entries(r.insutypes)) {
      const w = `${where}.insutypes.${insutype}`;
      if (!it?.medTypes?.default) throw new ConfigError(`${w}.medTypes.default 必填`);
      if (it.bSelfPayRatio !== undefined && !(Number.isInteger(it.bSelfPayRatio) && it.bSelfPayRatio >= 0 && it.bSelfPayRatio <= 10000)) throw new ConfigError(`${w}.bSelfPayRatio 应为 0–10000 的整数（万分比）`);
      if (it.acctScope !== undefined && it.acctScope !== 'all' && it.acctScope !== 'inscp') throw new ConfigError(`${w}.acctScope 应为 all 或 inscp`);
      for (const [medType, m] of Object.entries(it.medTypes)) {
        const mw = `${w}.medTypes.${medType}`;
        if (typeof m?.deductible !== 'string' || !yuan.test(m.deductible)) throw new ConfigError(`${mw}.deductible 应为元，最多两位小数，如 "1800.00"（起付线）`);
        if (typeof m.cap !== 'string' || !yuan.test(m.cap)) throw new ConfigError(`${mw}.cap 应为元，最多两位小数，如 "10000.00"（封顶线）`);
        for (const c of ['A', 'B'] as const) {
          const v = m.ratio?.[c];
          if (!(Number.isInteger(v) && v >= 0 && v <= 10000)) throw new ConfigError(`${mw}.ratio.${c} 应为 0–10000 的整数（报销比例，万分比）`);
        }
      }
    }
  }
  for (const [code, item] of Object.entries(policy.items ?? {})) {
    if (!['A', 'B', 'C'].includes(item?.category)) throw new ConfigError(`policy.items.${code}.category 应为 A/B/C`);
    if (item.priceLimit !== undefined && !yuan.test(item.priceLimit)) throw new ConfigError(`policy.items.${code}.priceLimit 应为元，最多两位小数`);
  }
  for (const [prefix, c] of Object.entries(policy.categoryByPrefix ?? {})) {
    if (!['A', 'B', 'C'].includes(c)) throw new ConfigError(`policy.categoryByPrefix.${prefix} 应为 A/B/C`);
  }
}
