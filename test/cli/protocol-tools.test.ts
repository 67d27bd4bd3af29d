import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrivateKey, privateKeyToPem, publicKeyToPem } from '../../packages/yibao/src/crypto/keys.js';
import { sm2Verify, signatureToDer } from '../../packages/yibao/src/crypto/sm2.js';
import { loadVector } from '../helpers/vectors.js';
import { yibao } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'yibao-cli-'));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const sm4v = loadVector<{ appId: string; appSecret: string; sm4KeyText: string; plaintext: string; encData: string }>('mobile-sm4.json');
const signv = loadVector<{ appSecret: string; message: unknown; signString: string }>('mobile-sign-string.json');

let hasOpenssl = true;
try {
  execFileSync('openssl', ['version']);
} catch {
  hasOpenssl = false;
  console.warn('openssl binary not found: the CLI/OpenSSL interop test is skipped');
}

/** The one-line error contract: exit 2, one line on stderr, no stack trace. */
function expectOneLineError(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('yibao protocol tools', () => {
  let keys: { privateKey: string; publicKey: string };
  beforeAll(() => {
    const r = yibao(['keys', 'sm2']);
    expect(r.code).toBe(0);
    keys = JSON.parse(r.stdout);
  });

  it('keys sm2 prints a key pair as JSON hex', () => {
    expect(keys.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.publicKey).toMatch(/^04[0-9a-f]{128}$/);
  });

  it('sm4 derive / encrypt / decrypt reproduce the spec vector byte-exact', () => {
    const creds = ['--app-id', sm4v.appId, '--app-secret', sm4v.appSecret];
    expect(yibao(['sm4', 'derive', ...creds]).stdout.trim()).toBe(sm4v.sm4KeyText);
    expect(yibao(['sm4', 'encrypt', ...creds, '--file', file('plain.json', sm4v.plaintext)]).stdout.trim()).toBe(sm4v.encData);
    expect(yibao(['sm4', 'decrypt', ...creds, '--data', sm4v.encData]).stdout.trim()).toBe(sm4v.plaintext);
  });

  it('sm2 sign → verify: true/exit 0; other data: false/exit 1', () => {
    const sig = yibao(['sm2', 'sign', '--private-key', keys.privateKey, '--data', '医保']).stdout.trim();
    expect(Buffer.from(sig, 'base64')).toHaveLength(64);
    const ok = yibao(['sm2', 'verify', '--public-key', keys.publicKey, '--signature', sig, '--data', '医保']);
    expect([ok.code, ok.stdout.trim()]).toEqual([0, 'true']);
    const bad = yibao(['sm2', 'verify', '--public-key', keys.publicKey, '--signature', sig, '--data', '医保!']);
    expect([bad.code, bad.stdout.trim()]).toEqual([1, 'false']);
  });

  it.skipIf(!hasOpenssl)('a CLI signature verifies in OpenSSL, keys given as PEM files', () => {
    const priv = parsePrivateKey(keys.privateKey);
    const pem = file('k.pem', privateKeyToPem(priv));
    const pub = file('p.pem', publicKeyToPem(priv.publicKey));
    const msg = file('m.txt', '{"a":1}');
    const sig = yibao(['sm2', 'sign', '--private-key', pem, '--file', msg]).stdout.trim();
    const der = file('s.der', '');
    writeFileSync(der, signatureToDer(Buffer.from(sig, 'base64')));
    const out = execFileSync('openssl', ['pkeyutl', '-verify', '-in', msg, '-rawin', '-digest', 'sm3', '-pubin', '-inkey', pub, '-sigfile', der, '-pkeyopt', 'distid:1234567812345678']).toString();
    expect(out).toMatch(/Verified Successfully/);
    expect(sm2Verify(pub.length ? readFileSync(pub, 'utf8') : '', '{"a":1}', sig)).toBe(true);
  });

  it.skipIf(!hasOpenssl)('--file is signed byte for byte (binary, a BOM), as OpenSSL signs it, both ways', () => {
    const priv = parsePrivateKey(keys.privateKey);
    const pem = file('kb.pem', privateKeyToPem(priv));
    const pub = file('pb.pem', publicKeyToPem(priv.publicKey));
    const bin = join(dir, 'bin.dat');
    writeFileSync(bin, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe, 0x00, 0x80]), Buffer.from('医保')]));
    // yibao → OpenSSL
    const sig = yibao(['sm2', 'sign', '--private-key', pem, '--file', bin]).stdout.trim();
    const der = join(dir, 'sb.der');
    writeFileSync(der, signatureToDer(Buffer.from(sig, 'base64')));
    expect(execFileSync('openssl', ['pkeyutl', '-verify', '-in', bin, '-rawin', '-digest', 'sm3', '-pubin', '-inkey', pub, '-sigfile', der, '-pkeyopt', 'distid:1234567812345678']).toString()).toMatch(/Verified Successfully/);
    // OpenSSL → yibao
    execFileSync('openssl', ['pkeyutl', '-sign', '-in', bin, '-rawin', '-digest', 'sm3', '-inkey', pem, '-out', join(dir, 'so.der'), '-pkeyopt', 'distid:1234567812345678']);
    const v = yibao(['sm2', 'verify', '--public-key', pub, '--signature', readFileSync(join(dir, 'so.der')).toString('base64'), '--file', bin]);
    expect([v.code, v.stdout.trim()]).toEqual([0, 'true']);
  });

  it('output into a pipe closed early: no stack trace', () => {
    const big = file('big.txt', 'x'.repeat(4 * 1024 * 1024));
    const errFile = join(dir, 'epipe.err');
    const out = execFileSync('sh', ['-c', `node ${JSON.stringify(join(process.cwd(), 'bin/yibao.js'))} sm4 encrypt --app-id ${sm4v.appId} --app-secret ${sm4v.appSecret} --file ${JSON.stringify(big)} 2>${JSON.stringify(errFile)} | head -c 16`]).toString();
    expect(out).toMatch(/^[0-9A-F]{16}$/);
    expect(readFileSync(errFile, 'utf8')).toBe('');
  });

  it('sign-string reproduces the spec vector byte-exact', () => {
    const r = yibao(['sign-string', '--app-secret', signv.appSecret, '--file', file('msg.json', JSON.stringify(signv.message))]);
    expect(r.stdout.trim()).toBe(signv.signString);
  });

  it('sign-string of an encrypted message: refused without --app-id, decrypted with it (the string the sender signed)', () => {
    const his = JSON.parse(yibao(['keys', 'sm2']).stdout);
    const creds = ['--app-id', sm4v.appId, '--app-secret', sm4v.appSecret];
    const data = file('ss-data.json', '{"psnNo":"P001","memo":"","feeSumamt":12.30,"list":[{"b":1,"a":"甲"}]}');
    const sealed = yibao(['envelope', 'seal', ...creds, '--private-key', his.privateKey, '--file', data]);
    expect(sealed.code).toBe(0);
    const msg = JSON.parse(sealed.stdout);
    expect(msg.data).toBeUndefined();
    expect(msg.encData).toMatch(/^[0-9A-F]+$/);
    const sealedFile = file('ss-sealed.json', sealed.stdout);

    // Without --app-id there is no plaintext data to sign: one line, exit 2, nothing on stdout.
    const refused = yibao(['sign-string', '--app-secret', sm4v.appSecret, '--file', sealedFile]);
    expectOneLineError(refused, /报文已加密.*--app-id/);
    expect(refused.stdout).toBe('');

    // With --app-id: the string written out by hand from the rules, and the one the sender signed.
    const expected =
      `appId=${sm4v.appId}&data={"feeSumamt":12.30,"list":[{"a":"甲","b":1}],"psnNo":"P001"}` +
      `&encType=SM4&signType=SM2&timestamp=${msg.timestamp}&version=2.0.1&key=${sm4v.appSecret}`;
    const r = yibao(['sign-string', ...creds, '--file', sealedFile]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(expected);
    expect(sm2Verify(his.publicKey, expected, msg.signData)).toBe(true);

    // The same message with its data in plaintext gives the same string, --app-id or not.
    const { encData: _encData, ...header } = msg;
    const plainFile = file('ss-plain.json', `${JSON.stringify(header).slice(0, -1)},"data":{"psnNo":"P001","feeSumamt":12.30,"list":[{"b":1,"a":"甲"}]}}`);
    expect(yibao(['sign-string', '--app-secret', sm4v.appSecret, '--file', plainFile]).stdout.trim()).toBe(expected);

    // A wrong appId or appSecret is named, not turned into a wrong string.
    expectOneLineError(yibao(['sign-string', '--app-id', 'B'.repeat(32), '--app-secret', sm4v.appSecret, '--file', sealedFile]), /--app-id 与报文的 appId/);
    expectOneLineError(yibao(['sign-string', '--app-id', sm4v.appId, '--app-secret', '0'.repeat(32), '--file', sealedFile]), /encData: 解密失败/);
  });

  it('envelope seal → open round trip; a tampered envelope fails with one line and exit 2', () => {
    const his = JSON.parse(yibao(['keys', 'sm2']).stdout);
    const creds = ['--app-id', sm4v.appId, '--app-secret', sm4v.appSecret];
    const data = file('data.json', '\uFEFF{"psnNo":"P001","feeSumamt":12.30,"list":[{"b":1,"a":"甲"}]}');
    const sealed = yibao(['envelope', 'seal', ...creds, '--private-key', his.privateKey, '--file', data]);
    expect(sealed.code).toBe(0);
    const msg = JSON.parse(sealed.stdout);
    expect(msg).toMatchObject({ appId: sm4v.appId, version: '2.0.1', encType: 'SM4', signType: 'SM2' });
    const opened = yibao(['envelope', 'open', ...creds, '--public-key', his.publicKey, '--file', file('sealed.json', sealed.stdout)]);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toContain('"feeSumamt": 12.30');
    const tampered = file('tampered.json', JSON.stringify({ ...msg, timestamp: '20200101000000' }));
    expectOneLineError(yibao(['envelope', 'open', ...creds, '--public-key', his.publicKey, '--file', tampered]), /000102.*签名验证失败/);
    // A bad or missing key is named as such, not blamed on the signature.
    const good = file('sealed2.json', sealed.stdout);
    expectOneLineError(yibao(['envelope', 'open', ...creds, '--public-key', 'zz', '--file', good]), /^yibao: --public-key: /);
    expectOneLineError(yibao(['envelope', 'open', ...creds, '--public-key', '04abc', '--file', good]), /--public-key: .*奇数/);
    expectOneLineError(yibao(['envelope', 'open', ...creds, '--file', good]), /--public-key: signType 为 SM2/);
  });

  it('wrong input: one line naming what is wrong, exit 2', () => {
    expectOneLineError(yibao(['sm2', 'sign', '--private-key', 'abc', '--data', 'x']), /私钥/);
    expectOneLineError(yibao(['sm2', 'sign', '--private-key', 'a'.repeat(55), '--data', 'x']), /奇数/);
    expectOneLineError(yibao(['sm2', 'verify', '--public-key', keys.publicKey, '--signature', '!!!', '--data', 'x']), /签名/);
    expectOneLineError(yibao(['sm2', 'verify', '--public-key', '04' + '11'.repeat(64), '--signature', 'AA==', '--data', 'x']), /公钥/);
    expectOneLineError(yibao(['sm4', 'decrypt', '--app-id', sm4v.appId, '--app-secret', sm4v.appSecret, '--data', 'ABC']), /SM4|十六进制/);
    expectOneLineError(yibao(['envelope', 'open', '--app-id', sm4v.appId, '--app-secret', 'x', '--file', file('bad.json', '{not json')]), /不是有效的 JSON/);
    expectOneLineError(yibao(['sign-string', '--app-secret', 'x', '--file', join(dir, 'missing.json')]), /file not found|文件不存在/);
    expectOneLineError(yibao(['sm4', 'derive', '--app-id', 'short', '--app-secret', 'x']), /appId/);
    expectOneLineError(yibao(['nosuchcommand']), /unknown command/);
  });
});
