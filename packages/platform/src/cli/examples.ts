import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

/**
 * One example per command, shown at the end of its `--help` (issue 15: every --help has an example).
 * Keyed by the command's path; a command without one fails test/cli/help.test.ts.
 */
export const EXAMPLES: Record<string, string[]> = {
  '': ['npm start                       # 启动沙箱 / start the sandbox', 'yibao demo                      # 跑一遍完整支付 / one whole payment', 'yibao serve --help'],
  keys: ['yibao keys sm2'],
  'keys sm2': ['yibao keys sm2 > his-keys.json'],
  sm4: ['yibao sm4 derive --app-id A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --app-secret 4117E877F5FA0A0188891283E4B617D5'],
  'sm4 derive': ['yibao sm4 derive --app-id A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --app-secret 4117E877F5FA0A0188891283E4B617D5'],
  'sm4 encrypt': ['yibao sm4 encrypt --app-id A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --app-secret 4117E877F5FA0A0188891283E4B617D5 --data \'{"payOrdId":"ORD1"}\''],
  'sm4 decrypt': ['yibao sm4 decrypt --app-id A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --app-secret 4117E877F5FA0A0188891283E4B617D5 --data 5E3B…（encData 十六进制）'],
  sm2: ['yibao sm2 sign --private-key @his.key --data \'appId=…&key=…\''],
  'sm2 sign': ['yibao sm2 sign --private-key @his.key --file sign-string.txt'],
  'sm2 verify': ['yibao sm2 verify --public-key @platform.pub --signature "MEUCIQ…" --file sign-string.txt'],
  'sign-string': ['yibao sign-string --app-secret 4117E877F5FA0A0188891283E4B617D5 --file request.json'],
  envelope: ['yibao envelope seal --app-id … --app-secret … --private-key @his.key --file data.json'],
  'envelope seal': ['yibao envelope seal --app-id A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --app-secret 4117E877F5FA0A0188891283E4B617D5 --private-key @his.key --file data.json > request.json'],
  'envelope open': ['yibao envelope open --app-id A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --app-secret 4117E877F5FA0A0188891283E4B617D5 --public-key @platform.pub --file response.json'],
  serve: ['yibao serve                             # http://127.0.0.1:8080, data in ./.yibao', 'PORT=9000 HOST=0.0.0.0 npm start', 'DATABASE_URL=postgres://… yibao serve --config yibao.config.json'],
  demo: ['yibao demo', 'yibao demo --one-code --json'],
  call: ['yibao call 6301 --file query.json       # credentials from .yibao/sandbox.json'],
  bridge: ['yibao bridge                            # http://127.0.0.1:9080, the sandbox app', 'yibao bridge --config bridge.json --his-url http://127.0.0.1:8081/yibao/6302'],
  conformance: ['yibao conformance --base-url https://center.example.cn --app-id … --app-secret … --private-key @his.key --platform-public-key @center.pub --org-codg H35010200227 --report report.json'],
  statement: ['yibao statement --date 2026-12-01 --out stmt-2026-12-01.csv   # 沙箱凭据取自 .yibao/sandbox.json', 'yibao statement --date 2026-12-01 --format json --base-url https://center.example.cn --app-id … --app-secret … --private-key @his.key --platform-public-key @center.pub'],
  reconcile: ['yibao reconcile --date 2026-12-01 --ledger his-ledger.csv   # 格式见 docs/statements.md；有差异退出码 1'],
  app: ['yibao app list', 'yibao app set A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --notify-url https://his.example.cn/yibao/6302 --reason "HIS 回调地址迁移"'],
  'app list': ['yibao app list --url http://127.0.0.1:8080 --token ybo_…'],
  'app show': ['yibao app show A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6'],
  'app add': ['yibao app add --org-codg H35010200227 --org-name 某某医院 --public-key @his.pub --notify-url https://his.example.cn/yibao/6302 --reason "新机构接入"'],
  'app set': ['yibao app set A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --channels WX,ALI --reason "仅开通微信、支付宝"'],
  'app disable': ['yibao app disable A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --reason "机构停止接入"'],
  'app enable': ['yibao app enable A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --reason "恢复接入"'],
  'app rotate-key': ['yibao app rotate-key A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --public-key @his-2027.pub --overlap-hours 72 --reason "年度换钥"'],
  'app rotate-secret': ['yibao app rotate-secret A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6 --overlap-hours 72 --reason "年度换密钥"'],
  operator: ['yibao operator add --name admin --role admin'],
  'operator add': ['yibao operator add --name admin --role admin          # 首个管理员，密码只显示一次', 'echo "$PW" | yibao operator add --name zhang --role operator --password-stdin'],
  'operator token': ['yibao operator token --name admin --label prometheus   # /metrics 与 /admin 的 API 令牌'],
};

/** The path of a command below the program: '' for the program, 'sm4 derive' for a subcommand. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds the examples to every command's help that has some (all of them, by the test). */
export function addExamples(cmd: Command): void {
  const lines = EXAMPLES[commandPath(cmd)];
  if (lines) cmd.addHelpText('after', `\n示例 / Example:\n${lines.map((l) => `  $ ${l}`).join('\n')}`);
  for (const sub of cmd.commands) addExamples(sub);
}

/** The version of the package this CLI is part of (the nearest package.json above this file). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      const up = dirname(dir);
      if (up === dir) return '0.0.0';
      dir = up;
    }
  }
}
