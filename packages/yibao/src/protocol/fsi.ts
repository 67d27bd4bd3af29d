import { randomInt } from 'node:crypto';
import { CryptoError } from '../crypto/errors.js';
import type { Sm2PrivateKey, Sm2PublicKey } from '../crypto/keys.js';
import { sm4DecryptHex, sm4EncryptToHex } from '../crypto/sm4.js';
import { envelopeSm4Key } from './envelope.js';
import { ErrorCode, YibaoError } from './errors.js';
import { defineKey, parseWire, parseWireObject, stringifyWire, toPlain, type WireObject, type WireValue } from './json.js';
import { compareAscii, isEmptyValue } from './signstring.js';
import { acceptSignType, parseSignType, signContent, verifyContent, type SignType } from './signer.js';
import { formatCompact, formatCompactMs, formatDateTime, parseWireTime } from './time.js';

/**
 * The FSI envelope of the 医疗保障信息平台 (face-one-code-pay.txt ch. 3): a header of 数据元 with
 * `input` (表 3) and `infcode`…`output` in reply (表 4). `cainfo` is SM2 over the header without
 * `cainfo` and `input` (or `output`), keys sorted by ASCII, joined `k=v&…` (3.4 重点说明).
 *
 * Decisions where the spec is silent (docs/protocol.md):
 * - empty values (null, "") are left out of the cainfo string, as in the mobile envelope's rule;
 * - signtype SM3 signs `…&key=<appSecret>` with SM3, like the portal;
 * - enc_type SM4 encrypts the JSON text of `input`/`output` with the key derived from app_id and the
 *   app secret exactly as mobile-payment.txt 2.2.3.2, and the field then carries uppercase hex.
 * The spec signs only the header: `input` is protected by transport (HTTPS) and, when used, SM4.
 */
export const FSI_INFVER = 'V1.0';

/** Header of 表 3 in the spellings of the spec's example (6.1), which real FSI traffic uses. */
export interface FsiRequestHeader {
  infno: string;
  msgid?: string;
  mdtrtarea_admvs: string;
  insuplc_admdvs?: string;
  recer_sys_code: string;
  dev_no?: string;
  dev_safe_info?: string;
  signtype?: string;
  infver?: string;
  opter_type: string;
  opter: string;
  opter_name: string;
  inf_time?: string;
  fixmedins_code: string;
  fixmedins_name: string;
  sign_no?: string;
  app_id?: string;
  enc_type?: string;
  pw_ecToken?: string;
}

export interface FsiKeys {
  /** Ours, to sign cainfo (signtype SM2). */
  privateKey?: string | Sm2PrivateKey;
  /** The peer's, to verify cainfo (signtype SM2). */
  peerPublicKey?: string | Sm2PublicKey;
  /** For SM4 of input/output and for signtype SM3. */
  appSecret?: string;
  userId?: string;
  /**
   * The signtypes this receiver accepts (the message names one; it must not pick the weaker).
   * Default: SM2 only when the peer's public key is known, otherwise either.
   */
  signTypes?: readonly SignType[];
}

// Starts at a random point: two processes of one institution (a restarted HIS, two CLI runs) must not
// both send ...0001 in the same second.
let msgSeq = randomInt(0, 9999);
function nextSeq(modulo: number): number {
  msgSeq = (msgSeq % (modulo - 1)) + 1;
  return msgSeq;
}

/** msgid = 定点医药机构编号(12) + yyyyMMddHHmmss + 顺序号(4) (表 3). */
export function makeMsgid(fixmedinsCode: string, date: Date = new Date(), seq: number = nextSeq(10000)): string {
  if (fixmedinsCode.length !== 12) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, `fixmedins_code: 生成 msgid 需要 12 位定点医药机构编号，实际 ${fixmedinsCode.length} 位`, {
      field: 'fixmedins_code',
    });
  }
  return `${fixmedinsCode}${formatCompact(date)}${String(seq % 10000).padStart(4, '0')}`;
}

/** inf_refmsgid = 接收方医保区划代码(6) + yyyyMMddHHmmss + 流水号(10) (表 4). */
export function makeRefmsgid(admdvs: string, date: Date = new Date(), seq: number = nextSeq(10_000_000_000)): string {
  return `${admdvs.padEnd(6, '0').slice(0, 6)}${formatCompact(date)}${String(seq).padStart(10, '0')}`;
}

/** Checks the msgid shape of 表 3; the reason when it is wrong, undefined when right. */
export function checkMsgid(msgid: string, fixmedinsCode?: string): string | undefined {
  if (!/^.{12}\d{18}$/.test(msgid)) return '应为定点医药机构编号(12)+yyyyMMddHHmmss+4位顺序号，共 30 位';
  if (!parseWireTime(msgid.slice(12, 26))) return '中间 14 位应为有效的 yyyyMMddHHmmss 时间';
  if (fixmedinsCode !== undefined && fixmedinsCode.length === 12 && msgid.slice(0, 12) !== fixmedinsCode) {
    return '前 12 位应为定点医药机构编号 fixmedins_code';
  }
  return undefined;
}

/**
 * The cainfo sign string: header without cainfo and the body field, sorted, `k=v&…`. By default
 * empty values are left out (yibao's decision, as in the mobile rule); `keepEmpty` keeps empty-string
 * fields as `k=` — 3.4 read literally ("将报文剔除 cainfo、input 后…组合成参数=参数值"), which is
 * what a HIS signing the 6.1 example's header (`dev_no: ""`, `app_id: ""`, …) produces.
 */
export function fsiSignString(message: Record<string, unknown>, bodyField: 'input' | 'output', secret?: string, keepEmpty = false): string {
  const parts: string[] = [];
  for (const key of Object.keys(message).sort(compareAscii)) {
    if (key === 'cainfo' || key === bodyField) continue;
    const value = message[key];
    if (isEmptyValue(value) && !(keepEmpty && value === '')) continue;
    parts.push(`${key}=${typeof value === 'string' ? value : stringifyWire(value)}`);
  }
  if (secret !== undefined) parts.push(`key=${secret}`);
  return parts.join('&');
}

function encryptBody(body: unknown, appId: string | undefined, keys: FsiKeys): string {
  if (!appId || keys.appSecret === undefined) {
    throw new YibaoError(ErrorCode.CRYPTO, 'enc_type=SM4 需要 app_id 与应用密钥', { field: 'enc_type' });
  }
  return sm4EncryptToHex(envelopeSm4Key(appId, keys.appSecret), stringifyWire(body));
}

function decryptBody(text: WireValue, field: string, appId: string | undefined, keys: FsiKeys): WireValue {
  if (typeof text !== 'string') throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 加密时应为十六进制字符串`, { field });
  if (!appId || keys.appSecret === undefined) {
    throw new YibaoError(ErrorCode.CRYPTO, `${field}: enc_type=SM4 需要 app_id 与应用密钥`, { field });
  }
  try {
    return parseWire(sm4DecryptHex(envelopeSm4Key(appId, keys.appSecret), text), `${field} 解密后的内容`);
  } catch (cause) {
    if (cause instanceof YibaoError) throw cause;
    const reason = cause instanceof CryptoError ? cause.message : '未知错误';
    throw new YibaoError(ErrorCode.CRYPTO, `${field}: 解密失败（${reason}）`, { field, cause });
  }
}

function sign(message: WireObject, bodyField: 'input' | 'output', keys: FsiKeys): void {
  const signType: SignType = parseSignType(message.signtype ?? 'SM2', 'signtype');
  message.signtype = signType;
  const secret = signType === 'SM3' ? keys.appSecret : undefined;
  message.cainfo = signContent(fsiSignString(message, bodyField, secret), {
    signType,
    ...(keys.privateKey === undefined ? {} : { privateKey: keys.privateKey }),
    ...(keys.userId === undefined ? {} : { userId: keys.userId }),
  });
}

function verify(message: WireObject, bodyField: 'input' | 'output', keys: FsiKeys, onReject?: (r: string) => void): void {
  const cainfo = message.cainfo;
  if (typeof cainfo !== 'string' || cainfo.trim() === '') {
    throw new YibaoError(ErrorCode.BAD_SIGNATURE, 'cainfo: 数字签名信息为空，拒绝处理', { field: 'cainfo' });
  }
  // signtype is optional in 表 3 (and absent from the 6.1 example): without it, the receiver's own
  // type — the first it accepts, SM2 by default (3.4: "将待签名字符串 SM2 运算").
  const named = message.signtype === undefined || message.signtype === null || message.signtype === '' ? undefined : message.signtype;
  const signType = acceptSignType(named ?? keys.signTypes?.[0] ?? 'SM2', keys.signTypes, Boolean(keys.peerPublicKey), 'signtype');
  const secret = signType === 'SM3' ? keys.appSecret : undefined;
  const verifyingKey = {
    signType,
    ...(keys.peerPublicKey === undefined ? {} : { publicKey: keys.peerPublicKey }),
    ...(keys.userId === undefined ? {} : { userId: keys.userId }),
  };
  // Two readings of 3.4, both over this same header: empty fields left out (yibao's), or kept as
  // `k=` (the text literally). Still fail closed: the signature must verify over one of them.
  const reasons: string[] = [];
  let ok = verifyContent(fsiSignString(message, bodyField, secret), cainfo.trim(), verifyingKey, (r) => reasons.push(r));
  const hasEmpty = Object.entries(message).some(([k, v]) => v === '' && k !== 'cainfo' && k !== bodyField);
  if (!ok && hasEmpty) ok = verifyContent(fsiSignString(message, bodyField, secret, true), cainfo.trim(), verifyingKey, (r) => reasons.push(`${r} (empty fields kept)`));
  if (!ok) onReject?.(reasons.join('; '));
  if (!ok) throw new YibaoError(ErrorCode.BAD_SIGNATURE, 'cainfo: 数字签名验证失败', { field: 'cainfo' });
}

export interface FsiSealOptions {
  encrypt?: boolean;
  now?: Date;
}

/** HIS → FSI: fills msgid, inf_time and infver when absent, signs the header, optionally encrypts input. */
export function sealFsiRequest(header: FsiRequestHeader, input: unknown, keys: FsiKeys, options: FsiSealOptions = {}): WireObject {
  const now = options.now ?? new Date();
  const message: WireObject = {};
  for (const [k, v] of Object.entries(header)) if (v !== undefined) defineKey(message, k, v);
  message.msgid ??= makeMsgid(header.fixmedins_code, now);
  message.inf_time ??= formatDateTime(now);
  message.infver ??= FSI_INFVER;
  message.enc_type = options.encrypt ? 'SM4' : '';
  message.cainfo = '';
  sign(message, 'input', keys);
  message.input = options.encrypt ? encryptBody(input, header.app_id, keys) : (input as WireValue);
  return message;
}

export interface OpenedFsiRequest {
  header: WireObject;
  input: WireValue;
  plainInput: unknown;
}

const REQUIRED_HEADER: Array<[string, string]> = [
  ['infno', '交易编号'],
  ['msgid', '发送方报文 ID'],
  ['mdtrtarea_admvs', '就医地医保区划'],
  ['recer_sys_code', '接收方系统代码'],
  ['infver', '接口版本号'],
  ['opter_type', '经办人类别'],
  ['opter', '经办人'],
  ['opter_name', '经办人姓名'],
  ['inf_time', '交易时间'],
  ['fixmedins_code', '定点医药机构编号'],
  ['fixmedins_name', '定点医药机构名称'],
];

export function parseFsiMessage(input: string | WireObject): WireObject {
  return typeof input === 'string' ? parseWireObject(input, 'FSI 报文') : input;
}

/** FSI side: header checks of 表 3, then verify cainfo, then decrypt input. */
export function openFsiRequest(raw: string | WireObject, keys: FsiKeys, onReject?: (r: string) => void): OpenedFsiRequest {
  const message = parseFsiMessage(raw);
  for (const [field, name] of REQUIRED_HEADER) {
    const v = headerField(message, field);
    if (v === undefined || v === null || v === '') throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 必填（${name}）`, { field });
    if (typeof v !== 'string') throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 应为字符串（${name}）`, { field });
  }
  const msgidProblem = checkMsgid(message.msgid as string, message.fixmedins_code as string);
  if (msgidProblem) throw new YibaoError(ErrorCode.INVALID_PARAM, `msgid: ${msgidProblem}（发送方报文 ID）`, { field: 'msgid' });
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(message.inf_time as string) || !parseWireTime(message.inf_time)) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, 'inf_time: 应为 yyyy-MM-dd HH:mm:ss 格式（交易时间）', { field: 'inf_time' });
  }
  if (!['1', '2', '3'].includes(message.opter_type as string)) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, 'opter_type: 应为 1/2/3 之一（经办人类别）', { field: 'opter_type' });
  }
  if (message.input === undefined || message.input === null || message.input === '') {
    throw new YibaoError(ErrorCode.INVALID_PARAM, 'input: 必填（交易输入）', { field: 'input' });
  }
  verify(message, 'input', keys, onReject);
  const encrypted = typeof message.enc_type === 'string' && message.enc_type.toUpperCase() === 'SM4';
  const body = encrypted ? decryptBody(message.input, 'input', message.app_id as string | undefined, keys) : message.input;
  const header: WireObject = { ...message };
  delete header.input;
  // Downstream reads the header by 表 3's names, whichever spelling arrived.
  for (const field of Object.keys(HEADER_SPELLINGS)) {
    const v = headerField(message, field);
    if (v !== undefined) header[field] = v;
  }
  return { header, input: body, plainInput: toPlain(body) };
}

/**
 * The spec spells four header fields two ways (docs/catalogue.md): 表 3 has recer_sys_code where its
 * 6.1 example writes recec_sys_code, and the example's mdtrtarea_admvs, infno, insuplc_admdvs where
 * 表 3 writes mdrtarea_admvs, info, insuplc_admvs. Both spellings are read; the first is the one
 * yibao writes.
 */
const HEADER_SPELLINGS: Readonly<Record<string, string>> = {
  recer_sys_code: 'recec_sys_code',
  mdtrtarea_admvs: 'mdrtarea_admvs',
  // 表 3 row 1 writes `info`, the example and real traffic `infno` (issue 12 §3).
  infno: 'info',
  // 表 3 row 4 writes `insuplc_admvs`, the example `insuplc_admdvs`.
  insuplc_admdvs: 'insuplc_admvs',
};

function headerField(message: WireObject, field: string): WireValue | undefined {
  const v = message[field];
  const other = HEADER_SPELLINGS[field];
  return other !== undefined && (v === undefined || v === '') ? message[other] : v;
}

export interface FsiReply {
  /** 0 成功, -1 失败 (表 5). */
  infcode: number;
  err_msg?: string;
  output?: unknown;
  /** The request's msgid is not echoed by the spec; the reply has its own inf_refmsgid. */
  inf_refmsgid?: string;
  /** When the request arrived; defaults to now. */
  refmsg_time?: Date;
  app_id?: string;
  /** Receiver's 医保区划 for inf_refmsgid. */
  admdvs?: string;
  signtype?: string;
}

/** FSI → HIS reply (表 4). */
export function sealFsiResponse(reply: FsiReply, keys: FsiKeys, options: FsiSealOptions = {}): WireObject {
  const now = options.now ?? new Date();
  const message: WireObject = {
    infcode: reply.infcode,
    inf_refmsgid: reply.inf_refmsgid ?? makeRefmsgid(reply.admdvs ?? '000000', now),
    refmsg_time: formatCompactMs(reply.refmsg_time ?? now),
    respond_time: formatCompactMs(now),
    err_msg: reply.err_msg ?? '',
    signtype: reply.signtype ?? 'SM2',
    cainfo: '',
    app_id: reply.app_id ?? '',
    enc_type: options.encrypt ? 'SM4' : '',
  };
  sign(message, 'output', keys);
  if (reply.output !== undefined) {
    message.output = options.encrypt ? encryptBody(reply.output, reply.app_id, keys) : (reply.output as WireValue);
  }
  return message;
}

export interface OpenedFsiResponse {
  infcode: number;
  err_msg: string;
  header: WireObject;
  output: WireValue | undefined;
  plainOutput: unknown;
}

/** HIS side: verify, then decrypt. Fails closed on a missing or wrong cainfo. */
export function openFsiResponse(raw: string | WireObject, keys: FsiKeys, onReject?: (r: string) => void): OpenedFsiResponse {
  const message = parseFsiMessage(raw);
  const infcodeText = String(toPlain(message.infcode) ?? '');
  if (!/^-?\d+$/.test(infcodeText)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'infcode: 应为整数（交易状态码）', { field: 'infcode' });
  verify(message, 'output', keys, onReject);
  const encrypted = typeof message.enc_type === 'string' && message.enc_type.toUpperCase() === 'SM4';
  let output: WireValue | undefined = message.output;
  if (output !== undefined && output !== null && output !== '' && encrypted) {
    output = decryptBody(output, 'output', message.app_id as string | undefined, keys);
  }
  const header: WireObject = { ...message };
  delete header.output;
  return {
    infcode: Number(infcodeText),
    err_msg: typeof message.err_msg === 'string' ? message.err_msg : '',
    header,
    output,
    plainOutput: output === undefined ? undefined : toPlain(output),
  };
}

export function isFsiSuccess(infcode: number): boolean {
  return infcode === 0;
}

