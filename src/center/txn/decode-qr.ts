import type { WireObject } from 'yibao/protocol';
import type { TxnContext } from '../context.js';
import { text } from '../context.js';
import { assertOwnOrg, invalid, upstream } from '../errors.js';

/**
 * 【6101】解析医保电子凭证二维码 (mobile-payment.txt 2.3.1.1.1). The spec gives no path and no field
 * for the QR value itself (it is read by the national e-voucher DLL); yibao's HTTP form takes it as
 * `ecQrCode` beside the spec's fields (docs/center.md).
 */
export async function decodeQr(ctx: TxnContext): Promise<WireObject> {
  const { data, app, deps, tx, now } = ctx;
  assertOwnOrg(data.orgId, app, 'data.orgId', '机构 ID');
  const qrCode = text(data, 'ecQrCode');
  if (qrCode === '') throw invalid('data.ecQrCode', '必填（电子凭证二维码值）');
  const id = await upstream(() =>
    deps.upstreams.evoucher.decodeQrCode({ tx, now }, { qrCode, orgId: app.orgCodg, businessType: text(data, 'businessType') }),
  );
  const out: WireObject = {
    userName: id.userName,
    idNo: id.idNo,
    idType: id.idType,
    ecToken: id.ecToken,
    insuOrg: id.insuOrg,
  };
  for (const f of ['authNo', 'ecIndexNo', 'gender', 'birthday', 'nationality', 'email'] as const) {
    if (id[f] !== undefined) out[f] = id[f]!;
  }
  return out;
}
