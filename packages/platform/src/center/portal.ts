import { randomUUID } from 'node:crypto';
import { openWithRotation } from './apps.js';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import { parseWireObject, type WireObject, type WireText } from 'yibao/protocol';
import { openPortalRequest, sealPortalResponse } from 'yibao/protocol';
import { randomDigits } from '../util/ids.js';
import { maskIdNo, maskName } from '../util/mask.js';
import type { AppConfig } from './config.js';
import type { CenterDeps } from './context.js';
import { signatureIdentity } from './replay.js';
import { asYibaoError, requireValid } from './errors.js';
import type { Gate } from './gate.js';

/**
 * The regional payment portal (regional-payment-portal.txt): 医疗消息推送 and 药品核销 (YM_PORTAL_008)
 * in the portal envelope (SM3 signatures, SM4), answered with the portal's response codes.
 *
 * A pushed message is kept and listed per institution and per patient, as the patient's app shows it.
 * A paid order with a pharmacy or check location carries a drug tip (取药码) whose id the pharmacy
 * scans for 药品核销: the first scan verifies it, later ones see it verified.
 */
export const PORTAL_TXNS = ['pushMsg', 'verificationDrug'] as const;
export type PortalTxn = (typeof PORTAL_TXNS)[number];

const DRUG_TYPES: Record<string, string> = { DRUG: '药品', CHECK: '检查', TEST: '检验' };

export class PortalGateway {
  constructor(
    private readonly deps: CenterDeps,
    private readonly gate: Gate,
  ) {}

  async handle(txn: PortalTxn, rawBody: WireText, source?: string): Promise<{ body: WireObject; traceId: string; code: string }> {
    const traceId = randomUUID();
    const now = this.deps.clock();
    let app: AppConfig | undefined;
    let orgId = '';
    let appIdText = '';
    try {
      const message = parseWireObject(rawBody, '请求报文');
      appIdText = typeof message.appId === 'string' ? message.appId : '';
      orgId = typeof message.orgId === 'string' ? message.orgId : '';
      app = this.gate.app(appIdText);
      app = this.gate.require(appIdText);
      // During an appSecret rotation's overlap the previous secret opens it too; the answer is sealed
      // with the secret the request used (docs/apps.md).
      const rotated = openWithRotation(app, now, (k) => openPortalRequest(message, { appId: k.appId, appSecret: k.appSecret }, { signTypes: ['SM3', 'SM2'] }));
      const opened = rotated.opened;
      app = rotated.keys;
      if (opened.orgId !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'orgId: 与应用所属机构不符（机构ID）', { field: 'orgId' });
      const features = app.portal ?? PORTAL_TXNS;
      if (!features.includes(txn)) throw new YibaoError(ErrorCode.NOT_OPENED, `该功能未开放：${txn}`);
      await this.gate.admitVerified(app, { timestamp: opened.timestamp, now, signature: signatureIdentity(opened.signType, opened.signData) });
      requireValid(txn, opened.plainData);
      const data = txn === 'pushMsg' ? await this.pushMsg(app, opened.plainData) : await this.verificationDrug(app, opened.plainData, traceId);
      this.deps.log.info({ traceId, txn, appId: app.appId, code: ErrorCode.PORTAL_OK }, 'portal request');
      return { traceId, code: ErrorCode.PORTAL_OK, body: sealPortalResponse({ code: ErrorCode.PORTAL_OK, message: '成功', data, orgId }, { appId: app.appId, appSecret: app.appSecret }) };
    } catch (err) {
      const e = asYibaoError(err, this.deps.log, traceId, { txn });
      this.deps.log.info({ traceId, txn, appId: appIdText || undefined, code: e.code }, 'portal request refused');
      return { traceId, code: e.code, body: sealPortalResponse({ code: e.code, message: e.message, orgId }, { appId: app?.appId ?? appIdText, appSecret: app?.appSecret ?? '' }) };
    }
  }

  private async pushMsg(app: AppConfig, d: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (d.orgCode !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.orgCode: 与应用所属机构不符（机构编号）', { field: 'data.orgCode' });
    const paid = d.orderStatus === 'MERCHANT_PAID';
    const drugType = paid && d.takeMedicineLoc ? 'DRUG' : paid && d.checkItem ? 'CHECK' : undefined;
    await this.deps.store.transaction(async (tx) => {
      // One message per order and status: a repeated push (a retry) updates it and keeps its drug tip,
      // so one payment never yields two tips to collect. Partial refunds may be several: each is its
      // own message, unless it repeats one already kept word for word.
      if (d.orderStatus === 'MERCHANT_PART_REFUNDED') {
        const same = await tx.query('SELECT 1 FROM portal_messages WHERE org_code = $1 AND med_org_ord = $2 AND order_status = $3 AND data = $4::jsonb', [app.orgCodg, d.medOrgOrd, d.orderStatus, JSON.stringify(d)]);
        if (same.length > 0) return;
      }
      await tx.query(
        `INSERT INTO portal_messages (app_id, org_code, med_org_ord, pay_ord_id, order_status, push_type, patient_name, id_type, id_no, data, drug_tips_id, drug_type, drug_status)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
         ON CONFLICT (org_code, med_org_ord, order_status) WHERE order_status <> 'MERCHANT_PART_REFUNDED' DO UPDATE SET
           pay_ord_id = EXCLUDED.pay_ord_id, push_type = EXCLUDED.push_type, patient_name = EXCLUDED.patient_name,
           id_type = EXCLUDED.id_type, id_no = EXCLUDED.id_no, data = EXCLUDED.data, updated_at = now(),
           drug_tips_id = COALESCE(portal_messages.drug_tips_id, EXCLUDED.drug_tips_id),
           drug_type = COALESCE(portal_messages.drug_type, EXCLUDED.drug_type),
           drug_status = COALESCE(portal_messages.drug_status, EXCLUDED.drug_status)`,
        [
          app.appId,
          app.orgCodg,
          d.medOrgOrd,
          d.payOrdId || null,
          d.orderStatus,
          d.pushType,
          d.patientName,
          d.idType,
          String(d.idNo).trim(),
          JSON.stringify(d),
          drugType ? randomDigits(12) : null,
          drugType ?? null,
          drugType ? 'WAIT' : null,
        ],
      );
      // A fully refunded order's tips are void: nothing is to be collected for it any more.
      if (d.orderStatus === 'MERCHANT_REFUNDED') {
        await tx.query(`UPDATE portal_messages SET drug_status = 'CANCELLED' WHERE org_code = $1 AND med_org_ord = $2 AND drug_status = 'WAIT'`, [app.orgCodg, d.medOrgOrd]);
      }
    });
    return { response: 'SUCCESS' };
  }

  private async verificationDrug(app: AppConfig, d: Record<string, unknown>, traceId: string): Promise<Record<string, unknown>> {
    const id = String(d.mobileDrugTipsId);
    // qr and bar carry the same id; the type says how it was read.
    const row = await this.deps.store.transaction(async (tx) => {
      const found = await tx.query<{ id: number; drug_type: string; drug_status: string }>('SELECT id, drug_type, drug_status FROM portal_messages WHERE drug_tips_id = $1 AND org_code = $2 FOR UPDATE', [id, app.orgCodg]);
      const r = found[0];
      if (!r) throw new YibaoError(ErrorCode.BUSINESS, `取药ID不存在：mobileDrugTipsId=${id}`, { field: 'data.mobileDrugTipsId' });
      if (r.drug_status === 'CANCELLED') throw new YibaoError(ErrorCode.BUSINESS, `取药凭证已作废：订单已全额退款，请勿发药/执行（mobileDrugTipsId=${id}）`, { field: 'data.mobileDrugTipsId' });
      if (r.drug_status === 'WAIT') await tx.query(`UPDATE portal_messages SET drug_status = 'DONE', verified_at = now() WHERE id = $1`, [r.id]);
      return r;
    });
    const already = row.drug_status === 'DONE';
    return {
      traceId,
      drugStatus: 'DONE',
      drugStatusDesc: already ? `已核销，请勿重复${row.drug_type === 'DRUG' ? '取药' : '核销'}` : row.drug_type === 'DRUG' ? '核销成功，请取药' : '核销成功',
      drugType: row.drug_type,
      drugTypeDesc: DRUG_TYPES[row.drug_type] ?? row.drug_type,
    };
  }
}

export interface PortalMessageView {
  id: number;
  orgCode: string;
  medOrgOrd: string;
  payOrdId: string | null;
  orderStatus: string;
  pushType: string;
  patientName: string;
  idNo: string;
  deptName: string;
  deptLoc: string;
  drName: string;
  waitingNum: string;
  scheduledTime: string;
  /** The institution's own time of the message (createTime), as the app shows it. */
  createTime: string;
  refundReason: string;
  takeMedicineLoc: string;
  checkItem: string;
  drugTipsId: string | null;
  drugType: string | null;
  drugStatus: string | null;
  createdAt: Date;
}

/** Pushed messages, per institution or per patient (by ID number), newest first. Names and IDs masked unless `reveal`. */
export async function listPortalMessages(deps: CenterDeps, f: { orgCode?: string; idNo?: string; limit?: number }, reveal = false): Promise<PortalMessageView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.orgCode) {
    params.push(f.orgCode);
    where.push(`org_code = $${params.length}`);
  }
  if (f.idNo) {
    params.push(f.idNo.trim());
    where.push(`id_no = $${params.length}`);
  }
  params.push(Number.isFinite(f.limit) ? Math.min(Math.max(Math.trunc(f.limit!), 1), 500) : 50);
  const rows = await deps.store.query<Record<string, any>>(`SELECT * FROM portal_messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`, params);
  return rows.map((r) => ({
    id: r.id,
    orgCode: r.org_code,
    medOrgOrd: r.med_org_ord,
    payOrdId: r.pay_ord_id,
    orderStatus: r.order_status,
    pushType: r.push_type,
    patientName: reveal ? r.patient_name : maskName(r.patient_name),
    idNo: reveal ? r.id_no : maskIdNo(r.id_no),
    deptName: r.data?.deptName ?? '',
    deptLoc: r.data?.deptLoc ?? '',
    drName: r.data?.drName ?? '',
    waitingNum: r.data?.waitingNum ?? '',
    scheduledTime: r.data?.scheduledTime ?? '',
    createTime: r.data?.createTime ?? '',
    refundReason: r.data?.refundReason ?? '',
    takeMedicineLoc: r.data?.takeMedicineLoc ?? '',
    checkItem: r.data?.checkItem ?? '',
    drugTipsId: r.drug_tips_id,
    drugType: r.drug_type,
    drugStatus: r.drug_status,
    createdAt: r.created_at,
  }));
}
