import type { Queryable } from '../store/store.js';

/**
 * The center's upstreams (DESIGN.md §1): the e-voucher center (电子凭证中心), the FSI core
 * (医保核心系统) and the payment channels. Each is an interface with a built-in simulation; a real
 * deployment swaps in an adapter that talks to the real service.
 *
 * Every call takes the request's transaction: the simulations keep their state in the same database,
 * so a center request commits all its effects, upstream ones included, or none (DESIGN.md §5).
 * Money is integer fen throughout.
 */
export interface UpstreamContext {
  tx: Queryable;
  now: Date;
  /**
   * Offered by a caller that ends its work with one statement of its own in the same transaction
   * (settling an order: center/settle.ts). A simulation that keeps its state in that database may
   * hand over a write whose outcome it already knows instead of running it now: the caller runs it
   * as a part of that last statement (a data-modifying CTE), or drops it when it abandons the
   * operation before that statement (a channel refusing the cash part), as a rollback to a savepoint
   * taken before the call would. An adapter talking to a real service ignores it.
   */
  defer?(write: DeferredWrite): void;
}

/**
 * A write handed over through `UpstreamContext.defer`: one INSERT, UPDATE or DELETE with a RETURNING
 * clause and its own `$1…` parameters. When it changes no row, `ifNone` gives the refusal the
 * adapter would have thrown had it run the write itself; the caller throws it (its transaction rolls
 * back).
 */
export interface DeferredWrite {
  sql: string;
  params: unknown[];
  ifNone?: () => Error;
}

/** A refusal an institution can act on: a stable code and a Chinese reason naming what is wrong. */
export class UpstreamError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'UpstreamError';
    this.code = code;
  }
}

// ---------------------------------------------------------------- configuration

/** An insured person of the simulation (config `persons[]`). */
export interface PersonConfig {
  psnNo: string;
  idNo: string;
  /** psn_cert_type: 01 居民身份证 … */
  idType: string;
  userName: string;
  /** 1 男, 2 女 */
  gender: string;
  /** yyyy-MM-dd */
  birthday: string;
  /** 310 职工基本医疗保险, 390 城乡居民基本医疗保险 … */
  insutype: string;
  /** psn_type, e.g. 1101 在职, 1102 退休 */
  psnType: string;
  /** 参保地医保区划 (6 digits) */
  insuAdmdvs: string;
  empName?: string;
  /** Opening personal-account balance, yuan with 2 decimals ("1000.00"). */
  balance: string;
  /** The value the person's 医保电子凭证 QR code carries (6101 input `ecQrCode`). */
  qrCode: string;
  phone?: string;
  /** Extra fields used by later systems (one-code-pay signing state, …). */
  [key: string]: unknown;
}

export type ItemCategory = 'A' | 'B' | 'C'; // 甲类 / 乙类 / 丙类

export interface MedTypePolicy {
  /** 起付线 per year, yuan. */
  deductible: string;
  /** 封顶线 per year (fund payments), yuan. */
  cap: string;
  /** 报销比例 in basis points (0–10000) by item category; 丙类 is never reimbursed. */
  ratio: { A: number; B: number };
}

export interface InsutypePolicy {
  /** By 医疗类别 (med_type: 11 普通门诊, 14 门诊慢特病, 21 普通住院, 41 定点药店购药 …), with 'default'. */
  medTypes: Record<string, MedTypePolicy>;
  /** 乙类先行自付比例, basis points (default 1000 = 10%). */
  bSelfPayRatio?: number;
  /** Which part the personal account may pay when acctUsedFlag = 1: all of the personal share, or only in-scope. */
  acctScope?: 'all' | 'inscp';
}

export interface RegionPolicy {
  name?: string;
  /** By 险种类型 (insutype), with 'default'. */
  insutypes: Record<string, InsutypePolicy>;
}

export interface ItemPolicy {
  category: ItemCategory;
  name?: string;
  /** 限价 per unit, yuan; the part of pric above it is 超限价自付 (overlmtSelfpay). */
  priceLimit?: string;
}

export interface PolicyConfig {
  /** By 参保地医保区划 (6 digits), with 'default'. */
  regions: Record<string, RegionPolicy>;
  /** 医保目录: medListCodg → category and price limit. */
  items?: Record<string, ItemPolicy>;
  /** Category of items not listed, by medListCodg prefix (longest prefix wins). */
  categoryByPrefix?: Record<string, ItemCategory>;
  /** Category of anything else. */
  defaultCategory: ItemCategory;
}

export type ChannelType = 'WX' | 'ALI' | 'UP' | 'BANK';
export type ChannelResult = 'SUCC' | 'FAIL' | 'EXP';

/** Failure injection for the simulated channels (config `channels.failures[]`). */
export interface ChannelFailureRule {
  /** `query`: what the channel's order query finds for a payment that answered EXP (default SUCC). */
  op: 'pay' | 'refund' | 'query';
  result: 'FAIL' | 'EXP';
  chnlType?: ChannelType;
  orgCodg?: string;
  /** Only for this amount, yuan ("12.34"). */
  amount?: string;
  /** How many times the rule fires; unlimited when absent. */
  count?: number;
}

// ---------------------------------------------------------------- e-voucher center

export interface EcIdentity {
  userName: string;
  idNo: string;
  idType: string;
  ecToken: string;
  insuOrg: string;
  authNo?: string;
  ecIndexNo?: string;
  gender?: string;
  birthday?: string;
  nationality?: string;
  email?: string;
  /** Internal: the person behind the identity. */
  psnNo: string;
  /** The QR code value (6301/6302 ecCode). */
  ecCode?: string;
  expiresAt: Date;
}

export interface EVoucherCenter {
  /** 6101: QR code value → identity, issuing an ecToken bound to the institution. */
  decodeQrCode(ctx: UpstreamContext, p: { qrCode: string; orgId: string; businessType: string }): Promise<EcIdentity>;
  /**
   * Issues an ecToken for a person: the sandbox's stand-in for the user's app, and the terminal's
   * face scan. `proxy` marks a 亲情代展码 (a family member showing the code on the person's behalf).
   */
  issueEcToken(ctx: UpstreamContext, p: { psnNo: string; orgCodg?: string; proxy?: boolean; authNo?: string }): Promise<EcIdentity>;
  /** Validates an ecToken; refuses unknown, expired and foreign (other institution / other person) tokens. */
  checkEcToken(ctx: UpstreamContext, p: { ecToken: string; orgCodg?: string; idNo?: string }): Promise<PersonConfig & { tokenProxy?: boolean }>;
  /** Online authorisation (支付授权码), bound to a person; `payAuthNo` fixes its value (a terminal authNo). */
  issuePayAuthNo(ctx: UpstreamContext, p: { psnNo: string; orgCodg?: string; payAuthNo?: string }): Promise<{ payAuthNo: string; expiresAt: Date }>;
  /** Validates a payAuthNo for this person; refuses unknown, expired, used and foreign codes. */
  checkPayAuthNo(ctx: UpstreamContext, p: { payAuthNo: string; psnNo: string; orgCodg?: string }): Promise<PersonConfig>;
  /** Marks a payAuthNo as used (a code authorises one payment). */
  consumePayAuthNo(ctx: UpstreamContext, payAuthNo: string): Promise<void>;
  findPerson(query: { psnNo?: string; idNo?: string }): PersonConfig | undefined;
}

// ---------------------------------------------------------------- FSI core

export interface FeeLine {
  feedetlSn: string;
  medListCodg: string;
  medinsListCodg?: string;
  medListName?: string;
  /** Decimal text as on the wire (数值型 16,4 / 16,6). */
  cnt: string;
  pric: string;
  detItemFeeSumamtFen: number;
}

export interface SettlementInput {
  psnNo: string;
  insutype: string;
  medType: string;
  /** 参保地 of the person; selects the region policy. */
  admdvs: string;
  lines: FeeLine[];
  /** '1' uses the personal account. */
  acctUsedFlag: string;
}

export interface LineBreakdown {
  feedetlSn: string;
  category: ItemCategory;
  feeFen: number;
  fulamtOwnpayFen: number;
  overlmtSelfpayFen: number;
  preselfpayFen: number;
  inscpFen: number;
  deductibleFen: number;
  /** Basis points applied to (inscp − deductible). */
  ratio: number;
}

export interface SettlementBreakdown {
  medfeeSumamtFen: number;
  fulamtOwnpayAmtFen: number;
  overlmtSelfpayFen: number;
  preselfpayAmtFen: number;
  inscpScpAmtFen: number;
  deductibleFen: number;
  fundPayFen: number;
  psnAcctPayFen: number;
  ownPayAmtFen: number;
  othFeeAmtFen: number;
  balanceBeforeFen: number;
  balanceAfterFen: number;
  /** True when the yearly cap cut the fund payment. */
  capReached: boolean;
  lines: LineBreakdown[];
}

export interface SettlementResult extends SettlementBreakdown {
  hiDocSn: string;
  setlTime: Date;
}

/** 1101 output (face-one-code-pay.txt 6.2): baseinfo, insuinfo[], idetinfo[]. */
export interface PersonInfo1101 {
  baseinfo: Record<string, unknown>;
  insuinfo: Array<Record<string, unknown>>;
  idetinfo: Array<Record<string, unknown>>;
}

export interface FsiCore {
  /** 1101 人员信息获取. */
  getPersonInfo(ctx: UpstreamContext, q: { psnNo?: string; certno?: string; psnCertType?: string; psnName?: string }): Promise<PersonInfo1101>;
  /** 2201 挂号 (6201 runs it through the center): a visit. */
  register(ctx: UpstreamContext, p: { psnNo: string; orgCodg: string; medType: string; insutype: string }): Promise<{ mdtrtId: string; hiRgstSn: string }>;
  /**
   * 2204 门诊费用明细信息上传: the visit's fee lines, kept by the core and classified by its catalogue
   * (甲/乙/丙). Settlement settles exactly these. A feedetlSn already uploaded for the visit is refused.
   */
  uploadFees(ctx: UpstreamContext, p: { mdtrtId: string; lines: FeeLine[] }): Promise<{ lines: Array<{ feedetlSn: string; detItemFeeSumamtFen: number; chrgitmLv: ItemCategory }> }>;
  /**
   * 2201 + 2204 + 2206 at once, for 6201: a new visit with these fee lines and its pre-settlement, as
   * `register`, `uploadFees` and `preSettle` in a row would give them (same checks, same refusals).
   * Optional: a core that offers it saves the center round trips (issue 16, docs/performance.md); the
   * center makes the three calls when it is absent, as it must with a real core.
   */
  registerUploadPreSettle?(
    ctx: UpstreamContext,
    p: { orgCodg: string } & SettlementInput,
  ): Promise<{ mdtrtId: string; hiRgstSn: string; breakdown: SettlementBreakdown }>;
  /** 2206 预结算: the split, computed on the person's current balances, nothing changed. */
  preSettle(ctx: UpstreamContext, p: SettlementInput): Promise<SettlementBreakdown>;
  /** 2207 结算: recomputes, debits the account, accumulates, records the settlement. */
  settle(ctx: UpstreamContext, p: SettlementInput & { payOrdId: string; mdtrtId: string }): Promise<SettlementResult>;
  /** 2208 结算撤销: restores balance and yearly accumulations exactly. */
  reverseSettlement(ctx: UpstreamContext, p: { hiDocSn: string }): Promise<{ hiFefdSn: string; fundPayFen: number; psnAcctPayFen: number }>;
  /** 2202/2302 撤销挂号/费用明细 (6401). */
  cancelVisit(ctx: UpstreamContext, p: { mdtrtId: string }): Promise<void>;
  /**
   * The core's settlements made or reversed in [from, to) — what a real core's 3202 对明细账 gives —
   * for reconciliation with the center's (issue 13, docs/statements.md).
   */
  settlementsBetween(ctx: UpstreamContext, p: { from: Date; to: Date }): Promise<CoreSettlement[]>;
}

export interface CoreSettlement {
  hiDocSn: string;
  payOrdId: string;
  orgCodg: string;
  medfeeFen: number;
  fundPayFen: number;
  psnAcctPayFen: number;
  status: 'SETTLED' | 'REVERSED';
  settledAt: Date;
  reversedAt: Date | null;
}

// ---------------------------------------------------------------- payment channels

export interface ChannelTrade {
  status: ChannelResult;
  tradeNo: string;
  message?: string;
  /** The same outTradeNo/outRefundNo again: the earlier trade, as it stands now (already counted). */
  repeated?: boolean;
  /** With `repeated`: the earlier trade's amount. */
  amountFen?: number;
}

export interface StatementLine {
  tradeNo: string;
  kind: 'PAY' | 'REFUND';
  chnlType: ChannelType;
  payOrdId: string;
  outTradeNo: string | null;
  /** REFUND: the channel trade it refunds, when known (one-code refunds name it). */
  origTradeNo?: string | null;
  amountFen: number;
  status: ChannelResult;
  time: Date;
}

export interface OneCodeSigning {
  chnlType: ChannelType;
  status: 'ENABLED' | 'DISABLED';
  /** 支付渠道用户账号名 (masked by the channel). */
  payChnlUserName: string;
  /** Why it is not usable (stasFlag 2). */
  abnRea?: string;
}

export interface PaymentChannels {
  /** Takes the cash part. */
  pay(ctx: UpstreamContext, p: { chnlType: ChannelType; payOrdId: string; orgCodg: string; amountFen: number; outTradeNo: string }): Promise<ChannelTrade>;
  /**
   * The channel's order query: the latest payment of an order. A payment that answered EXP (unknown)
   * is resolved by the channel to SUCC or FAIL when it knows; still EXP while it does not.
   */
  queryPayment(ctx: UpstreamContext, p: { orgCodg: string; payOrdId: string }): Promise<ChannelTrade | undefined>;
  /**
   * Refunds (part of) the cash part: of an order (`payOrdId`), and/or of one trade (`origTradeNo`,
   * 一码付 4.2). Never more than what is left of either; a refund beyond that answers FAIL.
   */
  refund(ctx: UpstreamContext, p: { chnlType: ChannelType; payOrdId: string; orgCodg: string; amountFen: number; outRefundNo: string; origTradeNo?: string }): Promise<ChannelTrade>;
  /**
   * Refunds of an order the channel answered EXP (outcome unknown), asked again: how much is now
   * known refunded, and how much is still unknown. Until known, that cash counts as refunded in the
   * refund limits, so it is never refunded twice.
   */
  resolveRefunds(ctx: UpstreamContext, p: { orgCodg: string; payOrdId: string }): Promise<{ resolved: Array<{ outRefundNo: string; amountFen: number; status: 'SUCC' | 'FAIL'; origTradeNo: string | null }>; pendingFen: number }>;
  /**
   * The cash refunds this channel left unknown (EXP), oldest first, by order ('' for a trade of no
   * order): what the background reconciler asks about (issue 14 point 9). A real adapter lists the
   * refunds it recorded as unknown; the simulation reads its trades.
   */
  unresolvedRefunds(ctx: UpstreamContext, p: { limit: number }): Promise<Array<{ orgCodg: string; payOrdId: string; since: Date }>>;
  /** The channel's statement of one institution for one day (reconciliation, face-one-code-pay.txt 4.3). */
  statement(ctx: UpstreamContext, p: { orgCodg: string; date: string; chnlType?: ChannelType }): Promise<StatementLine[]>;
  /**
   * 一码付 (face-one-code-pay.txt 4.1 steps 1 and 9): the person's one-code-pay signing with a channel,
   * as the channel reports it; undefined when the person never signed.
   */
  oneCodeSigning(ctx: UpstreamContext, p: { psnNo: string }): Promise<OneCodeSigning | undefined>;
  /**
   * Steps 11–12: the channel's risk check, then a single-use payment credential bound to the amount
   * and the institution's trade serial, expiring after `ttlMs`. The same serial and amount while the
   * credential is unused gives it again; a serial whose live credential is another person's or
   * order's is not taken. Refusals: RISK_REFUSED, NOT_SIGNED, DISABLED, TRNS_PAID, TRNS_TAKEN.
   */
  issuePayCert(ctx: UpstreamContext, p: { psnNo: string; orgCodg: string; amountFen: number; fixmedinsTrnsSn: string; payOrdId?: string; ttlMs: number }): Promise<{ payCert: string; expiresAt: Date }>;
  /**
   * Step 14: the institution's self-pay order with a payCert (outTradeNo = the credential's serial).
   * The same order again answers the same trade. Refusals: CERT_INVALID, CERT_USED, CERT_EXPIRED,
   * AMOUNT_MISMATCH, TRNS_MISMATCH, TRNS_PAID (the serial was paid with another credential).
   */
  payWithCert(ctx: UpstreamContext, p: { payCert: string; orgCodg: string; amountFen: number; outTradeNo: string }): Promise<ChannelTrade & { chnlType: ChannelType; payOrdId?: string; repeated: boolean }>;
  /** A credential's order (the one whose cash part it was issued for), before paying with it. */
  certOrder(ctx: UpstreamContext, p: { payCert: string; orgCodg: string }): Promise<{ payOrdId?: string; used: boolean } | undefined>;
  /** The one-code-pay trade an institution's serial paid, for its refund (4.2). */
  findCertTrade(ctx: UpstreamContext, p: { orgCodg: string; outTradeNo: string }): Promise<{ chnlType: ChannelType; tradeNo: string; payOrdId?: string } | undefined>;
}

export interface Upstreams {
  evoucher: EVoucherCenter;
  fsi: FsiCore;
  channels: PaymentChannels;
}
