import type { Command } from 'commander';
import { stringify } from 'lossless-json';
import { buildSignString } from '../../protocol/signstring.js';
import { parseWireObject, stringifyWire } from '../../protocol/json.js';
import { openRequest, sealRequest, openResponse } from '../../protocol/mobile.js';
import { parseEncType, parseSignType } from '../../protocol/signer.js';
import { CliError, readTextFile, type Io } from '../io.js';
import { readKeyArg } from './crypto.js';
import { parsePublicKey, type Sm2PublicKey } from '../../crypto/keys.js';

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

/** `yibao sign-string` and `yibao envelope seal|open` for envelope v2.0.1 (mobile-payment.txt 2.2.3). */
export function registerEnvelopeCommands(program: Command, io: Io): void {
  program
    .command('sign-string')
    .description('打印 v2.0.1 报文的待签名字符串 / print the sign string of a v2.0.1 message')
    .requiredOption('--app-secret <appSecret>', '渠道密钥')
    .requiredOption('--file <path>', '报文 JSON 文件（data 为明文）/ message JSON, data in plaintext')
    .action((opts: { appSecret: string; file: string }) => {
      const message = parseWireObject(readTextFile(opts.file, io), '报文文件');
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
