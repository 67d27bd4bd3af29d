import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  generateKeyPair,
  parsePrivateKey,
  parsePublicKey,
  parseSignature,
  privateKeyToDer,
  privateKeyToHex,
  privateKeyToPem,
  publicKeyToDer,
  publicKeyToHex,
  publicKeyToPem,
  signatureToDer,
  sm2Sign,
  sm2SignBase64,
  sm2Verify,
} from '../../packages/yibao/src/crypto/index.js';
import { decompress, N } from '../../packages/yibao/src/crypto/curve.js';
import { bigintToBytes } from '../../packages/yibao/src/crypto/bytes.js';
import { BIT_STRING, readChildren, readWhole, SEQUENCE, tlv } from '../../packages/yibao/src/crypto/der.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'yibao-sm2-'));
let hasOpenssl = true;
try {
  execFileSync('openssl', ['version']);
} catch {
  hasOpenssl = false;
  console.warn('openssl binary not found: the OpenSSL interop tests are skipped');
}
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir }).toString();

function expectCryptoError(fn: () => unknown, code: string, pattern?: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    expect((e as CryptoError).code).toBe(code);
    if (pattern) expect((e as CryptoError).message).toMatch(pattern);
    expect((e as Error).message).toMatch(/[\u4e00-\u9fff]/); // a Chinese message
    return;
  }
  throw new Error('expected a CryptoError');
}

describe('SM2', () => {
  const kp = generateKeyPair();

  it('sign → verify; any change is false', () => {
    const sig = sm2Sign(kp.privateKey, '医保移动支付');
    expect(sig).toHaveLength(64);
    expect(sm2Verify(kp.publicKey, '医保移动支付', sig)).toBe(true);
    expect(sm2Verify(kp.publicKey, '医保移动支付!', sig)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[40] ^= 1;
    expect(sm2Verify(kp.publicKey, '医保移动支付', flipped)).toBe(false);
    expect(sm2Verify(generateKeyPair().publicKey, '医保移动支付', sig)).toBe(false);
  });

  it('r or s out of range is false', () => {
    const zero = Buffer.alloc(64);
    expect(sm2Verify(kp.publicKey, 'x', zero)).toBe(false);
    const big = Buffer.concat([bigintToBytes(N), bigintToBytes(1n)]);
    expect(sm2Verify(kp.publicKey, 'x', big)).toBe(false);
    const sig = sm2Sign(kp.privateKey, 'x');
    const highS = Buffer.concat([sig.subarray(0, 32), bigintToBytes(N)]);
    expect(sm2Verify(kp.publicKey, 'x', highS)).toBe(false);
  });

  it('custom user id round-trips and must match', () => {
    const sig = sm2Sign(kp.privateKey, 'm', { userId: 'ALICE123@YAHOO.COM' });
    expect(sm2Verify(kp.publicKey, 'm', sig, { userId: 'ALICE123@YAHOO.COM' })).toBe(true);
    expect(sm2Verify(kp.publicKey, 'm', sig)).toBe(false);
  });

  it('signatures read as raw or DER, in hex or base64', () => {
    const raw = sm2Sign(kp.privateKey, 'forms');
    const der = signatureToDer(raw);
    for (const form of [raw, der, raw.toString('hex'), raw.toString('base64'), der.toString('hex'), der.toString('base64')]) {
      expect(sm2Verify(kp.publicKey, 'forms', form)).toBe(true);
    }
    expect(parseSignature(der)).toEqual(parseSignature(raw));
  });

  it('interoperates with sm-crypto both ways', () => {
    const ours = sm2Sign(kp.privateKey, 'interop 互通');
    expect(smCrypto.sm2.doVerifySignature('interop 互通', ours.toString('hex'), kp.publicKey, { hash: true })).toBe(true);
    const theirs = smCrypto.sm2.doSignature('interop 互通', kp.privateKey, { hash: true });
    expect(sm2Verify(kp.publicKey, 'interop 互通', theirs)).toBe(true);
    const theirsDer = smCrypto.sm2.doSignature('interop 互通', kp.privateKey, { hash: true, der: true });
    expect(sm2Verify(kp.publicKey, 'interop 互通', theirsDer)).toBe(true);
  });

  it('known-answer: an OpenSSL signature made once and committed verifies byte-exact', () => {
    const pub = readFileSync(join(here, 'fixtures', 'kat-pub.pem'), 'utf8');
    const sig = readFileSync(join(here, 'fixtures', 'kat-sig.der.b64'), 'utf8').trim();
    expect(sm2Verify(pub, 'yibao known-answer vector', sig)).toBe(true);
    expect(sm2Verify(pub, 'yibao known-answer vector.', sig)).toBe(false);
  });

  it.skipIf(!hasOpenssl)('OpenSSL → yibao: a pkeyutl signature verifies here', () => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'k.pem']);
    openssl(['pkey', '-in', 'k.pem', '-pubout', '-out', 'p.pem']);
    writeFileSync(join(dir, 'm.txt'), '{"appId":"x","data":{"a":1}}&key=secret');
    openssl(['pkeyutl', '-sign', '-in', 'm.txt', '-rawin', '-digest', 'sm3', '-inkey', 'k.pem', '-out', 's.der', '-pkeyopt', 'distid:1234567812345678']);
    const sig = readFileSync(join(dir, 's.der'));
    expect(sm2Verify(readFileSync(join(dir, 'p.pem'), 'utf8'), readFileSync(join(dir, 'm.txt')), sig)).toBe(true);
    // and the private key OpenSSL wrote is the one whose public key OpenSSL wrote
    expect(parsePrivateKey(readFileSync(join(dir, 'k.pem'), 'utf8')).publicKey).toEqual(parsePublicKey(readFileSync(join(dir, 'p.pem'), 'utf8')));
  });

  it.skipIf(!hasOpenssl)('yibao → OpenSSL: our signature (as DER) verifies in pkeyutl, with our PEM keys', () => {
    const priv = parsePrivateKey(kp.privateKey);
    writeFileSync(join(dir, 'ours.pem'), publicKeyToPem(priv.publicKey));
    writeFileSync(join(dir, 'ours-k.pem'), privateKeyToPem(priv));
    writeFileSync(join(dir, 'm2.txt'), '医保 signed by yibao');
    writeFileSync(join(dir, 'ours.der'), signatureToDer(sm2Sign(priv, '医保 signed by yibao')));
    const out = openssl(['pkeyutl', '-verify', '-in', 'm2.txt', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', 'ours.pem', '-sigfile', 'ours.der', '-pkeyopt', 'distid:1234567812345678']);
    expect(out).toMatch(/Signature Verified Successfully/);
    // OpenSSL reads our PKCS#8 private key too
    expect(openssl(['pkey', '-in', 'ours-k.pem', '-noout', '-text'])).toMatch(/SM2|Private-Key/);
  });

  it('property: random messages, Chinese and empty included, sign → verify, modified → false', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(''), fc.uint8Array()), (m) => {
        const sig = sm2Sign(kp.privateKey, m);
        expect(sm2Verify(kp.publicKey, m, sig)).toBe(true);
        const other = typeof m === 'string' ? `${m}.` : new Uint8Array([...m, 1]);
        expect(sm2Verify(kp.publicKey, other, sig)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('SM2 keys in every form seen in the wild', () => {
  const kp = generateKeyPair();
  const priv = parsePrivateKey(kp.privateKey);
  const pub = priv.publicKey;

  it('private key: hex, 00-prefixed hex, base64 raw, PKCS#8 DER/PEM, SEC1 PEM (EC and SM2 labels, with a parameters block)', () => {
    const pkcs8 = readChildren(readWhole(privateKeyToDer(priv)).value);
    const sec1 = pkcs8[2]!.value; // the inner ECPrivateKey
    const forms = [
      kp.privateKey,
      kp.privateKey.toUpperCase(),
      `00${kp.privateKey}`,
      Buffer.from(kp.privateKey, 'hex').toString('base64'),
      privateKeyToDer(priv).toString('base64'),
      privateKeyToPem(priv),
      `-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\n${sec1.toString('base64')}\n-----END EC PRIVATE KEY-----\n`,
      `-----BEGIN SM2 PRIVATE KEY-----\n${sec1.toString('base64')}\n-----END SM2 PRIVATE KEY-----`,
      Buffer.from(kp.privateKey, 'hex'),
    ];
    for (const f of forms) expect(privateKeyToHex(parsePrivateKey(f))).toBe(kp.privateKey);
    // Java's BigInteger drops leading zeros: 63 and 62 hex digits are the same keys, left-padded.
    const small = `0${'a'.repeat(63)}`;
    expect(privateKeyToHex(parsePrivateKey('a'.repeat(63)))).toBe(small);
    expect(privateKeyToHex(parsePrivateKey('ab'.repeat(31)))).toBe(`00${'ab'.repeat(31)}`);
  });

  it.skipIf(!hasOpenssl)('a key of another curve written with explicit parameters is refused; SM2 with explicit parameters is read', () => {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'p256.pem']);
    openssl(['ec', '-in', 'p256.pem', '-param_enc', 'explicit', '-out', 'p256x.pem']);
    openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'p256x.pem', '-out', 'p256x8.pem']);
    for (const f of ['p256x.pem', 'p256x8.pem']) expectCryptoError(() => parsePrivateKey(readFileSync(join(dir, f), 'utf8')), 'BAD_KEY', /显式曲线参数不是 SM2/);
    openssl(['ecparam', '-name', 'SM2', '-genkey', '-noout', '-out', 'sm2.pem']);
    openssl(['ec', '-in', 'sm2.pem', '-param_enc', 'explicit', '-out', 'sm2x.pem']);
    expect(parsePrivateKey(readFileSync(join(dir, 'sm2x.pem'), 'utf8')).d).toBe(parsePrivateKey(readFileSync(join(dir, 'sm2.pem'), 'utf8')).d);
  });

  /** SPKI holding the compressed point, as `openssl ec -pubin -conv_form compressed -pubout` writes it. */
  function compressedSpki(): Buffer {
    const [algorithm] = readChildren(readWhole(publicKeyToDer(pub)).value);
    const point = Buffer.from(publicKeyToHex(pub, true), 'hex');
    return tlv(SEQUENCE, Buffer.concat([tlv(SEQUENCE, algorithm!.value), tlv(BIT_STRING, Buffer.concat([Buffer.from([0]), point]))]));
  }

  it('public key: 04||x||y, compressed, raw x||y (Hutool users), base64, SPKI DER/PEM, compressed SPKI DER/PEM', () => {
    const hex = kp.publicKey;
    const spkiCompressed = compressedSpki();
    expect(spkiCompressed.length).toBe(59);
    const pemCompressed = `-----BEGIN PUBLIC KEY-----\n${spkiCompressed.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const forms = [
      hex,
      publicKeyToHex(pub, true),
      hex.slice(2),
      Buffer.from(hex, 'hex').toString('base64'),
      publicKeyToDer(pub).toString('base64'),
      publicKeyToPem(pub),
      `  ${publicKeyToPem(pub).replace(/\n/g, '\r\n')}  `,
      spkiCompressed.toString('base64'),
      spkiCompressed.toString('hex'),
      pemCompressed,
    ];
    for (const f of forms) expect(parsePublicKey(f)).toEqual({ x: pub.x, y: pub.y });
    expect(parsePublicKey(spkiCompressed)).toEqual({ x: pub.x, y: pub.y });
  });

  it('public key: compressed SPKI of the committed OpenSSL vector verifies its signature', () => {
    // kat-pub-compressed.pem = openssl ec -pubin -in kat-pub.pem -conv_form compressed -pubout (fixtures/README.md)
    const compressed = readFileSync(join(here, 'fixtures', 'kat-pub-compressed.pem'), 'utf8');
    const sig = readFileSync(join(here, 'fixtures', 'kat-sig.der.b64'), 'utf8').trim();
    expect(parsePublicKey(compressed)).toEqual(parsePublicKey(readFileSync(join(here, 'fixtures', 'kat-pub.pem'), 'utf8')));
    expect(sm2Verify(compressed, 'yibao known-answer vector', sig)).toBe(true);
  });

  it.skipIf(!hasOpenssl)('public key: `openssl ec -conv_form compressed -pubout` output parses to the same point', () => {
    openssl(['genpkey', '-algorithm', 'SM2', '-out', 'kc.pem']);
    openssl(['pkey', '-in', 'kc.pem', '-pubout', '-out', 'pc-full.pem']);
    openssl(['ec', '-pubin', '-in', 'pc-full.pem', '-conv_form', 'compressed', '-pubout', '-out', 'pc.pem']);
    const full = parsePublicKey(readFileSync(join(dir, 'pc-full.pem'), 'utf8'));
    expect(parsePublicKey(readFileSync(join(dir, 'pc.pem'), 'utf8'))).toEqual(full);
    expect(full).toEqual(parsePrivateKey(readFileSync(join(dir, 'kc.pem'), 'utf8')).publicKey);
  });

  it('public key: a raw x||y that happens to start like a DER SEQUENCE is still read as x||y', () => {
    // x = 30 3e …: the 64 bytes even parse as one whole SEQUENCE (length 0x3e = 62).
    let pt: { x: bigint; y: bigint } | undefined;
    for (let tail = 1n; !pt; tail++) pt = decompress((0x303en << 240n) | tail, false);
    const raw = Buffer.concat([bigintToBytes(pt.x), bigintToBytes(pt.y)]);
    expect(raw.subarray(0, 2).toString('hex')).toBe('303e');
    expect(readWhole(raw).tag).toBe(SEQUENCE);
    expect(parsePublicKey(raw.toString('hex'))).toEqual(pt);
    expect(parsePublicKey(raw.toString('base64'))).toEqual(pt);
  });

  it.skipIf(!hasOpenssl)('keys written by `openssl ecparam -name SM2 -genkey` and `openssl genpkey` parse', () => {
    openssl(['ecparam', '-name', 'SM2', '-genkey', '-out', 'ec.pem']);
    const text = readFileSync(join(dir, 'ec.pem'), 'utf8');
    const k = parsePrivateKey(text);
    openssl(['ec', '-in', 'ec.pem', '-pubout', '-out', 'ec-pub.pem']);
    expect(parsePublicKey(readFileSync(join(dir, 'ec-pub.pem'), 'utf8'))).toEqual(k.publicKey);
    openssl(['ec', '-in', 'ec.pem', '-out', 'ec-sec1.pem']);
    expect(parsePrivateKey(readFileSync(join(dir, 'ec-sec1.pem'), 'utf8')).d).toBe(k.d);
  });

  it('malformed keys: a CryptoError with a Chinese message, never a TypeError, never the key', () => {
    expectCryptoError(() => parsePrivateKey(''), 'BAD_KEY', /为空/);
    expectCryptoError(() => parsePrivateKey('a'.repeat(55)), 'BAD_KEY', /奇数/);
    expectCryptoError(() => parsePrivateKey('ab'.repeat(27)), 'BAD_KEY', /64 位/);
    expectCryptoError(() => parsePrivateKey('zz-not-a-key!'), 'BAD_KEY');
    expectCryptoError(() => parsePrivateKey('0'.repeat(64)), 'BAD_KEY', /范围/);
    expectCryptoError(() => parsePrivateKey(privateKeyToDer(priv).subarray(0, 40).toString('base64')), 'BAD_INPUT');
    expectCryptoError(() => parsePublicKey('04' + '11'.repeat(64)), 'BAD_KEY', /曲线/);
    expectCryptoError(() => parsePublicKey('05' + '11'.repeat(64)), 'BAD_KEY');
    expectCryptoError(() => parsePublicKey(Buffer.alloc(10).toString('base64')), 'BAD_KEY', /长度/);
    // a P-256 key is refused by its curve OID
    const p256 = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + Buffer.alloc(64, 1).toString('base64').slice(0, 88);
    try {
      parsePublicKey(p256);
      throw new Error('accepted a P-256 key');
    } catch (e) {
      expect(e).toBeInstanceOf(CryptoError);
    }
    try {
      parsePrivateKey('ab'.repeat(31));
    } catch (e) {
      expect((e as Error).message).not.toContain('abab');
    }
  });

  it('malformed signatures: BAD_SIGNATURE', () => {
    expectCryptoError(() => sm2Verify(pub, 'x', ''), 'BAD_SIGNATURE');
    expectCryptoError(() => sm2Verify(pub, 'x', '!!!!'), 'BAD_SIGNATURE');
    expectCryptoError(() => sm2Verify(pub, 'x', Buffer.alloc(63)), 'BAD_SIGNATURE');
    expectCryptoError(() => sm2Verify(pub, 'x', Buffer.from('3006020100020100', 'hex').subarray(0, 7)), 'BAD_SIGNATURE');
    expectCryptoError(() => sm2Verify(pub, 'x', Buffer.from('300602010102018000', 'hex')), 'BAD_SIGNATURE');
  });

  it('generated pairs: 64-hex private, 04||x||y public, and sign/verify with base64', () => {
    const p = generateKeyPair();
    expect(p.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(p.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(sm2Verify(p.publicKey, 'b', sm2SignBase64(p.privateKey, 'b'))).toBe(true);
  });
});
