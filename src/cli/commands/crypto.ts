import type { Command } from 'commander';
import { generateKeyPair } from 'yibao/crypto';
import { deriveSm4Key, deriveSm4KeyText, sm4DecryptHex, sm4EncryptToHex } from 'yibao/crypto';
import { sm2SignBase64, sm2Verify } from 'yibao/crypto';
import { readDataOrFile, readDataOrFileBytes, type Io } from '../io.js';

interface Sm4Opts {
  appId: string;
  appSecret: string;
  data?: string;
  file?: string;
}

/** `yibao keys`, `yibao sm4`, `yibao sm2`: the primitives, in the forms the specs put on the wire. */
export function registerCryptoCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const keys = program.command('keys').description('生成密钥 / generate keys');
  keys
    .command('sm2')
    .description('生成 SM2 密钥对 (hex) / new SM2 key pair as JSON')
    .action(() => {
      io.out(JSON.stringify(generateKeyPair()));
    });

  const sm4 = program.command('sm4').description('SM4 (移动支付 2.2.3.2 密钥派生与 ECB/PKCS7) / SM4 of envelope v2.0.1');
  sm4
    .command('derive')
    .description('由 appId/appSecret 派生 16 位 SM4 密钥 / derive the 16-character key')
    .requiredOption('--app-id <appId>', '渠道 id')
    .requiredOption('--app-secret <appSecret>', '渠道密钥')
    .action((opts: Sm4Opts) => {
      io.out(deriveSm4KeyText(opts.appId, opts.appSecret));
    });
  for (const op of ['encrypt', 'decrypt'] as const) {
    sm4
      .command(op)
      .description(op === 'encrypt' ? '加密为大写十六进制 / encrypt to uppercase hex' : '解密十六进制密文 / decrypt hex')
      .requiredOption('--app-id <appId>', '渠道 id')
      .requiredOption('--app-secret <appSecret>', '渠道密钥')
      .option('--data <text>', '输入文本 / input text')
      .option('--file <path>', '输入文件（- 为标准输入）/ input file, - for stdin')
      .action((opts: Sm4Opts) => {
        const key = deriveSm4Key(opts.appId, opts.appSecret);
        io.out(op === 'encrypt' ? sm4EncryptToHex(key, readDataOrFileBytes(opts, io)) : sm4DecryptHex(key, readDataOrFile(opts, io).trim()));
      });
  }

  const sm2 = program.command('sm2').description('SM3withSM2 签名与验签 / SM2 signatures (raw r||s, base64)');
  sm2
    .command('sign')
    .description('签名，输出 base64 的 r||s / sign, prints base64 raw r||s')
    .requiredOption('--private-key <key>', '私钥：hex、base64、PEM 或 PEM 文件路径')
    .option('--user-id <id>', 'SM2 用户 ID', '1234567812345678')
    .option('--data <text>')
    .option('--file <path>')
    .action((opts: { privateKey: string; userId: string; data?: string; file?: string }) => {
      io.out(sm2SignBase64(readKeyArg(opts.privateKey), readDataOrFileBytes(opts, io), { userId: opts.userId }));
    });
  sm2
    .command('verify')
    .description('验签，输出 true/false，退出码 0/1 / verify: prints true or false, exits 0 or 1')
    .requiredOption('--public-key <key>', '公钥：hex(04||x||y 或压缩)、base64、PEM 或 PEM 文件路径')
    .requiredOption('--signature <sig>', '签名：raw r||s 或 DER，hex 或 base64')
    .option('--user-id <id>', 'SM2 用户 ID', '1234567812345678')
    .option('--data <text>')
    .option('--file <path>')
    .action((opts: { publicKey: string; signature: string; userId: string; data?: string; file?: string }) => {
      const ok = sm2Verify(readKeyArg(opts.publicKey), readDataOrFileBytes(opts, io), opts.signature, { userId: opts.userId });
      io.out(ok ? 'true' : 'false');
      setExit(ok ? 0 : 1);
    });
}

/** A key argument may be the key itself or the path of a PEM/key file (`@path` or a path ending .pem/.key). */
export function readKeyArg(value: string): string {
  const path = value.startsWith('@') ? value.slice(1) : /\.(pem|key|txt)$/i.test(value) ? value : undefined;
  if (path === undefined) return value;
  return readDataOrFile({ file: path });
}
