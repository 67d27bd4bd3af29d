import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CryptoError } from './errors.js';
import { fromHex, toBytes } from './bytes.js';

// SM4 (GB/T 32907-2016) in ECB mode with PKCS#7 padding, through node:crypto (OpenSSL).
// ECB is what the specs prescribe (mobile-payment.txt 2.2.3.2); it is not our choice.

function checkKey(key: Uint8Array): Buffer {
  const k = toBytes(key);
  if (k.length !== 16) throw new CryptoError('BAD_KEY', `SM4 密钥应为 16 字节，实际 ${k.length} 字节`);
  return k;
}

export function sm4EcbEncrypt(key: Uint8Array, plaintext: string | Uint8Array): Buffer {
  const cipher = createCipheriv('sm4-ecb', checkKey(key), null);
  return Buffer.concat([cipher.update(toBytes(plaintext)), cipher.final()]);
}

export function sm4EcbDecrypt(key: Uint8Array, ciphertext: Uint8Array): Buffer {
  const ct = toBytes(ciphertext);
  if (ct.length === 0 || ct.length % 16 !== 0) {
    throw new CryptoError('BAD_CIPHERTEXT', `SM4 密文长度应为 16 字节的整数倍，实际 ${ct.length} 字节`);
  }
  const decipher = createDecipheriv('sm4-ecb', checkKey(key), null);
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch (cause) {
    // A wrong key almost always shows up here, as bad PKCS#7 padding.
    throw new CryptoError('BAD_CIPHERTEXT', 'SM4 解密失败：填充无效（密钥错误或密文被篡改）', { cause });
  }
}

/**
 * The SM4 data key of envelope v2.0.1 (mobile-payment.txt 2.2.3.2 steps 3–4, docs/crypto.md):
 * SM4-ECB-encrypt appSecret with the first 16 bytes of appId as key, take the uppercase hex of the
 * result, keep its first 16 characters; those characters' bytes are the key.
 */
export function deriveSm4KeyText(appId: string, appSecret: string): string {
  const appIdBytes = toBytes(appId);
  if (appIdBytes.length < 16) {
    throw new CryptoError('BAD_INPUT', `appId 至少应为 16 字节，实际 ${appIdBytes.length} 字节`);
  }
  if (appSecret.length === 0) throw new CryptoError('BAD_INPUT', 'appSecret 不能为空');
  const derived = sm4EcbEncrypt(appIdBytes.subarray(0, 16), appSecret).toString('hex').toUpperCase();
  return derived.slice(0, 16);
}

export function deriveSm4Key(appId: string, appSecret: string): Buffer {
  return Buffer.from(deriveSm4KeyText(appId, appSecret), 'utf8');
}

/** Encrypt text to the uppercase hex that travels as `encData`. */
export function sm4EncryptToHex(key: Uint8Array, plaintext: string | Uint8Array): string {
  return sm4EcbEncrypt(key, plaintext).toString('hex').toUpperCase();
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decrypt `encData` hex (either case) to UTF-8 text. */
export function sm4DecryptHex(key: Uint8Array, hex: string): string {
  // A wrong key can, rarely, still yield valid padding; its output is then not UTF-8. A U+FFFD that
  // was sent is text like any other, so the decoder is strict rather than the text searched for it.
  const plain = sm4EcbDecrypt(key, fromHex(hex, 'encData'));
  try {
    return STRICT_UTF8.decode(plain);
  } catch {
    throw new CryptoError('BAD_CIPHERTEXT', 'SM4 解密结果不是有效的 UTF-8 文本（密钥错误？）');
  }
}
