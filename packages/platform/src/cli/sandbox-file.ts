import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './io.js';

/** What the toolkit commands need to call a center; by default read from ./.yibao/sandbox.json. */
export interface Credentials {
  baseUrl: string;
  appId: string;
  appSecret: string;
  privateKey: string;
  platformPublicKey: string;
  orgCodg?: string;
  orgName?: string;
  persons?: Array<Record<string, string>>;
  operatorToken?: string;
}

export interface CredentialFlags {
  sandbox?: string;
  baseUrl?: string;
  appId?: string;
  appSecret?: string;
  privateKey?: string;
  platformPublicKey?: string;
  orgCodg?: string;
}

export const DEFAULT_SANDBOX_FILE = '.yibao/sandbox.json';

export function loadCredentials(flags: CredentialFlags, requireFile = false): Credentials {
  const file = resolve(flags.sandbox ?? DEFAULT_SANDBOX_FILE);
  let fromFile: Partial<Credentials> = {};
  if (existsSync(file)) {
    try {
      const s = JSON.parse(readFileSync(file, 'utf8'));
      fromFile = {
        baseUrl: s.baseUrl,
        appId: s.institution?.appId,
        appSecret: s.institution?.appSecret,
        privateKey: s.institution?.privateKey,
        platformPublicKey: s.platform?.publicKey,
        orgCodg: s.institution?.orgCodg,
        orgName: s.institution?.orgName,
        persons: s.persons,
        operatorToken: s.operatorToken,
      };
    } catch (err) {
      throw new CliError(`无法读取沙箱文件 / cannot read ${file}: ${(err as Error).message}`);
    }
  } else if (requireFile || flags.sandbox) {
    throw new CliError(`找不到沙箱文件 / sandbox file not found: ${file}（先运行 npm start，或用 --sandbox 指定）`);
  }
  const merged: Partial<Credentials> = { ...fromFile };
  for (const k of ['baseUrl', 'appId', 'appSecret', 'privateKey', 'platformPublicKey', 'orgCodg'] as const) {
    if (flags[k]) merged[k] = flags[k];
  }
  for (const k of ['baseUrl', 'appId', 'appSecret', 'privateKey', 'platformPublicKey'] as const) {
    if (!merged[k]) throw new CliError(`缺少 --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}（或 ${DEFAULT_SANDBOX_FILE}）`);
  }
  return merged as Credentials;
}

/**
 * The flags that name a center and an institution's credentials (read with loadCredentials), for the
 * commands that call a center. No commander default for --sandbox: a default would make the file look
 * asked for, and a real center's credentials given as flags would still need a sandbox file.
 */
export function credentialOptions(cmd: Command, platformKeyHelp = '平台 SM2 公钥'): Command {
  return cmd
    .option('--base-url <url>', '中心地址 / center base URL（默认取沙箱文件）')
    .option('--sandbox <file>', '沙箱文件 / sandbox file（默认 .yibao/sandbox.json，存在时读取）')
    .option('--app-id <appId>')
    .option('--app-secret <appSecret>')
    .option('--private-key <key>', '机构 SM2 私钥')
    .option('--platform-public-key <key>', platformKeyHelp)
    .option('--org-codg <orgCodg>');
}
