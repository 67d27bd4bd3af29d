import type { Command } from 'commander';
import { stringify } from 'lossless-json';
import { buildSignString } from 'yibao/protocol';
import { parseWireObject, stringifyWire } from 'yibao/protocol';
import { openRequest, sealRequest, openResponse } from 'yibao/protocol';
import { decryptEncData } from 'yibao/protocol';
import { parseEncType, parseSignType } from 'yibao/protocol';
import { CliError, readTextFile, type Io } from '../io.js';
import { readKeyArg } from './crypto.js';
import { parsePublicKey, type Sm2PublicKey } from 'yibao/crypto';

interface EnvelopeOpts {
  appId: string;
  appSecret: string;
  privateKey?: string;
  publicKey?: string;
  file: string;
  signType: string;
  encType: string;
  userId: string;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** `yibao sign-string` and `yibao envelope seal|open` for envelope v2.0.1 (mobile-payment.txt 2.2.3). */
export function registerEnvelopeCommands(program: Command, io: Io): void {
  program
    .command('sign-string')
    .description('打印 v2.0.1 报文的待签名字符串 / print the sign string of a v2.0.1 message')
    .requiredOption('--app-secret <appSecret>', '渠道密钥')
    .option('--app-id <appId>', '渠道 id：报文只有 encData 时用它解密出 data / decrypts encData when the message has no plaintext data')
    .requiredOption('--file <path>', '报文 JSON 文件（data 为明文，或加 --app-id 解密 encData）/ message JSON')
    .action((opts: { appSecret: string; appId?: string; file: string }) => {
      const message = parseWireObject(readTextFile(opts.file, io), '报文文件');
      // The signature covers the plaintext data (2.2.3.2: sign, then encrypt); encData is never
      // signed. A sealed message without its data would give a sign string with no data part.
      if (isAbsent(message.data) && !isAbsent(message.encData)) {
        if (opts.appId === undefined) {
          throw new CliError('报文已加密（只有 encData），待签名字符串按明文 data 计算：请加 --app-id 解密，或在报文中给出明文 data / the message is encrypted: pass --app-id to decrypt it, or give data in plaintext');
        }
        if (typeof message.appId === 'string' && message.appId !== opts.appId) {
          throw new CliError(`--app-id 与报文的 appId (${message.appId}) 不一致 / --app-id does not match the message's appId`);
        }
        const data = decryptEncData(message, { appId: opts.appId, appSecret: opts.appSecret });
        if (data !== undefined) message.data = data;
      }
      io.out(buildSignString(message, { secret: opts.appSecret }));
    });

  const envelope = program.command('envelope').description('v2.0.1 报文封装与解封 / seal and open envelope v2.0.1 messages');
  envelope
    .command('seal')
    .description('由 data 生成签名并加密的完整请求 / seal data into a signed, encrypted request')
    .requiredOption('--app-id <appId>', '渠道 id')
    .requiredOption('--app-secret <appSecret>', '渠道密钥')
    .option('--private-key <key>', '机构 SM2 私钥（signType SM2 时必填）')
    .requiredOption('--file <path>', 'data JSON 文件 / the data JSON')
    .option('--sign-type <type>', 'SM2 或 SM3', 'SM2')
    .option('--enc-type <type>', 'SM4 或 plain', 'SM4')
    .option('--user-id <id>', 'SM2 用户 ID', '1234567812345678')
    .action((opts: EnvelopeOpts) => {
      const signType = parseSignType(opts.signType, '--sign-type');
      if (signType === 'SM2' && !opts.privateKey) throw new CliError('signType SM2 需要 --private-key / --private-key is required for SM2');
      const data = parseWireObject(readTextFile(opts.file, io), 'data 文件');
      const sealed = sealRequest(
        data,
        {
          appId: opts.appId,
          appSecret: opts.appSecret,
          userId: opts.userId,
          ...(opts.privateKey ? { privateKey: readKeyArg(opts.privateKey) } : {}),
        },
        { signType, encType: parseEncType(opts.encType, '--enc-type') },
      );
      io.out(stringifyWire(sealed));
    });
  envelope
    .command('open')
    .description('解密并验签，打印 data / decrypt, verify, print data')
    .requiredOption('--app-id <appId>', '渠道 id')
    .requiredOption('--app-secret <appSecret>', '渠道密钥')
    .option('--public-key <key>', '对方 SM2 公钥（signType SM2 时必填）')
    .requiredOption('--file <path>', '收到的报文 JSON / the received message')
    .option('--user-id <id>', 'SM2 用户 ID', '1234567812345678')
    .action((opts: EnvelopeOpts) => {
      const message = parseWireObject(readTextFile(opts.file, io), '报文文件');
      // A key problem is named as such, not reported as a failed signature.
      let publicKey: Sm2PublicKey | undefined;
      try {
        publicKey = opts.publicKey ? parsePublicKey(readKeyArg(opts.publicKey)) : undefined;
      } catch (err) {
        throw new CliError(`--public-key: ${(err as Error).message}`);
      }
      const signType = typeof message.signType === 'string' ? message.signType.toUpperCase() : 'SM2';
      if (signType === 'SM2' && !publicKey) throw new CliError('--public-key: signType 为 SM2 的报文需要对方的 SM2 公钥才能验签 / required to verify an SM2 signature');
      const keys = {
        appId: opts.appId,
        appSecret: opts.appSecret,
        userId: opts.userId,
        ...(publicKey ? { peerPublicKey: publicKey } : {}),
      };
      // A reply carries `code`; a request or callback does not. Both are opened the same way.
      const opened = 'code' in message ? openResponse(message, keys) : openRequest(message, keys);
      io.out(opened.data === undefined ? 'null' : (stringify(opened.data, null, 2) ?? 'null'));
    });
}
