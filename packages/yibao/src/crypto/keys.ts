import { randomBytes } from 'node:crypto';
import { bigintToBytes, bytesToBigint, isHex } from './bytes.js';
import { A, B, decompress, isOnCurve, multiplyAffine, N, GX, GY, P, type Affine } from './curve.js';
import { BIT_STRING, decodeOid, encodeOid, encodeUint, INTEGER, OCTET_STRING, OID, readChildren, readWhole, SEQUENCE, tlv } from './der.js';
import { CryptoError } from './errors.js';
import { ecdhPublicKey } from './native.js';

/**
 * SM2 keys in every form seen in the wild (hex, base64, DER, PEM; raw or wrapped). Parsing never
 * creates a Node KeyObject: Node's SM2 KeyObjects mis-sign (empty user id) and can abort the process
 * on export (docs/crypto.md).
 */
export interface Sm2PublicKey {
  readonly x: bigint;
  readonly y: bigint;
}

export interface Sm2PrivateKey {
  readonly d: bigint;
  readonly publicKey: Sm2PublicKey;
}

export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_SM2 = '1.2.156.10197.1.301';

const cachePriv = new Map<string, Sm2PrivateKey>();
const cachePub = new Map<string, Sm2PublicKey>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

function badKey(message: string): CryptoError {
  return new CryptoError('BAD_KEY', message);
}

/** Text input → bytes, with how it was written (for error messages). */
function decodeText(input: string, kind: '私钥' | '公钥'): { bytes: Buffer; pem?: string; hex: boolean } {
  const text = input.trim();
  if (text === '') throw badKey(`${kind}为空`);
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const blocks = [...text.matchAll(pem)];
  if (blocks.length > 0) {
    // An "EC PARAMETERS" / "SM2 PARAMETERS" block may come first (openssl ecparam -genkey); take the key.
    const block = blocks.find((b) => !b[1]!.endsWith('PARAMETERS')) ?? blocks[0]!;
    const body = block[2]!.replace(/\s+/g, '');
    return { bytes: Buffer.from(body, 'base64'), pem: block[1]!, hex: false };
  }
  const compact = text.replace(/\s+/g, '');
  if (isHex(compact)) return { bytes: Buffer.from(compact, 'hex'), hex: true };
  if (/^[0-9a-fA-F]+$/.test(compact)) throw badKey(`${kind}的十六进制长度为奇数 (${compact.length})`);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) throw badKey(`${kind}应为十六进制、base64 或 PEM`);
  const bytes = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 0) throw badKey(`${kind}应为十六进制、base64 或 PEM`);
  return { bytes, hex: false };
}

/**
 * A private key written by Java's BigInteger (toString(16), toByteArray) loses its leading zeros:
 * 63 hex digits for one key in 16, 62 for one in 256. Hex of 56–63 digits is that form, left-padded.
 */
function padShortHex(input: string): string {
  const compact = input.trim();
  return /^[0-9a-fA-F]{56,63}$/.test(compact) ? compact.padStart(64, '0') : input;
}

function checkScalar(d: bigint): bigint {
  if (d < 1n || d > N - 2n) throw badKey('私钥不在有效范围 [1, n-2] 内');
  return d;
}

/** Reads an EC point (04‖x‖y, 02/03‖x, or raw x‖y). */
export function pointFromBytes(bytes: Buffer): Affine {
  let pt: Affine | undefined;
  if (bytes.length === 65 && bytes[0] === 0x04) {
    pt = { x: bytesToBigint(bytes.subarray(1, 33)), y: bytesToBigint(bytes.subarray(33)) };
  } else if (bytes.length === 64) {
    pt = { x: bytesToBigint(bytes.subarray(0, 32)), y: bytesToBigint(bytes.subarray(32)) };
  } else if (bytes.length === 33 && (bytes[0] === 0x02 || bytes[0] === 0x03)) {
    pt = decompress(bytesToBigint(bytes.subarray(1)), bytes[0] === 0x03);
    if (!pt) throw badKey('压缩公钥的 x 坐标不在 SM2 曲线上');
  } else {
    throw badKey(`公钥长度 ${bytes.length} 字节无法识别：应为 04||x||y (65)、02/03||x (33) 或 x||y (64)`);
  }
  if (!isOnCurve(pt)) throw badKey('公钥不在 SM2 曲线上（是否为其他曲线的密钥？）');
  return pt;
}

/**
 * Explicit curve parameters (RFC 3279 ECParameters: version, fieldID {prime-field, p}, curve {a, b},
 * base, order …) instead of a curve OID: accepted only when they are SM2's, so a key of another
 * curve written with explicit parameters is not taken for an SM2 key.
 */
function checkExplicitCurve(params: Buffer): void {
  try {
    const kids = readChildren(params, '曲线参数');
    const field = readChildren(kids[1]!.value, '曲线参数');
    const curve = readChildren(kids[2]!.value, '曲线参数');
    const p = bytesToBigint(field[1]!.value);
    const a = bytesToBigint(curve[0]!.value);
    const b = bytesToBigint(curve[1]!.value);
    const n = bytesToBigint(kids[4]!.value);
    if (p === P && a === A && b === B && n === N) return;
  } catch {
    // fall through: unreadable parameters are not SM2's
  }
  throw badKey('密钥的显式曲线参数不是 SM2 曲线，请使用 SM2 (1.2.156.10197.1.301) 密钥');
}

function checkCurve(params: Buffer | undefined, algorithm: string | undefined): void {
  // PKCS#8/SPKI name the curve in AlgorithmIdentifier; SEC1 may in [0]. Either way it must be SM2.
  const curve = params ? decodeOid(params) : undefined;
  if (algorithm === OID_SM2 || curve === OID_SM2) return;
  if (curve === undefined && algorithm === undefined) return;
  throw badKey(`密钥不是 SM2 曲线（OID ${curve ?? algorithm}），请使用 SM2 (1.2.156.10197.1.301) 密钥`);
}

/** SEC1 ECPrivateKey: SEQUENCE { version 1, OCTET STRING d, [0] curve OPTIONAL, [1] public OPTIONAL }. */
function parseSec1(der: Buffer, outerCurve?: Buffer, outerAlg?: string): bigint {
  const seq = readWhole(der, 'EC 私钥');
  if (seq.tag !== SEQUENCE) throw badKey('EC 私钥结构无效');
  const kids = readChildren(seq.value, 'EC 私钥');
  if (kids.length < 2 || kids[0]!.tag !== INTEGER || kids[1]!.tag !== OCTET_STRING) throw badKey('EC 私钥结构无效');
  const curveTag = kids.find((k) => k.tag === 0xa0);
  if (curveTag) {
    const oid = readWhole(curveTag.value, '曲线参数');
    if (oid.tag === OID) checkCurve(oid.value, outerAlg);
    else if (oid.tag === SEQUENCE) checkExplicitCurve(oid.value);
  } else if (outerCurve || outerAlg) {
    checkCurve(outerCurve, outerAlg);
  }
  if (kids[1]!.value.length > 33) throw badKey('私钥长度超过 32 字节');
  return bytesToBigint(kids[1]!.value);
}

/** PKCS#8 PrivateKeyInfo: SEQUENCE { version, AlgorithmIdentifier, OCTET STRING (SEC1) }. */
function parsePkcs8(der: Buffer): bigint {
  const seq = readWhole(der, 'PKCS#8 私钥');
  const kids = readChildren(seq.value, 'PKCS#8 私钥');
  if (seq.tag !== SEQUENCE || kids.length < 3 || kids[1]!.tag !== SEQUENCE || kids[2]!.tag !== OCTET_STRING) throw badKey('PKCS#8 私钥结构无效');
  const alg = readChildren(kids[1]!.value, '算法标识');
  const algOid = alg[0]?.tag === OID ? decodeOid(alg[0].value) : undefined;
  const params = alg[1]?.tag === OID ? alg[1].value : undefined;
  if (algOid !== OID_EC_PUBLIC_KEY && algOid !== OID_SM2) throw badKey(`不是 EC/SM2 私钥（算法 OID ${algOid ?? '缺失'}）`);
  if (alg[1]?.tag === SEQUENCE) checkExplicitCurve(alg[1].value);
  checkCurve(params, algOid === OID_SM2 ? OID_SM2 : undefined);
  return parseSec1(kids[2]!.value, params, algOid === OID_SM2 ? OID_SM2 : undefined);
}

/** SPKI: SEQUENCE { AlgorithmIdentifier, BIT STRING point }. */
function parseSpki(der: Buffer): Affine {
  const seq = readWhole(der, 'SPKI 公钥');
  const kids = readChildren(seq.value, 'SPKI 公钥');
  if (seq.tag !== SEQUENCE || kids.length !== 2 || kids[0]!.tag !== SEQUENCE || kids[1]!.tag !== BIT_STRING) throw badKey('SPKI 公钥结构无效');
  const alg = readChildren(kids[0]!.value, '算法标识');
  const algOid = alg[0]?.tag === OID ? decodeOid(alg[0].value) : undefined;
  if (algOid !== OID_EC_PUBLIC_KEY && algOid !== OID_SM2) throw badKey(`不是 EC/SM2 公钥（算法 OID ${algOid ?? '缺失'}）`);
  if (alg[1]?.tag === SEQUENCE) checkExplicitCurve(alg[1].value);
  checkCurve(alg[1]?.tag === OID ? alg[1].value : undefined, algOid === OID_SM2 ? OID_SM2 : undefined);
  const bits = kids[1]!.value;
  if (bits[0] !== 0) throw badKey('公钥 BIT STRING 无效');
  return pointFromBytes(bits.subarray(1));
}

/** The byte lengths of a bare point: 02/03‖x, x‖y, 04‖x‖y. */
const RAW_POINT_LENGTHS: ReadonlySet<number> = new Set([33, 64, 65]);

/**
 * SPKI or a bare point? A `PUBLIC KEY` PEM is always SPKI. Otherwise a SEQUENCE tag decides, except at
 * the bare-point lengths: a raw x‖y starts with 0x30 for one key in 256, and an SM2 SPKI is never
 * 33, 64 or 65 bytes long (59 with a compressed point, 91 uncompressed, more with explicit
 * parameters). Going by length alone (> 65) sent the 59-byte compressed SPKI to the point reader.
 */
function isSpki(bytes: Buffer, pem: string | undefined): boolean {
  if (pem === 'PUBLIC KEY') return true;
  return bytes[0] === SEQUENCE && !RAW_POINT_LENGTHS.has(bytes.length);
}

function privateFromScalar(d: bigint): Sm2PrivateKey {
  checkScalar(d);
  return { d, publicKey: ecdhPublicKey(d) };
}

export function parsePrivateKey(input: string | Uint8Array | Sm2PrivateKey): Sm2PrivateKey {
  if (typeof input === 'object' && 'd' in input) return input;
  const cacheKey = typeof input === 'string' ? input : Buffer.from(input).toString('hex');
  const hit = cachePriv.get(cacheKey);
  if (hit) return hit;
  const { bytes, pem, hex } = typeof input === 'string' ? decodeText(padShortHex(input), '私钥') : { bytes: Buffer.from(input), pem: undefined, hex: false };
  let d: bigint;
  if (bytes.length === 32 || (bytes.length === 33 && bytes[0] === 0)) {
    d = bytesToBigint(bytes);
  } else if (bytes[0] === SEQUENCE) {
    if (pem === 'EC PRIVATE KEY' || pem === 'SM2 PRIVATE KEY') d = parseSec1(bytes);
    else {
      try {
        d = parsePkcs8(bytes);
      } catch (err) {
        if (pem === 'PRIVATE KEY') throw err;
        d = parseSec1(bytes); // base64 DER without a PEM label: PKCS#8 or SEC1
      }
    }
  } else {
    throw badKey(hex ? `私钥应为 64 位十六进制（可带前导 00，或省去前导 0），实际 ${bytes.length * 2} 位` : '私钥应为 64 位十六进制、base64 或 PEM（PKCS#8 / SEC1）');
  }
  return remember(cachePriv, cacheKey, privateFromScalar(d));
}

export function parsePublicKey(input: string | Uint8Array | Sm2PublicKey): Sm2PublicKey {
  if (typeof input === 'object' && 'x' in input && 'y' in input) return input;
  const cacheKey = typeof input === 'string' ? input : Buffer.from(input).toString('hex');
  const hit = cachePub.get(cacheKey);
  if (hit) return hit;
  const { bytes, pem } = typeof input === 'string' ? decodeText(input, '公钥') : { bytes: Buffer.from(input), pem: undefined };
  const pt = isSpki(bytes, pem) ? parseSpki(bytes) : pointFromBytes(bytes);
  return remember(cachePub, cacheKey, { x: pt.x, y: pt.y });
}

export function generateKeyPair(): { privateKey: string; publicKey: string } {
  for (;;) {
    const d = bytesToBigint(randomBytes(32));
    if (d < 1n || d > N - 2n) continue;
    const k = privateFromScalar(d);
    return { privateKey: privateKeyToHex(k), publicKey: publicKeyToHex(k.publicKey) };
  }
}

export function privateKeyToHex(k: Sm2PrivateKey): string {
  return bigintToBytes(k.d).toString('hex');
}

export function publicKeyToHex(k: Sm2PublicKey, compressed = false): string {
  if (compressed) return ((k.y & 1n) === 1n ? '03' : '02') + bigintToBytes(k.x).toString('hex');
  return '04' + bigintToBytes(k.x).toString('hex') + bigintToBytes(k.y).toString('hex');
}

function pemWrap(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const ALG_SM2 = tlv(SEQUENCE, Buffer.concat([encodeOid(OID_EC_PUBLIC_KEY), encodeOid(OID_SM2)]));

function publicPoint(k: Sm2PublicKey): Buffer {
  return Buffer.from(publicKeyToHex(k), 'hex');
}

export function privateKeyToDer(k: Sm2PrivateKey): Buffer {
  const sec1 = tlv(
    SEQUENCE,
    Buffer.concat([
      encodeUint(Buffer.from([1])),
      tlv(OCTET_STRING, bigintToBytes(k.d)),
      tlv(0xa1, tlv(BIT_STRING, Buffer.concat([Buffer.from([0]), publicPoint(k.publicKey)]))),
    ]),
  );
  return tlv(SEQUENCE, Buffer.concat([encodeUint(Buffer.from([0])), ALG_SM2, tlv(OCTET_STRING, sec1)]));
}

export function publicKeyToDer(k: Sm2PublicKey): Buffer {
  return tlv(SEQUENCE, Buffer.concat([ALG_SM2, tlv(BIT_STRING, Buffer.concat([Buffer.from([0]), publicPoint(k)]))]));
}

export function privateKeyToPem(k: Sm2PrivateKey): string {
  return pemWrap('PRIVATE KEY', privateKeyToDer(k));
}

export function publicKeyToPem(k: Sm2PublicKey): string {
  return pemWrap('PUBLIC KEY', publicKeyToDer(k));
}

/** Test support: d·G without OpenSSL (slow). */
export function publicKeyOfScalarSlow(d: bigint): Sm2PublicKey {
  const pt = multiplyAffine(d, { x: GX, y: GY });
  if (!pt) throw badKey('私钥无效');
  return pt;
}
