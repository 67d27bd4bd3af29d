import { randomBytes } from 'node:crypto';
import { bigintToBytes, bytesToBigint, isHex, toBytes } from './bytes.js';
import { A, B, FixedBaseTable, GX, GY, invert, mod, mulAddX, N } from './curve.js';
import { INTEGER, readChildren, readWhole, SEQUENCE, encodeUint, tlv } from './der.js';
import { CryptoError } from './errors.js';
import { parsePrivateKey, parsePublicKey, type Sm2PrivateKey, type Sm2PublicKey } from './keys.js';
import { ecdhPublicKey } from './native.js';
import { sm3 } from './sm3.js';

/**
 * SM3withSM2 (GB/T 32918.2-2016 §6–7): e = SM3(Z ‖ M), Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA).
 * The user id defaults to 1234567812345678 (GM/T 0009), as every Chinese SDK does. Signatures travel
 * as base64 of the raw 64-byte r‖s (mobile-payment.txt 2.2.3.1); DER is accepted on input.
 */
export const DEFAULT_SM2_USER_ID = '1234567812345678';

export interface Sm2Options {
  userId?: string | Uint8Array;
}

const zCache = new Map<string, Buffer>();
const dInvCache = new Map<bigint, bigint>();
const tableCache = new Map<string, FixedBaseTable>();
const TABLE_CACHE_SIZE = 64;

function userIdBytes(opts?: Sm2Options): Buffer {
  return toBytes(opts?.userId ?? DEFAULT_SM2_USER_ID);
}

/** Z of (user id, public key), cached: it is the same for every message of a key. */
export function sm2Z(pub: Sm2PublicKey, opts?: Sm2Options): Buffer {
  const id = userIdBytes(opts);
  const key = `${id.toString('hex')}:${pub.x.toString(16)}:${pub.y.toString(16)}`;
  let z = zCache.get(key);
  if (!z) {
    if (id.length * 8 > 0xffff) throw new CryptoError('BAD_INPUT', 'SM2 用户 ID 过长');
    const entl = Buffer.from([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
    z = sm3(Buffer.concat([entl, id, ...[A, B, GX, GY, pub.x, pub.y].map((v) => bigintToBytes(v))]));
    if (zCache.size > 1024) zCache.clear();
    zCache.set(key, z);
  }
  return z;
}

function digest(pub: Sm2PublicKey, message: string | Uint8Array, opts?: Sm2Options): bigint {
  return bytesToBigint(sm3(Buffer.concat([sm2Z(pub, opts), toBytes(message)])));
}

/** Raw 64-byte r‖s. k·G runs in OpenSSL; only mod-n arithmetic is done here. */
export function sm2Sign(key: Sm2PrivateKey | string | Uint8Array, message: string | Uint8Array, opts?: Sm2Options): Buffer {
  const priv = parsePrivateKey(key);
  const e = digest(priv.publicKey, message, opts);
  let dInv = dInvCache.get(priv.d);
  if (dInv === undefined) {
    dInv = invert(1n + priv.d, N);
    if (dInvCache.size > 256) dInvCache.clear();
    dInvCache.set(priv.d, dInv);
  }
  for (;;) {
    const k = bytesToBigint(randomBytes(32));
    if (k < 1n || k >= N) continue;
    const { x: x1 } = ecdhPublicKey(k);
    const r = mod(e + x1, N);
    if (r === 0n || r + k === N) continue;
    const s = mod(dInv * (k - r * priv.d), N);
    if (s === 0n) continue;
    return Buffer.concat([bigintToBytes(r), bigintToBytes(s)]);
  }
}

export function sm2SignBase64(key: Sm2PrivateKey | string | Uint8Array, message: string | Uint8Array, opts?: Sm2Options): string {
  return sm2Sign(key, message, opts).toString('base64');
}

function badSig(message: string): CryptoError {
  return new CryptoError('BAD_SIGNATURE', message);
}

function fromDer(der: Buffer): { r: bigint; s: bigint } {
  let seq;
  try {
    seq = readWhole(der, '签名');
  } catch {
    throw badSig('签名 DER 结构无效');
  }
  if (seq.tag !== SEQUENCE) throw badSig('签名 DER 结构无效');
  const kids = readChildren(seq.value, '签名');
  if (kids.length !== 2 || kids[0]!.tag !== INTEGER || kids[1]!.tag !== INTEGER) throw badSig('签名 DER 应为两个 INTEGER (r, s)');
  if (kids.some((k) => k.value.length === 0 || k.value.length > 33 || (k.value[0]! & 0x80) !== 0)) throw badSig('签名 DER 的整数无效');
  return { r: bytesToBigint(kids[0]!.value), s: bytesToBigint(kids[1]!.value) };
}

/** Raw r‖s (64 bytes) or DER, given as bytes, hex or base64. */
export function parseSignature(sig: string | Uint8Array): { r: bigint; s: bigint } {
  let bytes: Buffer;
  if (typeof sig === 'string') {
    const t = sig.trim().replace(/\s+/g, '');
    if (t === '') throw badSig('签名为空');
    if (isHex(t) && (t.length === 128 || t.startsWith('30'))) bytes = Buffer.from(t, 'hex');
    else if (/^[A-Za-z0-9+/]+={0,2}$/.test(t) && t.length % 4 === 0) bytes = Buffer.from(t, 'base64');
    else throw badSig('签名应为 base64 或十六进制');
  } else {
    bytes = Buffer.from(sig);
  }
  if (bytes.length === 64) return { r: bytesToBigint(bytes.subarray(0, 32)), s: bytesToBigint(bytes.subarray(32)) };
  if (bytes[0] === SEQUENCE) return fromDer(bytes);
  throw badSig(`签名长度 ${bytes.length} 字节无法识别：应为 64 字节 r||s 或 DER`);
}

export function signatureToDer(raw: Uint8Array): Buffer {
  const b = Buffer.from(raw);
  if (b.length !== 64) throw badSig('raw 签名应为 64 字节');
  return tlv(SEQUENCE, Buffer.concat([encodeUint(b.subarray(0, 32)), encodeUint(b.subarray(32))]));
}

/** The public key's table, built on first verification and kept for the next ones (bounded LRU). */
function tableFor(pub: Sm2PublicKey): FixedBaseTable {
  const key = `${pub.x.toString(16)}:${pub.y.toString(16)}`;
  let t = tableCache.get(key);
  if (t) {
    tableCache.delete(key);
    tableCache.set(key, t); // most recently used last
    return t;
  }
  t = new FixedBaseTable({ x: pub.x, y: pub.y }, 8);
  if (tableCache.size >= TABLE_CACHE_SIZE) tableCache.delete(tableCache.keys().next().value as string);
  tableCache.set(key, t);
  return t;
}

/**
 * True iff the signature verifies. A well-formed signature that does not verify (or has r, s out of
 * range) is false; an unparseable one throws BAD_SIGNATURE; a bad key throws BAD_KEY.
 */
export function sm2Verify(key: Sm2PublicKey | string | Uint8Array, message: string | Uint8Array, signature: string | Uint8Array, opts?: Sm2Options): boolean {
  const pub = parsePublicKey(key);
  const { r, s } = parseSignature(signature);
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const e = digest(pub, message, opts);
  const x1 = mulAddX(s, t, tableFor(pub));
  if (x1 === undefined) return false;
  return mod(e + x1, N) === r;
}
