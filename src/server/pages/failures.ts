import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { PatientFailure } from './layout.js';

/**
 * What a patient reads when something fails (issue 11: never a protocol code as the message): what
 * happened and what to do next. The code goes to the small print and the cause to the operator's log.
 */
export function patientFailure(err: unknown, backUrl: string | undefined): PatientFailure {
  const code = err instanceof YibaoError ? err.code : ErrorCode.SYSTEM;
  const message = err instanceof YibaoError ? err.message : '';
  const back = backUrl ? { backUrl, backText: '返回医院页面' } : {};
  const f = (title: string, text: string): PatientFailure => ({ title, text, code, ...back });
  if (code === ErrorCode.CRYPTO || code === ErrorCode.UNKNOWN_APP || (code === ErrorCode.INVALID_PARAM && /chnlEncData|chnlAppId|payOrdId/.test(message))) {
    return f('支付链接无效', '这个支付链接不完整或已失效。请回到医院页面，重新发起医保支付。');
  }
  if (/订单不存在/.test(message)) return f('没有找到这笔订单', '订单可能已被医院撤销，或链接有误。请回到医院页面重新发起支付。');
  if (/银行卡支付地址无效/.test(message)) return f('支付页面已失效', '这个银行卡支付页面已经失效。请回到医院页面重新发起支付。');
  if (code === ErrorCode.FORBIDDEN) {
    if (/过期/.test(message)) return f('授权已过期', '医保电子凭证的支付授权已过期。请回到医院页面，重新授权后再支付。');
    if (/已使用/.test(message)) return f('授权已使用', '这次支付授权已经用过了。请回到医院页面查看订单，如需再次支付请重新授权。');
    return f('授权无效', '医保电子凭证的支付授权与这笔订单不符。请回到医院页面，重新授权后再支付。');
  }
  if (code === ErrorCode.INVALID_PARAM && /chnlType/.test(message)) return f('该支付方式不可用', '请选择页面上列出的支付方式后再试。');
  if (/redirectUrl/.test(message)) return f('医院暂未开通收银台', '这家医院还没有开通医保收银台。请回到医院页面选择其他方式，或到收费窗口缴费。');
  if (code === ErrorCode.BUSINESS && /状态不能支付/.test(message)) return f('订单当前不能支付', '这笔订单已在处理或已结束。请回到医院页面查看订单状态，请勿重复支付。');
  return f('暂时无法支付', '医保服务暂时没有响应，请稍后再试。如已扣款请勿重复支付，可回到医院页面查看订单。');
}
