import { fenToYuan, yuanToFen } from 'yibao/spec';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelClient } from 'yibao/sdk';
import { YibaoClient } from 'yibao/sdk';
import { demoUpload } from 'yibao/sdk';
import { OneCodeClient } from 'yibao/sdk';
import { TerminalClient } from 'yibao/sdk';
import { formatDateTime } from 'yibao/protocol';
import { maskName, maskToken } from '../util/mask.js';
import { demoSubject, DemoFailure, DemoSteps, sandboxInfo, sandboxPost, type DemoResult } from './demo-steps.js';
import type { Io } from './io.js';
import type { Credentials } from './sandbox-file.js';

const DEVICE = { opterId: 'DEMO', opterName: '演示收款员', devId: '00-00-5E-00-53-01', devIP: '127.0.0.1' };
const OPERATOR = { operatorId: 'DEMO', operatorName: '演示收款员' };

/**
 * `yibao demo --one-code`: 刷脸一码付 先医保后自费 (face-one-code-pay.txt 4.1 steps 1–16) against the
 * sandbox: the patient enables one-code-pay in a channel and scans their face at the terminal
 * (cn.nhsa.ec.auth, cn.nhsa.auth.check), the HIS settles the insurance part (6201, 6202 with the
 * face's authNo), asks the module for the user's status and a payCert for the cash part, places the
 * self-pay order with the channel, receives the channel's signed notification, sees the order complete
 * (6301), and shows the result on the terminal (cn.nhsa.settle.notify).
 */
export async function runOneCodeDemo(cred: Credentials, io: Io, opts: { json?: boolean; psnNo?: string; notifyTimeoutMs?: number } = {}): Promise<DemoResult> {
  const baseUrl = cred.baseUrl.replace(/\/+$/, '');
  const run = new DemoSteps(io, !!opts.json);
  const step = run.run.bind(run);
  const keys = { baseUrl, appId: cred.appId, appSecret: cred.appSecret };
  const channel = new ChannelClient(keys);
  let sink: Server | undefined;
  const notices: Array<Record<string, unknown>> = [];

  try {
    // Someone whose personal account does not cover the bill, so that there is cash to collect.
    const { orgCodg, orgName, person } = demoSubject(cred, await sandboxInfo(baseUrl), opts.psnNo);
    const center = new YibaoClient({ ...keys, privateKey: cred.privateKey, platformPublicKey: cred.platformPublicKey, orgCodg });
    const terminal = new TerminalClient({ ...keys, orgId: orgCodg });
    const onecode = new OneCodeClient({ ...keys, privateKey: cred.privateKey, platformPublicKey: cred.platformPublicKey, fixmedinsCode: orgCodg, fixmedinsName: orgName, mdtrtareaAdmvs: treatmentArea(orgCodg, person.insuAdmdvs) });

    // The HIS's endpoint for the channel's notification (step 15).
    sink = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        try {
          notices.push(channel.verifyNotification(body));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"SUCCESS"}');
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"FAIL","message":"签名无效"}');
        }
      });
    });
    await new Promise<void>((r) => sink!.listen(0, '127.0.0.1', r));
    const notifyUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/his/channel-notify`;

    await step('1', '参保人在支付宝开通一码付（沙箱）', async () => {
      await sandboxPost(baseUrl, '/sandbox/onecode/signing', { psnNo: person.psnNo, chnlType: 'ALI', status: 'ENABLED' });
      return [undefined, { chnlType: 'ALI' }, '已签约'];
    });
    await step('3', '参保人在终端刷脸（沙箱）', async () => {
      await sandboxPost(baseUrl, '/sandbox/terminal/face', { psnNo: person.psnNo, orgCodg });
      return [undefined, {}, '人脸已采集'];
    });
    const auth = await step('cn.nhsa.ec.auth', '刷脸获取医保用户身份授权', async () => {
      const r = await terminal.faceAuth({ businessType: '01101', ...OPERATOR, officeId: 'NK01', officeName: '内科门诊' });
      // authNo authorises payment (it is 6202's payAuthNo): shown masked, as the other demo shows none.
      return [r, { authNo: maskToken(r.authNo), outBizNo: r.outBizNo }, `authNo ${maskToken(r.authNo)}`];
    });
    const id = await step('cn.nhsa.auth.check', '获取医保用户身份信息', async () => {
      const r = await terminal.authCheck({ authNo: auth.authNo, outBizNo: auth.outBizNo, businessType: '01101', ...OPERATOR });
      return [r, { userName: maskName(r.userName), insuOrg: r.insuOrg }, `${maskName(r.userName)} 参保地 ${r.insuOrg}，fecToken 已获取`];
    });
    const upload = demoUpload({ orgCodg, psnNo: person.psnNo!, idNo: id.idNo, userName: id.userName, idType: id.idType, insutype: person.insutype!, ecToken: id.ecToken });
    const up = await step('6201', '费用明细上传', async () => {
      const r = await center.uploadFees(upload as never);
      return [r, { payOrdId: r.payOrdId, medfeeSumamt: upload.medfeeSumamt }, `payOrdId ${r.payOrdId}  费用总额 ${String(upload.medfeeSumamt)}`];
    });
    const paid = await step('6202', '医保结算（先医保，现金部分由机构收取）', async () => {
      const r = await center.payOrder({
        payAuthNo: auth.authNo,
        payOrdId: up.payOrdId,
        payToken: up.payToken,
        chrgBchno: upload.chrgBchno,
        feeType: '01',
        mdtrtId: String((up.extData as { mdtrtId?: string } | undefined)?.mdtrtId ?? ''),
        expContent: JSON.stringify({ ownPayBy: 'HIS' }),
      } as never);
      if (r.ordStas !== '4' && r.ordStas !== '6') throw new Error(`订单状态 ${r.ordStas}，医保未结算`);
      const figures = { feeSumamt: r.feeSumamt, fundPay: r.fundPay, psnAcctPay: r.psnAcctPay, ownPayAmt: r.ownPayAmt, othFeeAmt: r.othFeeAmt };
      return [r, { ordStas: r.ordStas, ...figures }, `费用总额 ${r.feeSumamt} = 基金 ${r.fundPay} + 个账 ${r.psnAcctPay} + 现金 ${r.ownPayAmt}`];
    });
    if (Number(paid.ownPayAmt) === 0) throw new DemoFailure('6202', 'NO_CASH', '本单无现金部分，无需一码付（换一位个账余额较少的参保人：--psn-no）');
    await step('oneCodeStatus', '查询用户一码付状态', async () => {
      const r = await onecode.queryOneCodeStatus({ token: id.ecToken, ...DEVICE });
      if (r.stasFlag !== '1') throw new DemoFailure('oneCodeStatus', `stasFlag ${r.stasFlag}`, r.abnRea || '一码付不可用');
      return [r, { ...r }, `${r.payChnlName} ${r.payChnlUserName} 可用`];
    });
    const fixmedinsTrnsSn = `TS${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const cert = await step('payCert', '获取一码付付款凭据', async () => {
      const r = await onecode.getPayCert({ token: id.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn, ...DEVICE });
      return [r, { payChnlName: r.payChnlName, ownPaySetlAmt: paid.ownPayAmt }, `付款凭据已获取，现金 ${paid.ownPayAmt}`];
    });
    const order = await step('14', '使用付款凭据向支付渠道自费下单', async () => {
      const r = await channel.pay({ payCert: cert.payCert, outTradeNo: fixmedinsTrnsSn, amount: paid.ownPayAmt, notifyUrl });
      if (r.status !== 'SUCC') throw new DemoFailure('14', r.status, r.message ?? '渠道收款失败');
      return [r, { tradeNo: r.tradeNo, amount: r.amount }, `渠道流水 ${r.tradeNo}  现金 ${r.amount}`];
    });
    await step('15', '收到支付渠道的现金结算通知', async () => {
      const until = Date.now() + (opts.notifyTimeoutMs ?? 15_000);
      while (!notices.some((n) => n.tradeNo === order.tradeNo)) {
        if (Date.now() > until) throw new Error('在等待时间内未收到渠道通知');
        await new Promise((r) => setTimeout(r, 50));
      }
      return [undefined, { tradeNo: order.tradeNo }, '已验签'];
    });
    const q = await step('6301', '医保订单结算结果查询', async () => {
      const r = await center.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: id.idNo, userName: id.userName, idType: id.idType });
      if (r.ordStas !== '6') throw new Error(`订单状态 ${r.ordStas}，未结算完成`);
      return [r, { ordStas: r.ordStas }, `ordStas ${r.ordStas} 结算完成`];
    });
    await step('cn.nhsa.settle.notify', '在终端显示结算结果', async () => {
      const r = await terminal.settleNotify({
        outBizNo: auth.outBizNo,
        medicalSettleState: 'SUCCESS',
        authNo: auth.authNo,
        ...OPERATOR,
        totalFee: q.feeSumamt,
        bizType: 'settle',
        setlTime: formatDateTime(),
        hospitalName: orgName,
        medicalSettleNo: up.payOrdId,
        ownAmt: q.ownPayAmt,
        // 医保报销费用: what insurance paid, fund and personal account (统筹 hifpAmt and 个账 acctAmt
        // are its parts), so that 医保报销 + 自费 is the total on the patient's screen.
        hifAmt: fenToYuan(yuanToFen(q.fundPay) + yuanToFen(q.psnAcctPay)),
        acctAmt: q.psnAcctPay,
        hifpAmt: q.fundPay,
      } as never);
      return [r, {}, `终端已显示：${baseUrl}/sandbox/terminal`];
    });
    run.say('全部步骤成功 / all steps passed');
    return run.result(baseUrl);
  } catch (err) {
    return run.result(baseUrl, err);
  } finally {
    if (sink) await new Promise((r) => sink!.close(r));
  }
}

/**
 * 就医地 (mdtrtarea_admvs) is where the institution is: a national institution code is H + its
 * six-digit area + a serial (H35010200227 → 350102). Otherwise the patient's insured area stands in.
 */
function treatmentArea(orgCodg: string, insured: string | undefined): string {
  const m = /^[A-Z](\d{6})\d+$/.exec(orgCodg);
  return m ? m[1]! : insured ?? '000000';
}
