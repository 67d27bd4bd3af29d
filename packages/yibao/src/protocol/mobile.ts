import { sm4DecryptHex, sm4EncryptToHex } from '../crypto/sm4.js';
import { CryptoError } from '../crypto/errors.js';
import {
  envelopeSm4Key,
  headerString,
  openEnvelope,
  sealEnvelope,
  type EnvelopeDefaults,
  type EnvelopeKeys,
  type OpenOptions,
  type OpenedEnvelope,
  type SealParams,
} from './envelope.js';
import { ErrorCode, YibaoError } from './errors.js';
import { isPlainObject, parseWire, parseWireObject, stringifyWire, toPlain, type WireObject, type WireValue } from './json.js';
import type { EncType, SignType } from './signer.js';
import type { ScalarStyle } from './signstring.js';
import { formatCompact, formatCompactMs, requireWireTime } from './time.js';

/** Envelope v2.0.1 of the mobile payment center (mobile-payment.txt 2.2.3). */
export const MOBILE_VERSION = '2.0.1';

const REQUEST_DEFAULTS: EnvelopeDefaults = {
  version: MOBILE_VERSION,
  timestamp: () => formatCompact(), // request example: "timestamp":"20200207175759"
  signType: 'SM2',
  encType: 'SM4',
};

const RESPONSE_DEFAULTS: EnvelopeDefaults = {
  ...REQUEST_DEFAULTS,
  timestamp: () => formatCompactMs(), // response example: "timestamp": "20161226093147927"
};

export interface MobileSealOptions {
  signType?: SignType;
  encType?: EncType;
  timestamp?: string;
  version?: string;
  /** Overrides keys.scalarStyle (signstring.ts ScalarStyle). */
  scalarStyle?: ScalarStyle;
}

function params(options: MobileSealOptions): Omit<SealParams, 'header' | 'data'> {
  const out: Omit<SealParams, 'header' | 'data'> = {};
  if (options.signType !== undefined) out.signType = options.signType;
  if (options.encType !== undefined) out.encType = options.encType;
  if (options.timestamp !== undefined) out.timestamp = options.timestamp;
  if (options.version !== undefined) out.version = options.version;
  if (options.scalarStyle !== undefined) out.scalarStyle = options.scalarStyle;
  return out;
}

/** HIS → center (and center → HIS for the 6302 callback): sign over the plaintext, then encrypt. */
export function sealRequest(data: unknown, keys: EnvelopeKeys, options: MobileSealOptions = {}): WireObject {
  return sealEnvelope(keys, { ...params(options), data }, REQUEST_DEFAULTS);
}

export interface OpenedRequest extends OpenedEnvelope {
  appId: string;
  timestamp: Date;
  version: string;
  /** Business data in its application form: numbers as their decimal text. */
  plainData: Record<string, unknown>;
}

function asMessage(input: string | WireObject, what: string): WireObject {
  return typeof input === 'string' ? parseWireObject(input, what) : input;
}

/** The appId of a request, read before its keys are known (2.2.3.3 请求报文: appId String(32)). */
export function peekAppId(input: string | WireObject): { message: WireObject; appId: string } {
  const message = asMessage(input, '请求报文');
  return { message, appId: headerString(message, 'appId', '渠道 id', 32) };
}

/** Decrypt, then verify; header fields of 2.2.3.3 are checked and named on failure. */
export function openRequest(input: string | WireObject, keys: EnvelopeKeys, options: OpenOptions = {}): OpenedRequest {
  const message = asMessage(input, '请求报文');
  const appId = headerString(message, 'appId', '渠道 id', 32);
  if (appId !== keys.appId) throw new YibaoError(ErrorCode.UNKNOWN_APP, `appId: 与密钥不匹配（渠道 id）`, { field: 'appId' });
  const version = headerString(message, 'version', '版本号', 6);
  const timestamp = requireWireTime(message.timestamp, 'timestamp', '当前时间');
  const opened = openEnvelope(message, keys, { requireData: true, ...options });
  if (!isPlainObject(opened.data)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data: 应为 JSON 对象（业务数据）', { field: 'data' });
  return { ...opened, appId, version, timestamp, plainData: toPlain(opened.data) as Record<string, unknown> };
}

export interface ResponseParams {
  code: string;
  message?: string;
  success?: boolean;
  data?: unknown;
}

/** Center → HIS reply: code/message/success beside the envelope fields (2.2.3.3 返回报文). */
export function sealResponse(reply: ResponseParams, keys: EnvelopeKeys, options: MobileSealOptions = {}): WireObject {
  const header: Record<string, WireValue> = {
    code: reply.code,
    message: reply.message ?? (reply.code === ErrorCode.OK ? '成功' : ''),
    success: reply.success ?? reply.code === ErrorCode.OK,
  };
  return sealEnvelope(keys, { ...params(options), header, data: reply.data }, RESPONSE_DEFAULTS);
}

export interface OpenedResponse extends OpenedEnvelope {
  code: string;
  message: string;
  success: boolean;
  plainData: Record<string, unknown> | undefined;
}

/**
 * HIS side: opens the center's reply. Fails closed: an unsigned or wrongly signed reply is an error
 * (000102), whatever its code says; a business failure is returned, not thrown.
 */
export function openResponse(input: string | WireObject, keys: EnvelopeKeys, options: OpenOptions = {}): OpenedResponse {
  const message = asMessage(input, '响应报文');
  const codeValue = message.code;
  if (codeValue === undefined || codeValue === null) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, 'code: 必填（响应状态码）', { field: 'code' });
  }
  const code = String(toPlain(codeValue));
  const opened = openEnvelope(message, keys, options);
  const successValue = toPlain(message.success);
  const success = successValue === true || successValue === 'true' || (successValue === undefined && code === ErrorCode.OK);
  const plain = opened.data === undefined ? undefined : toPlain(opened.data);
  return {
    ...opened,
    code,
    message: typeof message.message === 'string' ? message.message : '',
    success,
    plainData: isPlainObject(plain) ? (plain as Record<string, unknown>) : undefined,
  };
}

/** 6302 is a request from the center to the HIS: same envelope, signed with the platform key. */
export const sealCallback = sealRequest;
export const openCallback = openRequest;

export interface CallbackAck {
  success: boolean;
  message: string;
}

/** The HIS's answer to 6302, as the spec's example (表 277 and 回调成功出参). */
export function buildCallbackAck(success: boolean, message = success ? '院内处理回调成功' : '院内处理回调失败'): WireObject {
  return { data: { success, message }, code: '0', msg: '接口调用成功' };
}

/**
 * Reads a HIS's answer to 6302. Accepts the spec's example shape `{data:{success,message},code,msg}` and
 * the bare `{success,message}` many HIS return. Anything else is a failed delivery.
 */
export function parseCallbackAck(text: string): CallbackAck {
  let body: WireValue;
  try {
    body = parseWire(text, '回调应答');
  } catch {
    return { success: false, message: '回调应答不是有效的 JSON' };
  }
  const node = isPlainObject(body) && isPlainObject(body.data) ? body.data : body;
  if (!isPlainObject(node)) return { success: false, message: '回调应答应为 JSON 对象' };
  const success = node.success === true || node.success === 'true';
  const message = typeof node.message === 'string' ? node.message : typeof node.msg === 'string' ? node.msg : '';
  return { success, message };
}

/**
 * 6204 医保订单信息同步: the center redirects the patient's browser to
 * `redirectUrl?mpcAppId=…&encData=…&chnlType=…` (mobile-payment.txt 2.3.1.2.4); encData is the SM4 of the
 * data JSON with the app's key. The spec puts no signature in the redirect.
 */
export function build6204Redirect(
  redirectUrl: string,
  keys: Pick<EnvelopeKeys, 'appId' | 'appSecret'>,
  data: unknown,
  chnlType: string,
): string {
  const encData = sm4EncryptToHex(envelopeSm4Key(keys.appId, keys.appSecret), stringifyWire(data));
  const url = new URL(redirectUrl);
  url.searchParams.set('mpcAppId', keys.appId);
  url.searchParams.set('encData', encData);
  url.searchParams.set('chnlType', chnlType);
  return url.toString();
}

export interface Opened6204 {
  mpcAppId: string;
  chnlType: string;
  data: Record<string, unknown>;
  wireData: WireObject;
}

export function open6204Redirect(
  query: string | URLSearchParams | Record<string, string | undefined>,
  resolveSecret: (mpcAppId: string) => string | undefined,
): Opened6204 {
  const params =
    query instanceof URLSearchParams
      ? query
      : typeof query === 'string'
        ? new URLSearchParams(query.includes('?') ? query.slice(query.indexOf('?') + 1) : query)
        : new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const get = (name: string, label: string): string => {
    const v = params.get(name);
    if (!v) throw new YibaoError(ErrorCode.INVALID_PARAM, `${name}: 必填（${label}）`, { field: name });
    return v;
  };
  const mpcAppId = get('mpcAppId', '加密用的 APPID');
  const encData = get('encData', '加密报文');
  const chnlType = get('chnlType', '渠道类型');
  const secret = resolveSecret(mpcAppId);
  if (secret === undefined) throw new YibaoError(ErrorCode.UNKNOWN_APP, `mpcAppId: 应用信息不存在`, { field: 'mpcAppId' });
  let text: string;
  try {
    text = sm4DecryptHex(envelopeSm4Key(mpcAppId, secret), encData);
  } catch (cause) {
    const reason = cause instanceof CryptoError ? cause.message : '未知错误';
    throw new YibaoError(ErrorCode.CRYPTO, `encData: 解密失败（${reason}）`, { field: 'encData', cause });
  }
  const wireData = parseWireObject(text, 'encData 解密后的内容', 'data');
  return { mpcAppId, chnlType, wireData, data: toPlain(wireData) as Record<string, unknown> };
}

/**
 * 6201 cashier mode (mobile-payment.txt 3.1.2.1.5.1 收银台拼接说明): the HIS opens
 * `cashierUrl&chnlAppId=<appId>&chnlEncData=<SM4 hex of {"payAuthNo":…,"deposit":…}>`.
 */
export function buildCashierLaunchUrl(
  cashierUrl: string,
  keys: Pick<EnvelopeKeys, 'appId' | 'appSecret'>,
  params: { payAuthNo: string; deposit?: WireValue },
): string {
  const payload: WireObject = { payAuthNo: params.payAuthNo };
  if (params.deposit !== undefined) payload.deposit = params.deposit;
  const enc = sm4EncryptToHex(envelopeSm4Key(keys.appId, keys.appSecret), stringifyWire(payload));
  const url = new URL(cashierUrl);
  url.searchParams.set('chnlAppId', keys.appId);
  url.searchParams.set('chnlEncData', enc);
  return url.toString();
}

export function openCashierLaunchParams(
  chnlAppId: string,
  chnlEncData: string,
  appSecret: string,
): Record<string, unknown> {
  let text: string;
  try {
    text = sm4DecryptHex(envelopeSm4Key(chnlAppId, appSecret), chnlEncData);
  } catch (cause) {
    throw new YibaoError(ErrorCode.CRYPTO, 'chnlEncData: 解密失败', { field: 'chnlEncData', cause });
  }
  return toPlain(parseWireObject(text, 'chnlEncData 解密后的内容')) as Record<string, unknown>;
}
