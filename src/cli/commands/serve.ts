import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { YibaoConfig } from '../../center/config.js';
import { CliError, untilSignal, type Io } from '../io.js';

/** `yibao serve`: the platform (center + sandbox), on PGlite or, with DATABASE_URL, PostgreSQL. */
export function registerServeCommand(program: Command, io: Io, keepAlive: (p: Promise<void>) => void): void {
  program
    .command('serve')
    .description('启动平台（移动支付中心沙箱）/ start the platform')
    .option('--port <n>', '端口 / port (default: $PORT, else 8080)')
    .option('--host <host>', '监听地址 / listen address (default: $HOST, else 127.0.0.1)')
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
      // The flag, else the environment (PORT/HOST, as PaaS and containers set them), else the config file.
      const portText = opts.port ?? (process.env.PORT || undefined);
      const port = portText === undefined ? undefined : Number(portText);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new CliError(`${opts.port !== undefined ? '--port' : 'PORT'} 应为 0–65535 的整数：${portText}`);
      const host = opts.host ?? (process.env.HOST || undefined);
      // Loaded on demand: the protocol tools should not pay for the server, PGlite and Fastify.
      const { startPlatform } = await import('../../server/platform.js');
      const { DataDirLockedError } = await import('../../server/datadir-lock.js');
      const { serverLogger } = await import('../../util/log-format.js');
      let platform: Awaited<ReturnType<typeof startPlatform>>;
      try {
        platform = await startPlatform({
          ...(config ? { config } : {}),
          ...(opts.data ? { dataDir: opts.data } : {}),
          ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
          ...(port !== undefined ? { port } : {}),
          ...(host ? { host } : {}),
          logger: serverLogger(),
        });
      } catch (err) {
        if (err instanceof DataDirLockedError) throw new CliError(err.message);
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`端口已被占用 / port already in use: ${(err as Error).message}（换一个：--port 或 PORT=）`);
        throw err;
      }
      keepAlive(
        untilSignal(
          // One banner, in one write, so that whoever waits for the first line has all of it.
          () => io.err(banner(platform)),
          () => {
            io.err('yibao: 正在停止 / shutting down');
            return platform.close();
          },
        ),
      );
    });
}

/** What `yibao serve` prints once it listens: where, on what, and what to do next. */
function banner(p: { url: string; sandbox: boolean; sandboxFile?: string; deps: { store: { kind: string } } }): string {
  const lines = [
    `yibao 平台已启动 / platform listening on ${p.url} (store: ${p.deps.store.kind}${p.sandbox ? ', sandbox' : ''})`,
    ...(p.sandboxFile ? [`  沙箱信息 / sandbox details: ${p.sandboxFile}`] : []),
    `  接口文档 / API docs:        ${p.url}/docs`,
    ...(p.sandbox ? ['  下一步 / next:             yibao demo   （另开一个终端 / in another terminal）'] : []),
    '  停止 / stop:               Ctrl+C',
  ];
  return lines.join('\n');
}
