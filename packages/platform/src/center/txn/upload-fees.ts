import { createHash } from 'node:crypto';
import type { WireObject } from 'yibao/protocol';
import { canonicalize, canonicalJson } from 'yibao/protocol';
import { decimalTimesToFen, fenToYuan, yuanToFen } from 'yibao/spec';
import type { FeeLine, FsiCore, SettlementBreakdown, SettlementInput, UpstreamContext } from '../../upstream/types.js';
import { newId, newToken } from '../../util/ids.js';
import type { TxnContext } from '../context.js';
import { money, text } from '../context.js';
import { assertOwnOrg, business, invalid, upstream } from '../errors.js';
import { OrdStas, REVOCABLE } from '../ord-stas.js';
import { insertOrder } from '../orders.js';
import { orderSearchHashes } from '../search.js';

/**
 * 【6201】费用明细上传 (mobile-payment.txt 2.3.1.2.1). The center checks the person through the
 * e-voucher (ecToken), checks the money of every line, then registers the visit, uploads and
 * pre-settles with the FSI core ([2204]/[2301]) and keeps the order in 预结算完成.
 *
 * Money rule (docs/center.md): each line's detItemFeeSumamt must equal cnt × pric rounded half-up
 * to the fen, and medfeeSumamt must equal the sum of the lines, exactly.
 *
 * medOrgOrd reuse (docs/center.md): unique per institution among live orders. The very same upload
 * sent again while the order is unsettled gets the same answer (a retry); a different upload under
 * the same medOrgOrd is refused until 6401 revokes the first; after 6401 the medOrgOrd is free.
 */
export async function uploadFees(ctx: TxnContext): Promise<WireObject> {
  const { data, app, deps, tx, now } = ctx;
  assertOwnOrg(data.orgCodg, app, 'data.orgCodg', '机构编码');

  const lines = checkLines(data);
  const medfeeFen = yuanToFen(text(data, 'medfeeSumamt'));
  const sum = lines.reduce((s, l) => s + l.detItemFeeSumamtFen, 0);
  if (medfeeFen !== sum) {
    throw invalid('data.medfeeSumamt', `应等于费用明细 detItemFeeSumamt 之和 ${fenToYuan(sum)}，实际 ${fenToYuan(medfeeFen)}（医疗费总额）`);
  }

  const uploadHash = createHash('sha256').update(canonicalJson(canonicalize(data))).digest('hex');
  const medOrgOrd = text(data, 'medOrgOrd');
  // Live orders (not 12 撤销) through the partial unique index WHERE NOT revoked (migration 0012:
  // revoked is the generated flag ord_stas = '12', so that the index never blocks a HOT transition).
  const existing = await tx.query<{ pay_ord_id: string; ord_stas: string; pay_token: string; mdtrt_id: string; hi_rgst_sn: string; breakdown: unknown; upload_hash: string | null }>(
    `SELECT pay_ord_id, ord_stas, pay_token, mdtrt_id, hi_rgst_sn, breakdown, upload->>'_hash' AS upload_hash FROM orders
     WHERE org_codg = $1 AND med_org_ord = $2 AND NOT revoked FOR UPDATE`,
    [app.orgCodg, medOrgOrd],
  );
  if (existing.length > 0) {
    const prior = existing[0]!;
    if (REVOCABLE.includes(prior.ord_stas) && prior.upload_hash === uploadHash) {
      return output(deps.publicUrl, prior.pay_ord_id, prior.pay_token, prior.mdtrt_id, prior.hi_rgst_sn, prior.breakdown as SettlementBreakdown);
    }
    throw business(
      `medOrgOrd 已存在订单（payOrdId=${prior.pay_ord_id}，ordStas=${prior.ord_stas}），修改处方请先撤销上传(6401)后重新上传`,
      'data.medOrgOrd',
    );
  }

  const ctxU = { tx, now };
  const person = await upstream(
    () => deps.upstreams.evoucher.checkEcToken(ctxU, { ecToken: text(data, 'ecToken'), orgCodg: app.orgCodg, idNo: text(data, 'idNo') }),
    'data.ecToken',
  );
  if (text(data, 'psnNo') !== person.psnNo) throw invalid('data.psnNo', '与电子凭证身份不符（人员编号）');
  if (text(data, 'userName') !== person.userName) throw invalid('data.userName', '与电子凭证身份不符（用户姓名）');
  if (text(data, 'idType') !== person.idType) throw invalid('data.idType', '与电子凭证身份不符（证件类别）');
  for (const [i, line] of (data.feedetailList as Array<Record<string, unknown>>).entries()) {
    if (text(line, 'psnNo') !== person.psnNo) throw invalid(`data.feedetailList[${i}].psnNo`, '应与 data.psnNo 一致（人员编号）');
  }
  const insutype = text(data, 'insutype');
  const medType = text(data, 'medType');
  // The policy is the insured place's (参保地): the person's own. A HIS naming another place is told so
  // rather than settled under a policy that is not the person's.
  const named = text(data, 'insuplcAdmdvs');
  if (named && named !== person.insuAdmdvs) throw invalid('data.insuplcAdmdvs', `与参保人的参保地 ${person.insuAdmdvs} 不符（用户参保地行政区划）`);
  const admdvs = person.insuAdmdvs;
  const acctUsedFlag = text(data, 'acctUsedFlag') || '0';

  const { visit, breakdown } = await registerUploadPreSettle(deps.upstreams.fsi, ctxU, {
    psnNo: person.psnNo,
    orgCodg: app.orgCodg,
    insutype,
    medType,
    admdvs,
    lines,
    acctUsedFlag,
  });

  const payOrdId = newId('ORD', 12, now);
  const payToken = newToken('PT');
  // The HIS may name the visit itself (data.mdtrtId); 6202 must then repeat that id, else the FSI one.
  const mdtrtId = text(data, 'mdtrtId') || visit.mdtrtId;
  await insertOrder(tx, {
    payOrdId,
    appId: app.appId,
    orgCodg: app.orgCodg,
    orgName: app.orgName,
    medOrgOrd,
    psnNo: person.psnNo,
    idNo: person.idNo,
    idType: person.idType,
    userName: person.userName,
    insutype,
    medType,
    insuplcAdmdvs: admdvs,
    payToken,
    ordStas: OrdStas.PRESETTLED,
    feeSumamtFen: breakdown.medfeeSumamtFen,
    fundPayFen: breakdown.fundPayFen,
    psnAcctPayFen: breakdown.psnAcctPayFen,
    ownPayAmtFen: breakdown.ownPayAmtFen,
    othFeeAmtFen: breakdown.othFeeAmtFen,
    depositFen: 0,
    acctUsedFlag,
    chrgBchno: text(data, 'chrgBchno'),
    mdtrtId,
    hiRgstSn: visit.hiRgstSn,
    ecCode: null,
    breakdown,
    upload: { ...data, _hash: uploadHash, _fsiMdtrtId: visit.mdtrtId },
  }, { txn: '6201', detail: { medfeeSumamt: fenToYuan(breakdown.medfeeSumamtFen) } }, orderSearchHashes(deps.searchKey, person));
  return output(deps.publicUrl, payOrdId, payToken, mdtrtId, visit.hiRgstSn, breakdown);
}

/**
 * 2201 挂号, 2204 费用明细上传 and 2206 预结算 with the FSI core: in one call when the core offers it (the
 * simulation: one statement, issue 16), else the three calls in a row. A refusal of the lines names
 * data.feedetailList either way.
 */
async function registerUploadPreSettle(
  fsi: FsiCore,
  ctx: UpstreamContext,
  p: { orgCodg: string } & SettlementInput,
): Promise<{ visit: { mdtrtId: string; hiRgstSn: string }; breakdown: SettlementBreakdown }> {
  if (fsi.registerUploadPreSettle) {
    const r = await upstream(() => fsi.registerUploadPreSettle!(ctx, p), (code) => (code.startsWith('FEE_') ? 'data.feedetailList' : undefined));
    return { visit: { mdtrtId: r.mdtrtId, hiRgstSn: r.hiRgstSn }, breakdown: r.breakdown };
  }
  const visit = await upstream(() => fsi.register(ctx, { psnNo: p.psnNo, orgCodg: p.orgCodg, medType: p.medType, insutype: p.insutype }));
  await upstream(() => fsi.uploadFees(ctx, { mdtrtId: visit.mdtrtId, lines: p.lines }), 'data.feedetailList');
  const { orgCodg: _, ...input } = p;
  const breakdown = await upstream(() => fsi.preSettle(ctx, input));
  return { visit, breakdown };
}

function output(publicUrl: string, payOrdId: string, payToken: string, mdtrtId: string, hiRgstSn: string, b: SettlementBreakdown): WireObject {
  // 3.1.2.1.5.1: the HIS appends &chnlAppId=…&chnlEncData=…, so the URL already has a query.
  const cashierUrl = `${publicUrl}/cashier?payOrdId=${encodeURIComponent(payOrdId)}`;
  return {
    payOrdId,
    payToken,
    cashierUrl,
    extData: {
      mdtrtId,
      hiRgstSn,
      preSetl: {
        medfeeSumamt: money(b.medfeeSumamtFen),
        fundPay: money(b.fundPayFen),
        psnAcctPay: money(b.psnAcctPayFen),
        ownPayAmt: money(b.ownPayAmtFen),
        othFeeAmt: money(b.othFeeAmtFen),
        fulamtOwnpayAmt: money(b.fulamtOwnpayAmtFen),
        overlmtSelfpay: money(b.overlmtSelfpayFen),
        preselfpayAmt: money(b.preselfpayAmtFen),
        inscpScpAmt: money(b.inscpScpAmtFen),
      },
    },
  };
}

function checkLines(data: Record<string, unknown>): FeeLine[] {
  const list = data.feedetailList as Array<Record<string, unknown>>;
  if (!Array.isArray(list) || list.length === 0) throw invalid('data.feedetailList', '至少应有一条费用明细（费用明细）');
  const seen = new Set<string>();
  return list.map((line, i) => {
    const at = `data.feedetailList[${i}]`;
    const sn = text(line, 'feedetlSn');
    if (seen.has(sn)) throw invalid(`${at}.feedetlSn`, `与前面的明细重复：${sn}（费用明细流水号，单次就诊内唯一）`);
    seen.add(sn);
    const cnt = text(line, 'cnt');
    const pric = text(line, 'pric');
    const fee = yuanToFen(text(line, 'detItemFeeSumamt'));
    const expected = decimalTimesToFen(cnt, pric);
    if (fee !== expected) {
      throw invalid(`${at}.detItemFeeSumamt`, `应等于 cnt×pric=${fenToYuan(expected)}（按分四舍五入），实际 ${fenToYuan(fee)}（明细项目费用总额）`);
    }
    return {
      feedetlSn: sn,
      medListCodg: text(line, 'medListCodg'),
      medinsListCodg: text(line, 'medinsListCodg'),
      medListName: text(line, 'medListName'),
      cnt,
      pric,
      detItemFeeSumamtFen: fee,
    };
  });
}
