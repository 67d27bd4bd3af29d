import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { YibaoApiError } from 'yibao/sdk';
import { CliError, readTextFile, type Io } from '../io.js';
import { credentialOptions, loadCredentials, type CredentialFlags } from '../sandbox-file.js';
import { readKeyArg } from './crypto.js';

/**
 * `yibao statement`, `yibao reconcile` (the institution's side, through the SDK and the signed
 * envelope) and `yibao app …` (the operator's side, through the admin API). docs/statements.md,
 * docs/apps.md.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

async function download(o: CredentialFlags & { date: string }, format: 'JSON' | 'CSV') {
  if (!DAY.test(o.date)) throw new CliError(`--date 应为 yyyy-MM-dd（北京时间）：${o.date}`);
  const cred = loadCredentials({ ...o, ...(o.privateKey ? { privateKey: readKeyArg(o.privateKey) } : {}) });
  const { YibaoClient } = await import('yibao/sdk');
  const keys = cred.platformPublicKey.split(',').map((k) => readKeyArg(k.trim()));
  const client = new YibaoClient({ baseUrl: cred.baseUrl, appId: cred.appId, appSecret: cred.appSecret, privateKey: cred.privateKey, platformPublicKey: keys, ...(cred.orgCodg ? { orgCodg: cred.orgCodg } : {}) });
  try {
    return await client.downloadStatement(o.date, { format });
  } catch (err) {
    if (err instanceof YibaoApiError) throw new CliError(`${err.code} ${err.message}`);
    throw err;
  }
}

export function registerStatementCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  credentialOptions(
    program
      .command('statement')
      .description('下载对账单（yibao 扩展）/ download the daily statement (a yibao extension)')
      .requiredOption('--date <yyyy-MM-dd>', '对账日期（北京时间，已结束的日期）/ the Beijing-time day')
      .option('--format <csv|json>', '输出格式 / output format', 'csv')
      .option('--out <file>', '写入文件 / write to a file'),
    '平台 SM2 公钥（轮换期间可用逗号分隔多个）',
  ).action(async (o: CredentialFlags & { date: string; format: string; out?: string }) => {
    const format = o.format.toUpperCase();
    if (format !== 'CSV' && format !== 'JSON') throw new CliError(`--format 应为 csv 或 json：${o.format}`);
    const s = await download(o, format);
    const text = format === 'CSV' ? String(s.csv ?? '') : JSON.stringify(s, null, 2) + '\n';
    if (o.out) {
      writeFileSync(resolve(o.out), text);
      io.err(`对账单 ${s.stmtDate} v${s.version}：${s.lines.length} 行 → ${resolve(o.out)}`);
    } else io.out(text.trimEnd());
  });

  credentialOptions(
    program
      .command('reconcile')
      .description('用院内账本核对中心对账单，逐条列出差异；有差异时退出码 1 / compare the HIS ledger with the statement; exit 1 on any difference')
      .requiredOption('--date <yyyy-MM-dd>', '对账日期（北京时间）')
      .requiredOption('--ledger <file>', '院内账本 CSV（格式见 docs/statements.md；- 为标准输入）')
      .option('--json', '输出 JSON / print JSON'),
    '平台 SM2 公钥（轮换期间可用逗号分隔多个）',
  ).action(async (o: CredentialFlags & { date: string; ledger: string; json?: boolean }) => {
    const { parseLedger, compareLedger, describeDifference, LedgerError } = await import('yibao/sdk');
    let ledger;
    try {
      ledger = parseLedger(readTextFile(o.ledger, io));
    } catch (err) {
      if (err instanceof LedgerError) throw new CliError(`${o.ledger}: ${err.message}`);
      throw err;
    }
    const s = await download(o, 'JSON');
    const diffs = compareLedger(s, ledger);
    if (o.json) io.out(JSON.stringify({ date: s.stmtDate, version: s.version, ledgerLines: ledger.length, differences: diffs }));
    else {
      for (const d of diffs) io.out(describeDifference(d));
      io.out(diffs.length === 0 ? `对账一致 / no differences：${s.stmtDate}，账本 ${ledger.length} 行` : `差异 ${diffs.length} 条 / ${diffs.length} differences：${s.stmtDate}`);
    }
    if (diffs.length > 0) setExit(1);
  });

  registerAppCommands(program, io);
}

interface AdminFlags {
  url?: string;
  token?: string;
  sandbox?: string;
}

/** The admin API's address and token: flags, then YIBAO_URL / YIBAO_OPERATOR_TOKEN, then the sandbox file. */
function adminTarget(o: AdminFlags): { url: string; token: string } {
  let fromFile: { baseUrl?: string; operatorToken?: string } = {};
  try {
    fromFile = loadCredentials({ ...(o.sandbox ? { sandbox: o.sandbox } : {}) });
  } catch {
    fromFile = {};
  }
  const url = o.url ?? process.env.YIBAO_URL ?? fromFile.baseUrl;
  const token = o.token ?? process.env.YIBAO_OPERATOR_TOKEN ?? fromFile.operatorToken;
  if (!url) throw new CliError('缺少 --url（平台地址，或 YIBAO_URL，或沙箱文件）');
  if (!token) throw new CliError('缺少 --token（运维 API 令牌，或 YIBAO_OPERATOR_TOKEN，或沙箱文件）');
  return { url: url.replace(/\/+$/, ''), token };
}

function registerAppCommands(program: Command, io: Io): void {
  const app = program.command('app').description('应用管理（改动即时生效，无需重启）/ manage apps without a restart');
  const admin = (cmd: Command) =>
    cmd
      .option('--url <url>', '平台地址 / platform URL（默认 YIBAO_URL 或沙箱文件）')
      .option('--token <token>', '运维 API 令牌 / operator API token（默认 YIBAO_OPERATOR_TOKEN 或沙箱文件）')
      .option('--sandbox <file>', '沙箱文件 / sandbox file');
  const withReason = (cmd: Command) => admin(cmd).requiredOption('--reason <text>', '操作原因（写入审计日志）/ why (audited)');
  const fields = (cmd: Command) =>
    cmd
      .option('--org-name <name>', '机构名称')
      .option('--notify-url <url>', '6302 回调地址')
      .option('--redirect-url <url>', '6204 跳转地址')
      .option('--channels <list>', '支付渠道，逗号分隔 / WX,ALI,UP,BANK')
      .option('--logo-url <url>', '机构图标 logoUrl：http(s):// 或 data:image/ 地址')
      .option('--rate-limit <perSecond/burst>', '限流，如 50/100');

  async function call(o: AdminFlags, method: string, path: string, body?: Record<string, unknown>) {
    const { url, token } = adminTarget(o);
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new CliError(`无法连接平台 / cannot reach ${url}: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`);
    }
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new CliError(`HTTP ${res.status}：${String(json.message ?? '')}`);
    io.out(JSON.stringify(json, null, 2));
  }

  const changes = (o: Record<string, string | undefined>) => {
    const out: Record<string, unknown> = {};
    if (o.orgName) out.orgName = o.orgName;
    if (o.notifyUrl !== undefined) out.notifyUrl = o.notifyUrl === '' ? null : o.notifyUrl;
    if (o.redirectUrl !== undefined) out.redirectUrl = o.redirectUrl === '' ? null : o.redirectUrl;
    if (o.channels) out.channels = o.channels.split(',').map((c) => c.trim().toUpperCase());
    if (o.logoUrl) out.logoUrl = o.logoUrl;
    if (o.rateLimit) {
      const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(o.rateLimit);
      if (!m) throw new CliError(`--rate-limit 应为 每秒/突发，如 50/100：${o.rateLimit}`);
      out.rateLimit = { perSecond: Number(m[1]), burst: Number(m[2]) };
    }
    return out;
  };

  admin(app.command('list').description('列出应用 / list apps')).action((o: AdminFlags) => call(o, 'GET', '/admin/apps'));
  admin(app.command('show <appId>').description('查看应用 / show an app')).action((id: string, o: AdminFlags) => call(o, 'GET', `/admin/apps/${encodeURIComponent(id)}`));
  fields(
    withReason(
      app
        .command('add')
        .description('新增应用（appId/appSecret 不填则生成，appSecret 仅显示一次）/ add an app')
        .requiredOption('--org-codg <orgCodg>', '定点机构编码')
        .requiredOption('--public-key <key>', '机构 SM2 公钥（文件或文本）')
        .option('--app-id <appId>')
        .option('--app-secret <appSecret>'),
    ),
  ).action((o: AdminFlags & Record<string, string>) =>
    call(o, 'POST', '/admin/apps', { orgCodg: o.orgCodg, orgName: o.orgName ?? o.orgCodg, publicKey: readKeyArg(o.publicKey!), ...(o.appId ? { appId: o.appId } : {}), ...(o.appSecret ? { appSecret: o.appSecret } : {}), ...changes(o), reason: o.reason }),
  );
  fields(withReason(app.command('set <appId>').description('修改应用（空字符串删除可选项）/ change an app'))).action((id: string, o: AdminFlags & Record<string, string>) => {
    const c = changes(o);
    if (Object.keys(c).length === 0) throw new CliError('没有要修改的字段 / nothing to change');
    return call(o, 'PATCH', `/admin/apps/${encodeURIComponent(id)}`, { ...c, reason: o.reason });
  });
  for (const verb of ['disable', 'enable'] as const) {
    withReason(app.command(`${verb} <appId>`).description(verb === 'disable' ? '停用应用 / disable' : '启用应用 / enable')).action((id: string, o: AdminFlags & { reason: string }) =>
      call(o, 'POST', `/admin/apps/${encodeURIComponent(id)}/${verb}`, { reason: o.reason }),
    );
  }
  withReason(
    app
      .command('rotate-key <appId>')
      .description('更换机构公钥，旧公钥在重叠期内仍可验签 / rotate the public key with an overlap')
      .requiredOption('--public-key <key>', '新的机构 SM2 公钥')
      .option('--overlap-hours <n>', '新旧并存小时数 / overlap hours', '72'),
  ).action((id: string, o: AdminFlags & { publicKey: string; overlapHours: string; reason: string }) =>
    call(o, 'POST', `/admin/apps/${encodeURIComponent(id)}/keys`, { publicKey: readKeyArg(o.publicKey), overlapHours: Number(o.overlapHours), reason: o.reason }),
  );
  withReason(
    app
      .command('rotate-secret <appId>')
      .description('更换 appSecret（不填则生成），旧值在重叠期内仍可用 / rotate appSecret with an overlap')
      .option('--app-secret <secret>')
      .option('--overlap-hours <n>', '新旧并存小时数 / overlap hours', '72'),
  ).action((id: string, o: AdminFlags & { appSecret?: string; overlapHours: string; reason: string }) =>
    call(o, 'POST', `/admin/apps/${encodeURIComponent(id)}/secret`, { ...(o.appSecret ? { appSecret: o.appSecret } : {}), overlapHours: Number(o.overlapHours), reason: o.reason }),
  );
}
