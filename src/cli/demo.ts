import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCallbackHandler, type SettledEvent } from 'yibao/sdk';
import { lastResponse, YibaoClient } from 'yibao/sdk';
import { demoUpload } from 'yibao/sdk';
import { maskName } from '../util/mask.js';
import type { Credentials } from './sandbox-file.js';
import type { Io } from './io.js';
import { demoSubject, DemoFailure, DemoSteps, sandboxInfo, sandboxPost, type DemoResult } from './demo-steps.js';

export type { DemoResult, DemoStep } from './demo-steps.js';

/**
 * `yibao demo`: a whole outpatient payment against a center, by default the local sandbox:
 * 6101 → 6201 → authorise → 6202 → 6302 received → 6301 → 6203. Stops at the first failure, naming
 * the step and the center's code and message.
 */
export async function runDemo(cred: Credentials, io: Io, opts: { json?: boolean; psnNo?: string; callbackTimeoutMs?: number } = {}): Promise<DemoResult> {
  const baseUrl = cred.baseUrl.replace(/\/+$/, '');
  const run = new DemoSteps(io, !!opts.json);
  const step = run.run.bind(run);
  const say = run.say.bind(run);
  let receiver: Server | undefined;
  let previousNotifyUrl: string | null | undefined;
  const settled: SettledEvent[] = [];

  try {
    const sandbox = await sandboxInfo(baseUrl);
    const { orgCodg, person } = demoSubject(cred, sandbox, opts.psnNo);
    const client = new YibaoClient({ baseUrl, appId: cred.appId, appSecret: cred.appSecret, privateKey: cred.privateKey, platformPublicKey: cred.platformPublicKey, orgCodg });

    // A local 6302 receiver, and the sandbox app pointed at it for the demo.
    const handler = createCallbackHandler({ appId: cred.appId, appSecret: cred.appSecret, platformPublicKey: cred.platformPublicKey, onSettled: (e) => void settled.push(e) });
    receiver = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/yibao/notify`;
    previousNotifyUrl = sandbox.apps.find((a) => a.appId === cred.appId)?.notifyUrl;
    await fetch(`${baseUrl}/sandbox/apps/${cred.appId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notifyUrl }) });

    const id = await step('6101', '解析医保电子凭证二维码', async () => {
      const r = await client.decodeQr({ businessType: '01101', operatorId: 'DEMO', operatorName: '演示收款员', officeId: 'NK01', officeName: '内科门诊', ecQrCode: person.qrCode });
      return [r, { userName: maskName(r.userName), insuOrg: r.insuOrg }, `${maskName(r.userName)} 参保地 ${r.insuOrg}`];
    });
    const upload = demoUpload({ orgCodg, psnNo: person.psnNo!, idNo: id.idNo, userName: id.userName, idType: id.idType, insutype: person.insutype!, ecToken: id.ecToken });
    const up = await step('6201', '费用明细上传', async () => {
      const r = await client.uploadFees(upload as never);
      const pre = (r.extData as { preSetl?: Record<string, string> } | undefined)?.preSetl;
      return [r, { payOrdId: r.payOrdId, medfeeSumamt: upload.medfeeSumamt, ...(pre ? { preSetl: pre } : {}) }, `payOrdId ${r.payOrdId}  费用总额 ${String(upload.medfeeSumamt)}`];
    });
    const auth = await step('auth', '参保人授权（沙箱）', async () => {
      const body = await sandboxPost<{ payAuthNo: string }>(baseUrl, '/sandbox/auth', { psnNo: person.psnNo });
      return [body.payAuthNo, {}, 'payAuthNo 已获取'];
    });
    const paid = await step('6202', '支付下单', async () => {
      const r = await client.payOrder({ payAuthNo: auth, payOrdId: up.payOrdId, payToken: up.payToken, chrgBchno: upload.chrgBchno, feeType: '01', mdtrtId: String((up.extData as { mdtrtId?: string } | undefined)?.mdtrtId ?? '') });
      if (r.ordStas !== '6') {
        // Code 0 with another state: the center's message says why (e.g. 15: 自费部分支付失败).
        const said = lastResponse(r);
        throw new DemoFailure('6202', `ordStas=${r.ordStas}`, `订单状态 ${r.ordStas}，未结算完成${said?.message ? `：${said.message}` : ''}`);
      }
      const figures = { feeSumamt: r.feeSumamt, fundPay: r.fundPay, psnAcctPay: r.psnAcctPay, ownPayAmt: r.ownPayAmt, othFeeAmt: r.othFeeAmt };
      return [r, { ordStas: r.ordStas, ...figures }, `费用总额 ${r.feeSumamt} = 基金 ${r.fundPay} + 个账 ${r.psnAcctPay} + 现金 ${r.ownPayAmt}`];
    });
    await step('6302', '收到医保结算结果通知', async () => {
      const until = Date.now() + (opts.callbackTimeoutMs ?? 30_000);
      while (!settled.some((e) => e.data.payOrdId === up.payOrdId)) {
        if (Date.now() > until) throw new Error('在等待时间内未收到 6302 回调');
        await new Promise((r) => setTimeout(r, 100));
      }
      const e = settled.find((x) => x.data.payOrdId === up.payOrdId)!;
      return [e, { setlType: e.data.setlType, hiDocSn: e.data.hiDocSn }, `已验签${JSON.parse(e.raw).encData ? '、已解密' : ''}，setlType ${e.data.setlType}`];
    });
    const q = await step('6301', '医保订单结算结果查询', async () => {
      const r = await client.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: id.idNo, userName: id.userName, idType: id.idType });
      return [r, { ordStas: r.ordStas }, `ordStas ${r.ordStas}`];
    });
    void q;
    await step('6203', '医保退费（全部）', async () => {
      const r = await client.refund({ payOrdId: up.payOrdId, refdType: 'ALL', totlRefdAmt: paid.feeSumamt, cashRefdAmt: paid.ownPayAmt, fundRefdAmt: paid.fundPay, psnAcctRefdAmt: paid.psnAcctPay, ecToken: id.ecToken });
      if (r.refStatus !== 'SUCC') throw new Error(`refStatus ${r.refStatus}`);
      return [r, { refStatus: r.refStatus, refdSn: r.refdSn }, `退费 ${paid.feeSumamt}，refStatus ${r.refStatus}`];
    });
    say('全部步骤成功 / all steps passed');
    return run.result(baseUrl);
  } catch (err) {
    return run.result(baseUrl, err);
  } finally {
    if (receiver) await new Promise((r) => receiver!.close(r));
    // Put the app's notifyUrl back as it was, none included: a closed port must not keep receiving 6302s.
    if (previousNotifyUrl !== undefined) {
      await fetch(`${baseUrl}/sandbox/apps/${cred.appId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notifyUrl: previousNotifyUrl }) }).catch(() => {});
    }
  }
}
