import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { YibaoConfig } from '../../center/config.js';
import { CliError, untilSignal, type Io } from '../io.js';

/** `yibao serve`: the platform (center + sandbox), on PGlite or, with DATABASE_URL, PostgreSQL. */
export function registerServeCommand(program: Command, io: Io, keepAlive: (p: Promise<void>) => void): void {
  program
    .command('serve')
    .description('启动平台（移动支付中心沙箱）/ start the platform')
    .option('--port <n>', '端口 / port (default 8080)')
    .option('--host <host>', '监听地址 / listen address (default 127.0.0.1)')
    .option('--config <file>', '配置文件 / config file (docs/config.md)')
    .option('--data <dir>', '数据目录 / data directory (default ./.yibao)')
    .action(async (opts: { port?: string; host?: string; config?: string; data?: string }) => {
      let config: YibaoConfig | undefined;
      if (opts.config) {
        try {
          config = JSON.parse(readFileSync(opts.config, 'utf8').replace(/^\uFEFF/, '')) as YibaoConfig;
        } catch (err) {
          throw new CliError(`无法读取配置文件 / cannot read config ${opts.config}: ${(err as Error).message}`);
        }
      }
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new CliError(`--port 应为 0–65535 的整数：${opts.port}`);
      // Loaded on demand: the protocol tools should not pay for the server, PGlite and Fastify.
      const { startPlatform } = await import('../../server/platform.js');
      const platform = await startPlatform({
        ...(config ? { config } : {}),
        ...(opts.data ? { dataDir: opts.data } : {}),
        ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(opts.host ? { host: opts.host } : {}),
      });
      keepAlive(
        untilSignal(
          // One write, so that whoever waits for the first line has the whole announcement.
          () =>
            io.err(
              `yibao 平台已启动 / platform listening on ${platform.url} (store: ${platform.deps.store.kind}${platform.sandbox ? ', sandbox' : ''})` +
                // Issue 14 point 10: which mode is running is said, not guessed.
                (platform.sandbox
                  ? '\n沙箱模式 / SANDBOX MODE: /sandbox/* 与故障注入已开放，密钥与人员为虚构，勿用于生产 / test keys and persons, not for production'
                  : '\n生产模式 / production mode: 无 /sandbox/*，出站地址受 outbound.allow 限制 / no sandbox helpers, outbound allow-list enforced') +
                (platform.sandboxFile ? `\n沙箱信息 / sandbox details: ${platform.sandboxFile}` : ''),
            ),
          () => {
            io.err('yibao: 正在停止 / shutting down');
            return platform.close();
          },
        ),
      );
    });
}
