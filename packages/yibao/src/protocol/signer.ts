import { timingSafeEqual } from 'node:crypto';
import { CryptoError } from '../crypto/errors.js';
import type { Sm2PrivateKey, Sm2PublicKey } from '../crypto/keys.js';
import { sm2SignBase64, sm2Verify } from '../crypto/sm2.js';
import { sm3Hex } from '../crypto/sm3.js';
import { ErrorCode, YibaoError } from './errors.js';

/**
 * signType SM2: SM3withSM2 over the sign string, base64 of raw r||s (mobile-payment.txt 2.2.3.1).
 * signType SM3: the sign string already ends in `&key=<appSecret>`, so its SM3 digest is a keyed
 * digest (the portal's 签名方式 SM3); written as uppercase hex, compared case-insensitively.
 */
export type SignType = 'SM2' | 'SM3';
export type EncType = 'SM4' | 'plain';

export function parseSignType(value: unknown, field = 'signType'): SignType {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (text === 'SM2' || text === 'SM3') return text;
  if (value === undefined || value === null || value === '') {
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 必填（签名方式）`, { field });
  }
  throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 应为 SM2 或 SM3（签名方式）`, { field });
}

/**
 * The signature type of a received message, refused unless this receiver accepts it. The type comes
 * from the message, so without this a message could pick the weaker one: SM3 needs only the shared
 * appSecret, SM2 the sender's private key. Default: SM2 only when the peer's public key is known.
 */
export function acceptSignType(value: unknown, accepted: readonly SignType[] | undefined, hasPeerKey: boolean, field = 'signType'): SignType {
  const signType = parseSignType(value, field);
  const allowed = accepted ?? (hasPeerKey ? ['SM2'] : ['SM2', 'SM3']);
  if (!allowed.includes(signType)) {
    throw new YibaoError(ErrorCode.BAD_SIGNATURE, `${field}: 不接受 ${signType} 签名，本应用约定 ${allowed.join('/')}`, { field });
  }
  return signType;
}

/** SM4, or no encryption (`plain`, also written as an empty string or NONE by some centers). */
export function parseEncType(value: unknown, field = 'encType'): EncType {
  if (value === undefined || value === null) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 必填（加密方式）`, { field });
  }
  const text = typeof value === 'string' ? value.trim().toUpperCase() : '?';
  if (text === 'SM4') return 'SM4';
  if (text === '' || text === 'PLAIN' || text === 'NONE') return 'plain';
  throw new YibaoError(ErrorCode.INVALID_PARAM, `${field}: 应为 SM4 或 plain（加密方式）`, { field });
}

export interface SigningKey {
  signType: SignType;
  /** Required for SM2. */
  privateKey?: string | Sm2PrivateKey;
  userId?: string;
}

export interface VerifyingKey {
  signType: SignType;
  /** Required for SM2. */
  publicKey?: string | Sm2PublicKey;
  userId?: string;
}

export function signContent(signString: string, key: SigningKey): string {
  if (key.signType === 'SM3') return sm3Hex(signString).toUpperCase();
  if (key.privateKey === undefined) throw new YibaoError(ErrorCode.SYSTEM, '缺少 SM2 私钥，无法签名');
  return sm2SignBase64(key.privateKey, signString, key.userId === undefined ? undefined : { userId: key.userId });
}

/**
 * Fails closed: a missing key, an unparseable signature and a wrong signature all answer false.
 * The reason goes to `onReject` for the operator's log.
 */
export function verifyContent(
  signString: string,
  signature: string,
  key: VerifyingKey,
  onReject?: (reason: string) => void,
): boolean {
  if (signature.length === 0) {
    onReject?.('empty signature');
    return false;
  }
  if (key.signType === 'SM3') {
    const expected = Buffer.from(sm3Hex(signString), 'utf8');
    const got = Buffer.from(signature.trim().toLowerCase(), 'utf8');
    const ok = expected.length === got.length && timingSafeEqual(expected, got);
    if (!ok) onReject?.('SM3 digest mismatch');
    return ok;
  }
  if (key.publicKey === undefined) {
    onReject?.('no SM2 public key configured');
    return false;
  }
  try {
    const ok = sm2Verify(key.publicKey, signString, signature, key.userId === undefined ? undefined : { userId: key.userId });
    if (!ok) onReject?.('SM2 signature does not verify');
    return ok;
  } catch (err) {
    onReject?.(err instanceof CryptoError ? `${err.code}: ${err.message}` : String(err));
    return false;
  }
}
