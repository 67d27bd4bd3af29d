/**
 * The one error type of the crypto layer. It never carries key material: messages name what is wrong
 * ("私钥长度应为 32 字节") and never echo the input.
 */
export type CryptoErrorCode =
  | 'BAD_KEY' // a key that cannot be parsed or is not on the SM2 curve
  | 'BAD_SIGNATURE' // a signature that cannot be parsed (not raw r||s, not DER, not hex/base64)
  | 'BAD_HEX' // odd-length or non-hex input where hex is required
  | 'BAD_CIPHERTEXT' // wrong block length or bad padding on SM4 decryption
  | 'BAD_INPUT'; // anything else: wrong type, empty input

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}
