import { describe, expect, it } from 'vitest';
import { CryptoError, deriveSm4Key, deriveSm4KeyText, sm3Hex, sm4DecryptHex, sm4EcbDecrypt, sm4EcbEncrypt, sm4EncryptToHex } from '../../packages/yibao/src/crypto/index.js';
import { loadVector } from '../helpers/vectors.js';

describe('SM3 and SM4 through OpenSSL', () => {
  it('SM3 standard vector (GB/T 32905 附录 A: "abc")', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
  it('SM4 standard vector (GB/T 32907 附录 A), first block of our padded ECB', () => {
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    expect(sm4EcbEncrypt(k, k).subarray(0, 16).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(sm4EcbDecrypt(k, sm4EcbEncrypt(k, 'x')).toString()).toBe('x');
  });
  it('mobile-sm4.json byte-exact both ways', () => {
    const v = loadVector<{ appId: string; appSecret: string; derivedHex: string; sm4KeyText: string; plaintext: string; encData: string }>('mobile-sm4.json');
    expect(deriveSm4KeyText(v.appId, v.appSecret)).toBe(v.sm4KeyText);
    const key = deriveSm4Key(v.appId, v.appSecret);
    expect(sm4DecryptHex(key, v.encData)).toBe(v.plaintext);
    expect(sm4DecryptHex(key, v.encData.toLowerCase())).toBe(v.plaintext);
    expect(sm4EncryptToHex(key, v.plaintext)).toBe(v.encData);
  });
  it('bad ciphertext, bad hex, wrong key, short appId: CryptoError', () => {
    const key = deriveSm4Key('43AF047BBA47FC8A1AE8EFB232BDBBCB', '4117E877F5FA0A0188891283E4B617D5');
    const ct = sm4EncryptToHex(key, '{"a":1}');
    expect(() => sm4DecryptHex(key, ct.slice(2))).toThrow(CryptoError);
    expect(() => sm4DecryptHex(key, ct + 'A')).toThrow(/奇数/);
    expect(() => sm4DecryptHex(key, 'ZZ' + ct.slice(2))).toThrow(/十六进制/);
    expect(() => sm4DecryptHex(Buffer.from('0000000000000000'), ct)).toThrow(CryptoError);
    expect(() => deriveSm4KeyText('short', 's')).toThrow(/16 字节/);
    expect(() => sm4EcbEncrypt(Buffer.alloc(15), 'x')).toThrow(/16 字节/);
  });

  it('a U+FFFD that was sent decrypts as sent; only text that is not UTF-8 is refused', () => {
    const key = deriveSm4Key('43AF047BBA47FC8A1AE8EFB232BDBBCB', '4117E877F5FA0A0188891283E4B617D5');
    const text = '{"diseName":"急性\uFFFD上感","bom":"\uFEFF"}';
    expect(sm4DecryptHex(key, sm4EncryptToHex(key, text))).toBe(text);
    const ct = sm4EcbEncrypt(key, Buffer.from([0xff, 0xfe, 0x41])).toString('hex');
    expect(() => sm4DecryptHex(key, ct)).toThrow(/不是有效的 UTF-8/);
  });
});
