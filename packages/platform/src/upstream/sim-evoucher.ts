import { newToken } from '../util/ids.js';
import { maskIdNo } from '../util/mask.js';
import type { EcIdentity, EVoucherCenter, PersonConfig, UpstreamContext } from './types.js';
import { UpstreamError } from './types.js';

/**
 * The simulated 电子凭证中心: QR code → identity and ecToken; online authorisation → payAuthNo.
 * Tokens live in the database (ev_tokens) so every instance agrees, and expire against `ctx.now`.
 */
export interface SimEVoucherOptions {
  persons: PersonConfig[];
  ecTokenTtlMs?: number;
  payAuthNoTtlMs?: number;
}

interface TokenRow {
  token: string;
  kind: string;
  psn_no: string;
  org_codg: string | null;
  detail: Record<string, unknown> | null;
  expires_at: Date;
  used_at: Date | null;
}

export function createSimEVoucher(opts: SimEVoucherOptions): EVoucherCenter {
  const ecTtl = opts.ecTokenTtlMs ?? 30 * 60_000;
  const authTtl = opts.payAuthNoTtlMs ?? 10 * 60_000;
  const byPsn = new Map(opts.persons.map((p) => [p.psnNo, p]));
  const byId = new Map(opts.persons.map((p) => [p.idNo, p]));
  const byQr = new Map(opts.persons.map((p) => [p.qrCode, p]));

  function identity(p: PersonConfig, ecToken: string, expiresAt: Date): EcIdentity {
    return {
      userName: p.userName,
      idNo: p.idNo,
      idType: p.idType,
      ecToken,
      insuOrg: p.insuAdmdvs,
      gender: p.gender,
      birthday: p.birthday,
      nationality: 'CHN',
      psnNo: p.psnNo,
      ecCode: p.qrCode,
      expiresAt,
    };
  }

  async function issue(
    ctx: UpstreamContext,
    kind: string,
    psnNo: string,
    orgCodg: string | undefined,
    ttl: number,
    prefix: string,
    extra: { token?: string; detail?: Record<string, unknown> } = {},
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = extra.token ?? newToken(prefix);
    const expiresAt = new Date(ctx.now.getTime() + ttl);
    await ctx.tx.query('INSERT INTO ev_tokens (token, kind, psn_no, org_codg, expires_at, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
      token,
      kind,
      psnNo,
      orgCodg ?? null,
      expiresAt,
      extra.detail ? JSON.stringify(extra.detail) : null,
    ]);
    return { token, expiresAt };
  }

  async function load(ctx: UpstreamContext, token: string, kind: string, codes: { invalid: string; expired: string; foreign: string }, label: string): Promise<{ row: TokenRow; person: PersonConfig }> {
    const rows = await ctx.tx.query<TokenRow>('SELECT * FROM ev_tokens WHERE token = $1 AND kind = $2', [token, kind]);
    const row = rows[0];
    const person = row ? byPsn.get(row.psn_no) : undefined;
    if (!row || !person) throw new UpstreamError(codes.invalid, `${label}无效：不存在或已注销`);
    if (new Date(row.expires_at).getTime() <= ctx.now.getTime()) throw new UpstreamError(codes.expired, `${label}已过期，请参保人重新授权`);
    return { row, person };
  }

  return {
    async decodeQrCode(ctx, p) {
      const person = byQr.get(p.qrCode);
      if (!person) throw new UpstreamError('EC_QRCODE_INVALID', '电子凭证二维码无效或已过期，请参保人刷新二维码后重试');
      const { token, expiresAt } = await issue(ctx, 'ecToken', person.psnNo, p.orgId, ecTtl, 'EC');
      return identity(person, token, expiresAt);
    },
    async issueEcToken(ctx, p) {
      const person = byPsn.get(p.psnNo);
      if (!person) throw new UpstreamError('PSN_NOT_FOUND', `人员不存在：${p.psnNo}`);
      const detail = p.proxy || p.authNo ? { ...(p.proxy ? { proxy: true } : {}), ...(p.authNo ? { authNo: p.authNo } : {}) } : undefined;
      const { token, expiresAt } = await issue(ctx, 'ecToken', person.psnNo, p.orgCodg, ecTtl, 'EC', detail ? { detail } : {});
      return { ...identity(person, token, expiresAt), ...(p.authNo ? { authNo: p.authNo } : {}) };
    },
    async checkEcToken(ctx, p) {
      const { row, person } = await load(ctx, p.ecToken, 'ecToken', { invalid: 'EC_TOKEN_INVALID', expired: 'EC_TOKEN_EXPIRED', foreign: 'EC_TOKEN_FOREIGN' }, '电子凭证令牌 ecToken ');
      if (p.orgCodg && row.org_codg && row.org_codg !== p.orgCodg) throw new UpstreamError('EC_TOKEN_FOREIGN', '电子凭证令牌 ecToken 不属于本机构，请重新扫码');
      if (p.idNo !== undefined && p.idNo !== person.idNo) throw new UpstreamError('EC_TOKEN_FOREIGN', `电子凭证令牌与证件号码 ${maskIdNo(p.idNo)} 不符`);
      return row.detail?.proxy ? { ...person, tokenProxy: true } : person;
    },
    async issuePayAuthNo(ctx, p) {
      if (!byPsn.has(p.psnNo)) throw new UpstreamError('PSN_NOT_FOUND', `人员不存在：${p.psnNo}`);
      const { token, expiresAt } = await issue(ctx, 'payAuthNo', p.psnNo, p.orgCodg, authTtl, 'AU', p.payAuthNo ? { token: p.payAuthNo } : {});
      return { payAuthNo: token, expiresAt };
    },
    async checkPayAuthNo(ctx, p) {
      const { row, person } = await load(ctx, p.payAuthNo, 'payAuthNo', { invalid: 'PAY_AUTH_INVALID', expired: 'PAY_AUTH_EXPIRED', foreign: 'PAY_AUTH_FOREIGN' }, '支付授权码 payAuthNo ');
      if (row.used_at) throw new UpstreamError('PAY_AUTH_USED', '支付授权码 payAuthNo 已使用，请参保人重新授权');
      if (row.psn_no !== p.psnNo) throw new UpstreamError('PAY_AUTH_FOREIGN', '支付授权码 payAuthNo 与订单不属于同一参保人');
      if (p.orgCodg && row.org_codg && row.org_codg !== p.orgCodg) throw new UpstreamError('PAY_AUTH_FOREIGN', '支付授权码 payAuthNo 不属于本机构');
      return person;
    },
    async consumePayAuthNo(ctx, payAuthNo) {
      // The conditional update is the guard: of two payments racing on one authorisation, the second
      // finds it used (its check ran before the first committed) and its whole transaction rolls back.
      // Offered a deferral (settling an order), the update runs in the caller's last statement: a
      // racing payment still finds the code used there, and a refused cash part drops it unspent.
      const sql = "UPDATE ev_tokens SET used_at = $2 WHERE token = $1 AND kind = 'payAuthNo' AND used_at IS NULL RETURNING 1";
      const refusal = () => new UpstreamError('PAY_AUTH_USED', '支付授权码 payAuthNo 已使用，请参保人重新授权');
      if (ctx.defer) return ctx.defer({ sql, params: [payAuthNo, ctx.now], ifNone: refusal });
      const used = await ctx.tx.query(sql, [payAuthNo, ctx.now]);
      if (used.length === 0) throw refusal();
    },
    findPerson(q) {
      if (q.psnNo) return byPsn.get(q.psnNo);
      if (q.idNo) return byId.get(q.idNo);
      return undefined;
    },
  };
}
