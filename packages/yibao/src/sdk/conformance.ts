import { randomUUID } from 'node:crypto';
import { generateKeyPair } from '../crypto/keys.js';
import type { EnvelopeKeys } from '../protocol/envelope.js';
import { stringifyWire, type WireObject } from '../protocol/json.js';
import { openResponse, sealRequest, type OpenedResponse } from '../protocol/mobile.js';
import { formatCompact } from '../protocol/time.js';
import { canonicalize, canonicalJson, hasNestedScalar } from '../protocol/signstring.js';
import { exampleData, getTxn, toWire } from '../spec/index.js';
import { yuanToFen } from '../spec/money.js';
import { YibaoClient } from './client.js';
import { demoUpload, personWithCash } from './demo-data.js';

/**
 * `yibao conformance`: a scripted suite of checks against any mobile payment center — signatures,
 * encryption, each transaction's happy path where the center allows it, required-field errors, replay
 * rejection and the money invariant. It uses only the spec; yibao's sandbox helpers, when present,
 * supply a test person and an authorisation (otherwise --qr-code / --pay-auth-no do).
 */
export interface ConformanceOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  privateKey: string;
  platformPublicKey: string;
  orgCodg?: string;
  /** A test person's e-voucher QR value (6101). */
  qrCode?: string;
  psnNo?: string;
  insutype?: string;
  /** A payment authorisation for that person (single use). */
  payAuthNo?: string;
  fetch?: typeof fetch;
  /** Progress lines. */
  log?: (line: string) => void;
}

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface ConformanceReport {
  baseUrl: string;
  appId: string;
  startedAt: string;
  finishedAt: string;
  summary: { passed: number; failed: number; skipped: number };
  checks: CheckResult[];
  /**
   * How the center writes nested numbers and booleans in its sign strings (signstring.ts
   * ScalarStyle), seen on a reply that has some; undefined when no reply told the forms apart.
   */
  centerScalarStyle?: 'json' | 'string';
}

class Skip extends Error {}

interface SandboxInfo {
  apps?: Array<{ appId: string; orgCodg: string }>;
  persons: Array<{ psnNo: string; insutype: string; qrCode: string; balance?: string }>;
}

export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const startedAt = new Date().toISOString();
  const baseUrl = o.baseUrl.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;
  const keys: EnvelopeKeys = { appId: o.appId, appSecret: o.appSecret, privateKey: o.privateKey, peerPublicKey: o.platformPublicKey };
  const checks: CheckResult[] = [];
  const state: Record<string, any> = {};

  async function check(id: string, name: string, fn: () => Promise<string>): Promise<void> {
    let result: CheckResult;
    try {
      result = { id, name, status: 'pass', detail: await fn() };
    } catch (err) {
      result = err instanceof Skip ? { id, name, status: 'skip', detail: err.message } : { id, name, status: 'fail', detail: err instanceof Error ? err.message : String(err) };
    }
    checks.push(result);
    o.log?.(`${result.status === 'pass' ? '✔' : result.status === 'skip' ? '-' : '✘'} ${id} ${name}${result.detail ? `：${result.detail}` : ''}`);
  }
  const must = (cond: unknown, message: string) => {
    if (!cond) throw new Error(message);
  };

  /** Sends a raw message and returns the raw reply text. */
  async function post(txn: string, message: WireObject | string): Promise<string> {
    const res = await doFetch(`${baseUrl}${getTxn(txn).path}`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: typeof message === 'string' ? message : stringifyWire(message) });
    return res.text();
  }
  let centerScalarStyle: 'json' | 'string' | undefined;
  const open = (raw: string): OpenedResponse => {
    const r = openResponse(raw, keys);
    // Only a reply with a nested number or boolean tells the two forms apart.
    if (r.data !== undefined && hasNestedScalar({ data: r.data })) centerScalarStyle = r.scalarStyle;
    return r;
  };

  let sandbox: SandboxInfo | undefined;
  try {
    const res = await doFetch(`${baseUrl}/sandbox`);
    if (res.ok) sandbox = (await res.json()) as SandboxInfo;
  } catch {
    sandbox = undefined;
  }
  // The institution code: given, or the sandbox's record of this appId (an appId is bound to one orgCodg).
  const orgCodg = o.orgCodg ?? sandbox?.apps?.find((a) => a.appId === o.appId)?.orgCodg;
  const client = new YibaoClient({ baseUrl, appId: o.appId, appSecret: o.appSecret, privateKey: o.privateKey, platformPublicKey: o.platformPublicKey, retries: 0, ...(orgCodg ? { orgCodg } : {}), ...(o.fetch ? { fetch: o.fetch } : {}) });
  const queryNobody = { payOrdId: `ORD-CONFORMANCE-${randomUUID().slice(0, 8)}`, orgCodg: orgCodg ?? 'H00000000000', payToken: 'X', idNo: '110101199001010000', userName: '测试', idType: '01' };
  const person = sandbox?.persons.find((p) => p.qrCode === o.qrCode) ?? (sandbox ? personWithCash(sandbox.persons) : undefined);
  const qrCode = o.qrCode ?? person?.qrCode;

  await check('signature.reply', '应答带签名且可用平台公钥验证', async () => {
    const raw = await post('6301', sealRequest(toWire(getTxn('6301').input, queryNobody), keys));
    const r = open(raw);
    // Kept only once it verifies: the tamper check below means something only against a reply that did.
    state.replyRaw = raw;
    return `code=${r.code}，signType=${r.signType}`;
  });
  await check('signature.coversCode', '应答签名覆盖 code/message（篡改即验签失败）', async () => {
    if (!state.replyRaw) throw new Skip('signature.reply 未通过：没有可验签的应答可供篡改');
    const m = JSON.parse(state.replyRaw);
    m.code = m.code === '0' ? '-1' : '0';
    m.message = '篡改';
    let rejected = false;
    try {
      open(JSON.stringify(m));
    } catch {
      rejected = true;
    }
    must(rejected, '篡改 code 后的应答仍能验签通过：中心未对 code 签名');
    return '篡改后验签失败';
  });
  await check('app.unknown', '未知 appId 被拒绝', async () => {
    const m = sealRequest(toWire(getTxn('6301').input, queryNobody), { ...keys, appId: `UNKNOWN${randomUUID().replace(/-/g, '')}`.slice(0, 32) });
    const raw = await post('6301', m);
    const body = JSON.parse(raw);
    must(String(body.code) !== '0', '未知 appId 被受理');
    return `code=${body.code} ${body.message ?? ''}`;
  });
  for (const [txn, field] of [
    ['6201', 'psnNo'],
    ['6202', 'payAuthNo'],
    ['6203', 'refdType'],
    ['6301', 'payToken'],
    ['6401', 'idNo'],
  ] as const) {
    await check(`required.${txn}`, `${txn} 缺少必填字段 ${field} 被拒绝并指明字段`, async () => {
      const data = exampleData(getTxn(txn).input);
      delete data[field];
      if ('orgCodg' in data && orgCodg) data.orgCodg = orgCodg;
      const r = open(await post(txn, sealRequest(toWire(getTxn(txn).input, data), keys)));
      must(r.code !== '0', '缺少必填字段的请求被受理');
      must(r.message.includes(field), `错误信息未指明字段 ${field}：${r.message}`);
      return `code=${r.code} ${r.message.slice(0, 60)}`;
    });
  }

  // Happy paths, where the center gives us a person.
  const needPerson = () => {
    if (!orgCodg) throw new Skip('需要定点医药机构代码（--org-codg），或 yibao 沙箱');
    if (!qrCode) throw new Skip('需要测试参保人的电子凭证二维码（--qr-code），或 yibao 沙箱');
  };
  await check('happy.6101', '6101 解析电子凭证二维码', async () => {
    needPerson();
    const id = await client.decodeQr({ businessType: '01101', operatorId: 'CONF', operatorName: '一致性测试', officeId: 'K1', officeName: '内科', ecQrCode: qrCode });
    state.id = id;
    return `${id.userName.slice(0, 1)}* ${id.insuOrg}`;
  });
  await check('encryption.reply', '含 data 的应答已 SM4 加密', async () => {
    needPerson();
    const raw = await post('6101', sealRequest({ orgId: orgCodg ?? '', businessType: '01101', operatorId: 'CONF', operatorName: '一致性测试', officeId: 'K1', officeName: '内科', ecQrCode: qrCode }, keys));
    const body = JSON.parse(raw);
    must(body.code === '0' || body.code === 0, `6101 未成功：${body.code} ${body.message}`);
    must(typeof body.encData === 'string' && body.encData.length > 0 && body.data === undefined, '应答 data 未加密');
    // Present is not enough: it must decrypt with the app's key and verify.
    const r = open(raw);
    must(r.encType === 'SM4' && r.plainData !== undefined && typeof (r.plainData as Record<string, unknown>).idNo === 'string', '应答 encData 解密后不是 6101 的数据');
    return `encData ${body.encData.length} 位十六进制，解密并验签通过`;
  });
  const upload = async () => {
    if (!state.id) throw new Skip('6101 未通过');
    const psnNo = o.psnNo ?? person?.psnNo;
    const insutype = o.insutype ?? person?.insutype ?? '310';
    if (!psnNo) throw new Skip('需要人员编号（--psn-no）');
    const data = demoUpload({ orgCodg: orgCodg ?? '', psnNo, idNo: state.id.idNo, userName: state.id.userName, idType: state.id.idType, insutype, ecToken: state.id.ecToken });
    const up = await client.uploadFees(data);
    return { data, up };
  };
  const money = (reply: object, own = 'ownPayAmt') => {
    const d = reply as Record<string, unknown>;
    const [fee, fund, acct, cash, oth] = ['feeSumamt', 'fundPay', 'psnAcctPay', own, 'othFeeAmt'].map((f) => yuanToFen(String(d[f] ?? '0')));
    must(fee === fund! + acct! + cash! + oth!, `feeSumamt ${d.feeSumamt} ≠ fundPay ${d.fundPay} + psnAcctPay ${d.psnAcctPay} + ${own} ${d[own]} + othFeeAmt ${d.othFeeAmt ?? '0'}`);
    return `${d.feeSumamt} = ${d.fundPay} + ${d.psnAcctPay} + ${d[own]} + ${d.othFeeAmt ?? '0.00'}`;
  };
  await check('happy.6201', '6201 费用明细上传', async () => {
    const { data, up } = await upload();
    state.upload = { data, up };
    return `payOrdId=${up.payOrdId}`;
  });
  const payAuth = async (): Promise<string> => {
    if (o.payAuthNo) return o.payAuthNo;
    if (!sandbox) throw new Skip('需要支付授权码（--pay-auth-no），或 yibao 沙箱');
    const psnNo = o.psnNo ?? person?.psnNo;
    const res = await doFetch(`${baseUrl}/sandbox/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ psnNo, ...(orgCodg ? { orgCodg } : {}) }) });
    return String(((await res.json()) as { payAuthNo: string }).payAuthNo);
  };
  await check('happy.6202', '6202 支付下单', async () => {
    if (!state.upload) throw new Skip('6201 未通过');
    const { data, up } = state.upload;
    const req = { payAuthNo: await payAuth(), payOrdId: up.payOrdId, payToken: up.payToken, orgBizSer: `BS${randomUUID().replace(/-/g, '').slice(0, 24)}`, chrgBchno: data.chrgBchno, feeType: '01', mdtrtId: String((up.extData as Record<string, unknown> | undefined)?.mdtrtId ?? data.mdtrtId ?? '') };
    const paid = await client.payOrder(req);
    state.paid = paid;
    state.payReq = req;
    return `ordStas=${paid.ordStas}`;
  });
  await check('money.6202', '6202 金额恒等：feeSumamt = fundPay + psnAcctPay + ownPayAmt + othFeeAmt', async () => {
    if (!state.paid) throw new Skip('6202 未通过');
    return money(state.paid);
  });
  await check('idempotency.orgBizSer', '同一 orgBizSer 重复下单不会二次扣款', async () => {
    if (!state.paid) throw new Skip('6202 未通过');
    let again: object | undefined;
    try {
      again = await client.payOrder(state.payReq);
    } catch {
      again = undefined; // refusing the duplicate is also conformant
    }
    // Key order is not meaningful in JSON; compare canonically.
    if (again) must(canonicalJson(canonicalize(again as Record<string, unknown>)) === canonicalJson(canonicalize(state.paid)), '重复请求得到不同的应答');
    return again ? '返回首次应答' : '重复请求被拒绝';
  });
  await check('happy.6301', '6301 结算结果查询，金额恒等', async () => {
    if (!state.paid) throw new Skip('6202 未通过');
    const { up } = state.upload;
    const q = await client.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: state.id.idNo, userName: state.id.userName, idType: state.id.idType });
    must(q.payOrdId === up.payOrdId, 'payOrdId 不符');
    state.query = q;
    return `ordStas=${q.ordStas}；${money(q)}`;
  });
  // The security checks send a query for a real, paid order when the happy path made one: a center
  // that skipped the check would answer it with code 0, so a refusal proves the check ran. Without a
  // real order only the spec's own code counts, since "order not found" would refuse anything.
  const probe = (): Record<string, unknown> => {
    if (!state.query) return queryNobody;
    const { up } = state.upload;
    return { payOrdId: up.payOrdId, payToken: up.payToken, idNo: state.id.idNo, userName: state.id.userName, idType: state.id.idType, ...(orgCodg ? { orgCodg } : {}) };
  };
  await check('signature.scalarStyle', '中心签名串中嵌套数值/布尔值的写法（json 或 string）', async () => {
    if (!state.query) throw new Skip('6301 未通过：没有带金额的应答可供判断');
    const r = open(await post('6301', sealRequest(toWire(getTxn('6301').input, probe()), keys)));
    must(r.code === '0', `code=${r.code} ${r.message}`);
    if (centerScalarStyle === undefined) throw new Skip('应答中没有嵌套的数值或布尔值，两种写法相同');
    return centerScalarStyle === 'json'
      ? 'json（"feeSumamt":96.00，按 2.2.3.1 字面）'
      : 'string（"feeSumamt":"96.00"，国家平台 demo 的 SignUtil 写法；本机构发送时可设 scalarStyle: "string"）';
  });
  const probeMessage = (sealKeys: EnvelopeKeys = keys, opts: { timestamp?: string } = {}) => sealRequest(toWire(getTxn('6301').input, probe()), sealKeys, opts);
  /** `expect`: the spec's codes for this refusal, the first the usual one. */
  const refusedProbe = (r: OpenedResponse, ...expect: string[]) => {
    must(r.code !== '0', state.query ? '对真实订单的请求被受理（code=0）：中心未做此项检查' : '应被拒绝，实际 code=0');
    if (!state.query) must(expect.includes(r.code), `code=${r.code}，不是规范码 ${expect.join(' 或 ')}；没有真实订单作对照，无法区分“被拒绝”与“订单不存在”`);
    return `code=${r.code}${expect.includes(r.code) ? '' : `（规范码表为 ${expect.join(' 或 ')}）`} ${r.message}${state.query ? '（对真实订单）' : ''}`;
  };
  await check('signature.badRequest', '错误签名的请求被拒绝', async () => {
    const other = generateKeyPair();
    return refusedProbe(open(await post('6301', probeMessage({ ...keys, privateKey: other.privateKey }))), '000102');
  });
  await check('encryption.tampered', '篡改 encData 的请求被拒绝', async () => {
    const m = probeMessage();
    const enc = String(m.encData);
    m.encData = enc.slice(0, 8) + (enc[8] === 'A' ? 'B' : 'A') + enc.slice(9);
    // Garbled ciphertext fails decryption (000101 系统接口加密失败) or the signature over what it
    // decrypts to (000102): either is the spec's answer.
    return refusedProbe(open(await post('6301', m)), '000102', '000101');
  });
  await check('replay.sameSignature', '同一报文重复提交被拒绝（防重放）', async () => {
    const m = probeMessage();
    const first = open(await post('6301', m));
    if (state.query) must(first.code === '0', `对照请求未被受理：code=${first.code} ${first.message}`);
    return refusedProbe(open(await post('6301', m)), '010010');
  });
  await check('replay.staleTimestamp', '超出时间窗口的时间戳被拒绝', async () => {
    return refusedProbe(open(await post('6301', probeMessage(keys, { timestamp: formatCompact(new Date(Date.now() - 15 * 60_000)) }))), '010010');
  });
  await check('happy.6203', '6203 退费（现金部分 1.00 元）', async () => {
    if (!state.query) throw new Skip('6301 未通过');
    if (yuanToFen(String(state.query.ownPayAmt)) < 100) throw new Skip('订单现金部分不足 1.00 元');
    const r = await client.refund({ payOrdId: state.upload.up.payOrdId, totlRefdAmt: '1.00', cashRefdAmt: '1.00', refdType: 'CASH', ecToken: state.id.ecToken });
    must(['SUCC', 'EXP', 'FAIL'].includes(String(r.refStatus)), `refStatus 不在字典内：${r.refStatus}`);
    return `refStatus=${r.refStatus}`;
  });
  await check('happy.6205', '6205 银行卡支付下单（返回银行卡混合支付地址）', async () => {
    if (!state.upload) throw new Skip('6201 未通过');
    const { up } = await upload();
    const r = await client.bankCardPay({ payAuthNo: await payAuth(), payOrdId: up.payOrdId, payToken: up.payToken });
    must(/^https?:\/\//.test(String(r.medBankPayUrl)), `medBankPayUrl 不是 URL：${r.medBankPayUrl}`);
    state.bankUpload = up;
    return `medBankPayUrl=${String(r.medBankPayUrl).slice(0, 60)}…`;
  });
  await check('happy.6401', '6401 撤销未结算的上传', async () => {
    if (!state.upload) throw new Skip('6201 未通过');
    const { up } = await upload();
    const r = await client.revokeUpload({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: state.id.idNo, userName: state.id.userName, idType: state.id.idType });
    must(r.success === true || (r.success as unknown) === 'true', 'success 不为 true');
    return 'success=true';
  });

  const summary = { passed: checks.filter((c) => c.status === 'pass').length, failed: checks.filter((c) => c.status === 'fail').length, skipped: checks.filter((c) => c.status === 'skip').length };
  return { baseUrl, appId: o.appId, startedAt, finishedAt: new Date().toISOString(), summary, checks, ...(centerScalarStyle ? { centerScalarStyle } : {}) };
}
