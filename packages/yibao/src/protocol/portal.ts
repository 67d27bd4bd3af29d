import { headerString, openEnvelope, sealEnvelope, type EnvelopeDefaults, type EnvelopeKeys, type OpenOptions, type OpenedEnvelope } from './envelope.js';
import { ErrorCode, YibaoError } from './errors.js';
import { defineKey, isPlainObject, parseWireObject, toPlain, type WireObject, type WireValue } from './json.js';
import type { EncType, SignType } from './signer.js';
import { formatDateTime, requireWireTime } from './time.js';

/**
 * The regional payment portal (regional-payment-portal.txt). Two layers:
 *
 * 1. `MobileTrans` JSON — what a HIS hands to the vendor DLL (动态库开发包) or to yibao's bridge:
 *    `{"data": {serverAddr, appId, appKey, encryptType, signType, timestamp, version, …business},
 *    "orgId": …}` in, `{code, data, extra, message, orgId}` out (动态库请求/响应 sReqt 示例).
 * 2. The wire envelope between that client and the portal. The spec fixes its algorithms (交互规范:
 *    签名方式 SM3, 加密方式 SM4, 时间 yyyy-MM-dd HH:mm:ss) but not its fields; yibao uses the
 *    envelope v2.0.1 fields (appId, version, timestamp, encType, encData, signType, signData) plus
 *    `orgId`, the same sign string ending in `&key=<appKey>`, and the same SM4 key derivation.
 */
export const PORTAL_VERSION = '1.0.0';

const PORTAL_DEFAULTS: EnvelopeDefaults = {
  version: PORTAL_VERSION,
  timestamp: () => formatDateTime(),
  signType: 'SM3',
  encType: 'SM4',
};

/** The connection fields the DLL takes inside `data` (动态库开发包使用示例). */
export const MOBILE_TRANS_CONNECTION_FIELDS = ['serverAddr', 'appId', 'appKey', 'encryptType', 'signType', 'timestamp', 'version'] as const;

export interface MobileTransConnection {
  serverAddr: string;
  appId: string;
  appKey: string;
  encryptType: string;
  signType: string;
  timestamp: string;
  version: string;
}

export interface MobileTransRequest {
  connection: MobileTransConnection;
  /** The business fields, every other key of `data`, in wire form. */
  business: WireObject;
  orgId: string;
}

const CONNECTION_NAMES: Record<(typeof MOBILE_TRANS_CONNECTION_FIELDS)[number], string> = {
  serverAddr: '区域医保支付门户地址',
  appId: '应用ID',
  appKey: '应用秘钥',
  encryptType: '加密类型',
  signType: '签名类型',
  timestamp: '时间戳',
  version: '版本号',
};

/** Splits a MobileTrans request; every missing connection field is named. */
export function parseMobileTrans(input: string | WireObject): MobileTransRequest {
  const root = typeof input === 'string' ? parseWireObject(input, 'MobileTrans 入参') : input;
  const data = root.data;
  if (!isPlainObject(data)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data: 必填，应为 JSON 对象（入参）', { field: 'data' });
  const orgId = root.orgId;
  if (typeof orgId !== 'string' || orgId === '') {
    throw new YibaoError(ErrorCode.INVALID_PARAM, 'orgId: 必填（平台给机构分配的机构ID）', { field: 'orgId' });
  }
  const connection = {} as MobileTransConnection;
  for (const field of MOBILE_TRANS_CONNECTION_FIELDS) {
    const v = data[field];
    if (typeof v !== 'string' || v === '') {
      throw new YibaoError(ErrorCode.INVALID_PARAM, `data.${field}: 必填（${CONNECTION_NAMES[field]}）`, { field: `data.${field}` });
    }
    connection[field] = v;
  }
  const business: WireObject = {};
  for (const [k, v] of Object.entries(data)) {
    if (!(MOBILE_TRANS_CONNECTION_FIELDS as readonly string[]).includes(k)) defineKey(business, k, v);
  }
  return { connection, business, orgId };
}

export interface MobileTransResponse {
  /** 0 on success (动态库响应 sResp 示例: "code": 0), else the numeric value of the response code. */
  code: number;
  data: WireValue;
  extra: WireValue;
  message: string;
  orgId: string;
}

/**
 * The DLL's answer. `code` is a JSON number as in the spec's sResp example, so HIS code written for
 * the DLL (`value["code"].asInt()`) keeps working; the exact table code (e.g. "000102") travels in
 * `extra.respCode` when it is not success.
 */
export function buildMobileTransResponse(params: { respCode: string; message: string; data?: WireValue; orgId: string }): MobileTransResponse {
  const success = params.respCode === ErrorCode.PORTAL_OK || params.respCode === ErrorCode.OK;
  return {
    code: success ? 0 : Number.parseInt(params.respCode, 10) || -1,
    data: params.data ?? null,
    // Always a string, as in the spec's example ("extra": ""), so that a HIS deserialising into a
    // fixed class (C#, Java) never meets an object; on failure it holds the exact code ("000105"),
    // which `code`, a number, cannot (000105 → 105).
    extra: success ? '' : params.respCode,
    message: params.message,
    orgId: params.orgId,
  };
}

export interface PortalSealOptions {
  orgId: string;
  signType?: SignType;
  encType?: EncType;
  timestamp?: string;
}

export function sealPortalRequest(data: unknown, keys: EnvelopeKeys, options: PortalSealOptions): WireObject {
  return sealEnvelope(
    keys,
    {
      header: { orgId: options.orgId },
      data,
      ...(options.signType ? { signType: options.signType } : {}),
      ...(options.encType ? { encType: options.encType } : {}),
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    },
    PORTAL_DEFAULTS,
  );
}

export interface OpenedPortalRequest extends OpenedEnvelope {
  appId: string;
  orgId: string;
  timestamp: Date;
  plainData: Record<string, unknown>;
}

export function openPortalRequest(input: string | WireObject, keys: EnvelopeKeys, options: OpenOptions = {}): OpenedPortalRequest {
  const message = typeof input === 'string' ? parseWireObject(input, '请求报文') : input;
  const appId = headerString(message, 'appId', '应用ID', 64);
  const orgId = headerString(message, 'orgId', '机构ID', 40);
  const timestamp = requireWireTime(message.timestamp, 'timestamp', '时间戳');
  const opened = openEnvelope(message, keys, { requireData: true, ...options });
  if (!isPlainObject(opened.data)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data: 应为 JSON 对象（业务数据）', { field: 'data' });
  return { ...opened, appId, orgId, timestamp, plainData: toPlain(opened.data) as Record<string, unknown> };
}

export function sealPortalResponse(
  reply: { code: string; message: string; data?: unknown; orgId: string },
  keys: EnvelopeKeys,
  options: { signType?: SignType; encType?: EncType } = {},
): WireObject {
  return sealEnvelope(keys, { header: { code: reply.code, message: reply.message, orgId: reply.orgId }, data: reply.data, ...options }, PORTAL_DEFAULTS);
}

export interface OpenedPortalResponse extends OpenedEnvelope {
  code: string;
  message: string;
  orgId: string;
  plainData: unknown;
}

/** Client side: fails closed on an unsigned or wrongly signed reply. */
export function openPortalResponse(input: string | WireObject, keys: EnvelopeKeys, options: OpenOptions = {}): OpenedPortalResponse {
  const message = typeof input === 'string' ? parseWireObject(input, '响应报文') : input;
  const code = message.code === undefined || message.code === null ? '' : String(toPlain(message.code));
  if (code === '') throw new YibaoError(ErrorCode.INVALID_PARAM, 'code: 必填（响应码）', { field: 'code' });
  const opened = openEnvelope(message, keys, options);
  return {
    ...opened,
    code,
    message: typeof message.message === 'string' ? message.message : '',
    orgId: typeof message.orgId === 'string' ? message.orgId : '',
    plainData: opened.data === undefined ? undefined : toPlain(opened.data),
  };
}
