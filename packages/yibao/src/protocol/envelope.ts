import { CryptoError } from '../crypto/errors.js';
import type { Sm2PrivateKey, Sm2PublicKey } from '../crypto/keys.js';
import { deriveSm4Key, sm4DecryptHex, sm4EncryptToHex } from '../crypto/sm4.js';
import { ErrorCode, YibaoError } from './errors.js';
import { defineKey, isPlainObject, parseWire, stringifyWire, type WireObject, type WireValue } from './json.js';
import { buildSignString, hasNestedScalar, type ScalarStyle } from './signstring.js';
import { acceptSignType, parseEncType, signContent, verifyContent, type EncType, type SignType } from './signer.js';

/**
 * The keyed JSON envelope shared by mobile payment v2.0.1 (mobile-payment.txt 2.2.3), the portal and
 * the terminal: header fields + `data`, signed over the plaintext, then `data` encrypted into
 * `encData` (2.2.3.2 step 5: "将加密结果 encData 加入请求报文中，并清空报文的 data 字段").
 */
export interface EnvelopeKeys {
  appId: string;
  appSecret: string;
  /** Our SM2 private key: signs what we send (signType SM2). */
  privateKey?: string | Sm2PrivateKey;
  /** The peer's SM2 public key: verifies what we receive (signType SM2). */
  peerPublicKey?: string | Sm2PublicKey;
  /** SM2 user id; default 1234567812345678. */
  userId?: string;
  /**
   * How what we send writes nested numbers and booleans in the sign string (signstring.ts
   * ScalarStyle): `json` (default, 2.2.3.1 read literally) or `string` (the NHSA demo lineage many
   * HIS copy). Only sending depends on it: receiving accepts either.
   */
  scalarStyle?: ScalarStyle;
}

export interface SealParams {
  /** Header fields besides appId/version/timestamp/encType/signType (code, message, orgId, …). */
  header?: Record<string, WireValue>;
  /** Business data; undefined for replies that carry none. */
  data?: unknown;
  signType?: SignType;
  encType?: EncType;
  timestamp?: string;
  version?: string;
  /** Overrides keys.scalarStyle for this message. */
  scalarStyle?: ScalarStyle;
}

export interface EnvelopeDefaults {
  version: string;
  timestamp: () => string;
  signType: SignType;
  encType: EncType;
}

const sm4KeyCache = new Map<string, Buffer>();

/** The derived SM4 key, cached: derivation costs an SM4 operation and runs on every message. */
export function envelopeSm4Key(appId: string, appSecret: string): Buffer {
  const cacheKey = `${appId}\u0000${appSecret}`;
  let key = sm4KeyCache.get(cacheKey);
  if (!key) {
    try {
      key = deriveSm4Key(appId, appSecret);
    } catch (cause) {
      throw new YibaoError(ErrorCode.CRYPTO, `无法由 appId/appSecret 派生 SM4 密钥：${(cause as Error).message}`, { cause });
    }
    if (sm4KeyCache.size > 1024) sm4KeyCache.clear();
    sm4KeyCache.set(cacheKey, key);
  }
  return key;
}

export function sealEnvelope(keys: EnvelopeKeys, params: SealParams, defaults: EnvelopeDefaults): WireObject {
  const signType = params.signType ?? defaults.signType;
  const encType = params.encType ?? defaults.encType;
  const message: WireObject = {};
  defineKey(message, 'appId', keys.appId);
  for (const [k, v] of Object.entries(params.header ?? {})) defineKey(message, k, v);
  message.version = params.version ?? defaults.version;
  message.timestamp = params.timestamp ?? defaults.timestamp();
  message.encType = encType;
  message.signType = signType;
  const data = params.data as WireValue | undefined;
  const signed: Record<string, unknown> = { ...message };
  if (data !== undefined) signed.data = data;
  const signString = buildSignString(signed, { secret: keys.appSecret, scalarStyle: params.scalarStyle ?? keys.scalarStyle ?? 'json' });
  const signData = signContent(signString, {
    signType,
    ...(keys.privateKey === undefined ? {} : { privateKey: keys.privateKey }),
    ...(keys.userId === undefined ? {} : { userId: keys.userId }),
  });
  if (data !== undefined) {
    if (encType === 'SM4') message.encData = sm4EncryptToHex(envelopeSm4Key(keys.appId, keys.appSecret), stringifyWire(data));
    else message.data = data;
  }
  message.signData = signData;
  return message;
}

export interface OpenedEnvelope {
  /** The message as received (encData still in it). */
  wire: WireObject;
  /** Wire data: numbers are lossless; undefined when the message carries none. */
  data: WireValue | undefined;
  signType: SignType;
  encType: EncType;
  signData: string;
  /** The sign string the signature verified over. */
  signString: string;
  /** Which form of the sign string the sender used (`json` when both forms are the same string). */
  scalarStyle: ScalarStyle;
}

export interface OpenOptions {
  /** A message without data is refused (requests must carry it). */
  requireData?: boolean;
  /** Receives the precise reason of a rejected signature, for the operator's log. */
  onReject?: (reason: string) => void;
  /**
   * The signature types this receiver accepts. The type comes from the message, so without this a
   * message could pick the weaker one: SM3 needs only the shared appSecret, SM2 the sender's private
   * key. Default: SM2 only when the peer's public key is known, otherwise either.
   */
  signTypes?: readonly SignType[];
  /**
   * The encType of a message that names none. Default: none, a missing encType is refused. The
   * terminal's documented header has no encType, so its messages default to plain (docs/protocol.md).
   */
  absentEncType?: EncType;
}

/**
 * The plaintext `data` of a message's `encData` (2.2.3.2: SM4-ECB with the key derived from appId and
 * appSecret), parsed losslessly; undefined when the message carries no encData. Does not verify.
 */
export function decryptEncData(message: WireObject, keys: Pick<EnvelopeKeys, 'appId' | 'appSecret'>): WireValue | undefined {
  const encData = message.encData;
  if (encData === undefined || encData === null || encData === '') return undefined;
  if (typeof encData !== 'string') {
    throw new YibaoError(ErrorCode.INVALID_PARAM, 'encData: 应为十六进制字符串（加密数据）', { field: 'encData' });
  }
  let text: string;
  try {
    text = sm4DecryptHex(envelopeSm4Key(keys.appId, keys.appSecret), encData);
  } catch (cause) {
    const reason = cause instanceof CryptoError ? cause.message : '未知错误';
    throw new YibaoError(ErrorCode.CRYPTO, `encData: 解密失败（${reason}）`, { field: 'encData', cause });
  }
  return parseWire(text, 'encData 解密后的内容', 'data');
}

/** Decrypt first, then verify (mobile-payment.txt 2.2.3, docs/protocol.md: the signature covers the plaintext data). */
export function openEnvelope(message: WireObject, keys: EnvelopeKeys, options: OpenOptions = {}): OpenedEnvelope {
  const signType = acceptSignType(message.signType, options.signTypes, Boolean(keys.peerPublicKey));
  const encType = (message.encType === undefined || message.encType === null) && options.absentEncType ? options.absentEncType : parseEncType(message.encType);
  let data: WireValue | undefined;
  if (encType === 'SM4') {
    data = decryptEncData(message, keys);
  } else if (message.data !== undefined && message.data !== null) {
    // Some centers send plain data as a JSON string rather than an object.
    data = typeof message.data === 'string' && /^\s*[[{]/.test(message.data) ? parseWire(message.data, 'data') : message.data;
  }
  if (data === undefined && options.requireData) {
    const field = encType === 'SM4' ? 'encData' : 'data';
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 必填（${encType === 'SM4' ? '加密数据' : '业务数据'}）`, { field });
  }
  if (data !== undefined && !isPlainObject(data) && !Array.isArray(data)) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, 'data: 应为 JSON 对象（业务数据）', { field: 'data' });
  }
  const signData = message.signData;
  if (typeof signData !== 'string' || signData.trim() === '') {
    throw new YibaoError(ErrorCode.BAD_SIGNATURE, 'signData: 签名为空，拒绝处理', { field: 'signData' });
  }
  const signed: Record<string, unknown> = { ...message };
  delete signed.data;
  if (data !== undefined) signed.data = data;
  const verifyingKey = {
    signType,
    ...(keys.peerPublicKey === undefined ? {} : { publicKey: keys.peerPublicKey }),
    ...(keys.userId === undefined ? {} : { userId: keys.userId }),
  };
  // Either form of the sign string (signstring.ts ScalarStyle), both built from this same message:
  // still fail closed, since the signature must verify over one of them. The literal form first;
  // the second is built only when a nested number or boolean makes it a different string.
  const reasons: string[] = [];
  let scalarStyle: ScalarStyle = 'json';
  let signString = buildSignString(signed, { secret: keys.appSecret });
  let ok = verifyContent(signString, signData.trim(), verifyingKey, (reason) => reasons.push(reason));
  if (!ok && hasNestedScalar(signed)) {
    scalarStyle = 'string';
    signString = buildSignString(signed, { secret: keys.appSecret, scalarStyle });
    ok = verifyContent(signString, signData.trim(), verifyingKey, (reason) => reasons.push(`${reason} (string-scalar form)`));
  }
  if (!ok) options.onReject?.(reasons.join('; '));
  if (!ok) throw new YibaoError(ErrorCode.BAD_SIGNATURE, 'signData: 签名验证失败', { field: 'signData' });
  return { wire: message, data, signType, encType, signData: signData.trim(), signString, scalarStyle };
}

/** Reads a required string header field, with the spec's message on failure. */
export function headerString(message: WireObject, field: string, name: string, maxLength?: number): string {
  const value = message[field];
  if (value === undefined || value === null || value === '') {
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 必填（${name}）`, { field });
  }
  if (typeof value !== 'string') throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 应为字符串（${name}）`, { field });
  if (maxLength !== undefined && [...value].length > maxLength) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 长度不能超过 ${maxLength}（${name}）`, { field });
  }
  return value;
}
