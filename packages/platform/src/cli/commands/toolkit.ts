import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'lossless-json';
import { YibaoApiError } from 'yibao/sdk';
import { CliError, readTextFile, untilSignal, type Io } from '../io.js';
import { credentialOptions, loadCredentials, type CredentialFlags } from '../sandbox-file.js';
import { readKeyArg } from './crypto.js';
import { parseWireObject, toPlain } from 'yibao/protocol';
import { transactions } from 'yibao/spec';


function flags(o: CredentialFlags & { privateKey?: string; platformPublicKey?: string }): CredentialFlags {
  return {
    ...o,
    ...(o.privateKey ? { privateKey: readKeyArg(o.privateKey) } : {}),
    ...(o.platformPublicKey ? { platformPublicKey: readKeyArg(o.platformPublicKey) } : {}),
  };
}

/** `yibao demo`, `yibao call`, `yibao bridge`, `yibao conformance`: the institution toolkit. */
export function registerToolkitCommands(program: Command, io: Io, setExit: (code: number) => void, keepAlive: (p: Promise<void>) => void): void {
  credentialOptions(
    program
      .command('demo')
      .description('对沙箱跑一遍完整的门诊支付 / a whole outpatient payment against the sandbox')
      .option('--json', '输出 JSON 报告 / print a JSON report')
      .option('--one-code', '刷脸一码付“先医保后自费”全流程 / the one-code-pay flow: face scan, insurance first, then the cash part through a channel')
      .option('--psn-no <psnNo>', '参保人 / the insured person (default: smallest non-zero balance)'),
  ).action(async (o: CredentialFlags & { json?: boolean; psnNo?: string; oneCode?: boolean }) => {
    const cred = loadCredentials(flags(o), !o.baseUrl);
    const demoOpts = { json: !!o.json, ...(o.psnNo ? { psnNo: o.psnNo } : {}) };
    const result = o.oneCode ? await (await import('../demo-onecode.js')).runOneCodeDemo(cred, io, demoOpts) : await (await import('../demo.js')).runDemo(cred, io, demoOpts);
    if (o.json) io.out(JSON.stringify(result));
    if (!result.ok) {
      if (!o.json) io.err(`yibao demo: 步骤 ${result.failed!.step} 失败 / step failed: ${result.failed!.code} ${result.failed!.message}`);
      setExit(1);
    }
  });

  credentialOptions(
    program
      .command('call <txn>')
      .description('发送一笔交易并打印解封后的应答 / send one transaction, print the opened reply')
      .requiredOption('--file <path>', 'data JSON（明文）/ the plaintext data')
      .option('--scalar-style <style>', '签名串中嵌套数值/布尔值的写法：json（默认）或 string / how nested numbers are signed (docs/protocol.md)', 'json'),
  ).action(async (txn: string, o: CredentialFlags & { file: string; scalarStyle: string }) => {
    if (o.scalarStyle !== 'json' && o.scalarStyle !== 'string') throw new CliError('--scalar-style 应为 json 或 string / must be json or string');
    // What a HIS sends to a mobile payment center (6302/6204 go the other way; the other systems'
    // transactions have their own envelopes: PortalClient, TerminalClient, OneCodeClient).
    const { YibaoClient, RESOURCES } = await import('yibao/sdk');
    const sendable: string[] = Object.values(RESOURCES).map((r) => r.txn);
    if (!sendable.includes(txn)) {
      throw new CliError(
        txn in transactions
          ? `yibao call 只发送移动支付中心交易 / only center transactions: ${sendable.join(', ')}（${txn} 请用 SDK 的 PortalClient / TerminalClient / OneCodeClient，或 yibao bridge）`
          : `未知交易 / unknown transaction: ${txn}（可用：${sendable.join(', ')}）`,
      );
    }
    const cred = loadCredentials(flags(o));
    const data = toPlain(parseWireObject(readTextFile(o.file, io), 'data 文件')) as Record<string, unknown>;
    const client = new YibaoClient({ baseUrl: cred.baseUrl, appId: cred.appId, appSecret: cred.appSecret, privateKey: cred.privateKey, platformPublicKey: cred.platformPublicKey, ...(cred.orgCodg ? { orgCodg: cred.orgCodg } : {}), retries: 0, scalarStyle: o.scalarStyle });
    try {
      const out = await client.request(txn, data);
      io.out(JSON.stringify({ code: '0', data: out }, null, 2));
    } catch (err) {
      if (!(err instanceof YibaoApiError)) throw err;
      if (err.type !== 'business') throw new CliError(`${err.code} ${err.message}`);
      io.out(JSON.stringify({ code: err.code, message: err.centerMessage, traceId: err.traceId }, null, 2));
      setExit(1);
    }
  });

  program
    .command('bridge')
    .description('本地 MobileTrans 桥：C#/Delphi/Java 的 HIS 以明文 JSON 调用 / local MobileTrans bridge')
    .option('--port <n>', '端口 / port', '9080')
    .option('--host <host>', '监听地址 / listen address', '127.0.0.1')
    .option('--config <file>', '桥配置 / bridge config: {"apps":[{appId, appSecret, privateKey, platformPublicKey, orgCodg, baseUrl}]}')
    // No commander default: a default would make the file look asked for, and a real center's
    // credentials given as flags would still need a sandbox file (loadCredentials reads the default).
    .option('--sandbox <file>', '沙箱文件 / sandbox file（默认 .yibao/sandbox.json，存在时读取）')
    .option('--his-url <url>', '同时接收中心的 6302：验签解密后以明文 JSON 转发到本机 HIS 的地址 / also receive 6302 and forward it, plain, to this HIS URL')
    .option('--callback-port <n>', '6302 接收端口 / port for the center\'s 6302', '9081')
    .option('--callback-host <host>', '6302 接收地址（中心须能访问）/ listen address for 6302', '127.0.0.1')
    .action(async (o: { port: string; host: string; config?: string; sandbox?: string; hisUrl?: string; callbackPort: string; callbackHost: string }) => {
      let apps;
      let callbacks: { hisUrl?: string; port?: number; host?: string } | undefined;
      if (o.config) {
        try {
          const file = JSON.parse(readFileSync(resolve(o.config), 'utf8').replace(/^\uFEFF/, ''));
          apps = file.apps;
          callbacks = file.callbacks;
        } catch (err) {
          throw new CliError(`无法读取桥配置 / cannot read ${o.config}: ${(err as Error).message}`);
        }
        if (!Array.isArray(apps) || apps.length === 0) throw new CliError('桥配置应含 apps 数组 / the bridge config needs "apps"');
      } else {
        let c: ReturnType<typeof loadCredentials>;
        try {
          c = loadCredentials({ sandbox: o.sandbox }, true);
        } catch (err) {
          // The bridge's other way in: its own config of one or more apps.
          throw err instanceof CliError ? new CliError(`${err.message}；桥也可用 --config bridge.json 配置应用 / or give the bridge its apps with --config`) : err;
        }
        apps = [{ appId: c.appId, appSecret: c.appSecret, privateKey: c.privateKey, platformPublicKey: c.platformPublicKey, orgCodg: c.orgCodg, baseUrl: c.baseUrl }];
      }
      const portOf = (v: string | number, flag: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${flag} 应为 0–65535 的整数：${v}`);
        return n;
      };
      const port = portOf(o.port, '--port');
      const hisUrl = o.hisUrl ?? callbacks?.hisUrl;
      const { Bridge } = await import('yibao/sdk');
      let bridge: InstanceType<typeof Bridge>;
      try {
        bridge = new Bridge({ apps, ...(hisUrl ? { callbacks: { hisUrl, onReject: (reason: string) => io.err(`yibao bridge: 6302 未处理 / not handled: ${reason}`) } } : {}) });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const { server, url } = await bridge.listen(port, o.host);
      const receiver = hisUrl ? await bridge.listenCallbacks(portOf(o.hisUrl ? o.callbackPort : (callbacks?.port ?? o.callbackPort), '--callback-port'), o.hisUrl ? o.callbackHost : (callbacks?.host ?? o.callbackHost)) : undefined;
      keepAlive(
        untilSignal(
          () =>
            io.err(
              `yibao bridge 已启动 / listening on ${url}` +
                (receiver ? `\n6302 接收 / receiving 6302 on ${receiver.url}（应用 notifyUrl 指向此处），转发到 / forwarded to ${hisUrl}` : ''),
            ),
          () => Promise.all([server, ...(receiver ? [receiver.server] : [])].map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
        ),
      );
    });

  credentialOptions(
    program
      .command('conformance')
      .description('对任意中心运行一致性检查 / run the conformance checks against any center')
      .option('--qr-code <value>', '测试参保人的电子凭证二维码值（非 yibao 沙箱时）')
      .option('--psn-no <psnNo>', '测试参保人的人员编号')
      .option('--insutype <insutype>', '测试参保人的险种')
      .option('--pay-auth-no <payAuthNo>', '测试参保人的支付授权码')
      .option('--report <file>', '把 JSON 报告写到此文件（不给则不写）/ write the JSON report to this file (none without it)'),
  ).action(async (o: CredentialFlags & { qrCode?: string; psnNo?: string; insutype?: string; payAuthNo?: string; report?: string }) => {
    const cred = loadCredentials(flags(o));
    const { runConformance } = await import('yibao/sdk');
    const report = await runConformance({
      baseUrl: cred.baseUrl,
      appId: cred.appId,
      appSecret: cred.appSecret,
      privateKey: cred.privateKey,
      platformPublicKey: cred.platformPublicKey,
      ...(cred.orgCodg ? { orgCodg: cred.orgCodg } : {}),
      ...(o.qrCode ? { qrCode: o.qrCode } : {}),
      ...(o.psnNo ? { psnNo: o.psnNo } : {}),
      ...(o.insutype ? { insutype: o.insutype } : {}),
      ...(o.payAuthNo ? { payAuthNo: o.payAuthNo } : {}),
      // Progress as each check ends, on stderr; the table (stdout) stays clean for a pipe.
      log: (line) => io.err(line),
    });
    const width = Math.max(...report.checks.map((c) => c.id.length));
    io.out(`| check${' '.repeat(Math.max(0, width - 5))} | result | detail |`);
    io.out(`|${'-'.repeat(width + 2)}|--------|--------|`);
    for (const c of report.checks) io.out(`| ${c.id.padEnd(width)} | ${c.status === 'pass' ? 'pass  ' : c.status === 'fail' ? 'FAIL  ' : 'skip  '} | ${c.name}${c.detail ? `：${c.detail}` : ''} |`);
    io.out(`通过 ${report.summary.passed}，失败 ${report.summary.failed}，跳过 ${report.summary.skipped} / passed ${report.summary.passed}, failed ${report.summary.failed}, skipped ${report.summary.skipped}`);
    if (o.report) {
      const file = resolve(o.report);
      writeFileSync(file, stringify(report, null, 2) + '\n');
      io.out(`报告 / report: ${file}`);
    }
    if (report.summary.failed > 0) setExit(1);
  });
}
