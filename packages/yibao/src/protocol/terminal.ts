import { headerString, openEnvelope, sealEnvelope, type EnvelopeDefaults, type EnvelopeKeys, type OpenOptions, type OpenedEnvelope } from './envelope.js';
import { ErrorCode, YibaoError } from './errors.js';
import { isPlainObject, parseWireObject, toPlain, type WireObject } from './json.js';
import type { EncType, SignType } from './signer.js';
import { formatCompact, formatCompactMs, requireWireTime } from './time.js';

/**
 * The 医保业务综合服务终端 (service-terminal.txt). HIS integrations send `{orgId, transType, data}`
 * (the terminal DLL's InputBasePost) and read `data` back with code 0000 for success. The spec refers
 * to a 通用报文头 it does not reproduce, so yibao's terminal gateway uses that shape plus the envelope
 * v2.0.1 signature fields (appId, version, timestamp, signType, signData; SM3 with `&key=<appSecret>`
 * by default), without encryption on the counter's LAN unless asked for.
 */
export const TERMINAL_VERSION = '1.0.0';
export const TERMINAL_OK = '0000';

/** The transTypes real terminals answer; the three of the spec first. */
export const TERMINAL_TRANS_TYPES = {
  'cn.nhsa.ec.auth': '刷脸获取医保用户身份授权',
  'cn.nhsa.auth.check': '获取医保用户身份信息（按实人认证业务流水号）',
  'cn.nhsa.settle.notify': '结算结果通知',
  'cn.nhsa.qrcode.get': '终端扫码获取医保电子凭证码值并解码',
  'ec.query': '电子凭证二维码解码',
} as const;

export type TerminalTransType = keyof typeof TERMINAL_TRANS_TYPES;

export function isTerminalTransType(value: unknown): value is TerminalTransType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TERMINAL_TRANS_TYPES, value);
}

const DEFAULTS: EnvelopeDefaults = {
  version: TERMINAL_VERSION,
  timestamp: () => formatCompact(),
  signType: 'SM3',
  encType: 'plain',
};

export function sealTerminalRequest(
  transType: TerminalTransType,
  orgId: string,
  data: unknown,
  keys: EnvelopeKeys,
  options: { signType?: SignType; timestamp?: string; encType?: EncType } = {},
): WireObject {
  return sealEnvelope(keys, { header: { orgId, transType }, data, ...options }, DEFAULTS);
}

export interface OpenedTerminalRequest extends OpenedEnvelope {
  appId: string;
  orgId: string;
  transType: TerminalTransType;
  timestamp: Date;
  plainData: Record<string, unknown>;
}

export function openTerminalRequest(input: string | WireObject, keys: EnvelopeKeys, options: OpenOptions = {}): OpenedTerminalRequest {
  const message = typeof input === 'string' ? parseWireObject(input, '请求报文') : input;
  const appId = headerString(message, 'appId', '应用ID', 64);
  const orgId = headerString(message, 'orgId', '机构 ID', 40);
  const transType = headerString(message, 'transType', '交易类型编码', 64);
  if (!isTerminalTransType(transType)) {
    throw new YibaoError(ErrorCode.NOT_OPENED, `transType: 不支持的交易类型 ${transType}（交易类型编码）`, { field: 'transType' });
  }
  const timestamp = requireWireTime(message.timestamp, 'timestamp', '时间戳');
  // The documented 通用报文头 has no encType: a request without one is plain (issue 12 §3).
  const opened = openEnvelope(message, keys, { requireData: true, absentEncType: 'plain', ...options });
  if (!isPlainObject(opened.data)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data: 应为 JSON 对象（业务数据）', { field: 'data' });
  return { ...opened, appId, orgId, transType, timestamp, plainData: toPlain(opened.data) as Record<string, unknown> };
}

export function sealTerminalResponse(
  reply: { code: string; message: string; transType: string; data?: unknown },
  keys: EnvelopeKeys,
  options: { signType?: SignType; encType?: EncType } = {},
): WireObject {
  return sealEnvelope(
    keys,
    { header: { code: reply.code, message: reply.message, transType: reply.transType }, data: reply.data, ...options },
    { ...DEFAULTS, timestamp: () => formatCompactMs() },
  );
}

export interface OpenedTerminalResponse extends OpenedEnvelope {
  code: string;
  message: string;
  success: boolean;
  plainData: Record<string, unknown> | undefined;
}

export function openTerminalResponse(input: string | WireObject, keys: EnvelopeKeys, options: OpenOptions = {}): OpenedTerminalResponse {
  const message = typeof input === 'string' ? parseWireObject(input, '响应报文') : input;
  const code = message.code === undefined || message.code === null ? '' : String(toPlain(message.code));
  if (code === '') throw new YibaoError(ErrorCode.INVALID_PARAM, 'code: 必填（响应码）', { field: 'code' });
  const opened = openEnvelope(message, keys, { absentEncType: 'plain', ...options });
  const plain = opened.data === undefined ? undefined : toPlain(opened.data);
  return {
    ...opened,
    code,
    message: typeof message.message === 'string' ? message.message : '',
    success: code === TERMINAL_OK,
    plainData: isPlainObject(plain) ? (plain as Record<string, unknown>) : undefined,
  };
}
