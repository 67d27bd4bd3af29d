import type { Command } from 'commander';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
    .option('--workers <n>', '工作进程数（需 PostgreSQL），auto = CPU 核数 / worker processes (PostgreSQL only), auto = one per core (docs/performance.md)')
    .action(async (opts: { port?: string; host?: string; config?: string; data?: string; workers?: string }) => {
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
      const { parseWorkers, forkWorkers } = await import('../../server/cluster.js');
      const workers = parseWorkers(opts.workers, availableParallelism()) ?? 1;
      if (Number.isNaN(workers)) throw new CliError(`--workers 应为 1–256 的整数或 auto / --workers must be 1–256 or auto: ${opts.workers}`);
      // PGlite is an embedded database in one process's memory: a second process cannot open it.
      if (workers > 1 && !process.env.DATABASE_URL) {
        throw new CliError('--workers 大于 1 需要 PostgreSQL（设置 DATABASE_URL）：内嵌的 PGlite 只能由一个进程打开 / --workers > 1 needs PostgreSQL (DATABASE_URL): PGlite is single-process');
      }
      const { createPlatform, startPlatform } = await import('../../server/platform.js');
      const options = {
        ...(opts.data ? { dataDir: opts.data } : {}),
        ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(host ? { host } : {}),
      };

      if (workers > 1 && cluster.isPrimary) {
        // Once, before the workers: migrations, the simulated upstreams' seed, and (sandbox) the
        // generated keys in state.json, which every worker must then read alike.
        // The primary holds the data directory's lock for the whole server (a second `yibao serve`
        // on it is refused); the workers share the directory under it and take no lock of their own
        // (each taking it, all but one failed at start and only one served).
        const { lockDataDir, DataDirLockedError } = await import('../../server/datadir-lock.js');
        const { resolve } = await import('node:path');
        let held: ReturnType<typeof lockDataDir>;
        try {
          held = lockDataDir(resolve(options.dataDir ?? '.yibao'));
        } catch (err) {
          if (err instanceof DataDirLockedError) throw new CliError(err.message);
          throw err;
        }
        const prepared = await createPlatform({ ...options, ...(config ? { config } : {}), lockDataDir: false });
        const sandboxFile = prepared.sandboxFile;
        const sandbox = prepared.sandbox;
        await prepared.close();
        const pool = forkWorkers(workers, { onEvent: (m) => io.err(`yibao: ${m}`) });
        const at = await pool.listening;
        const host = at.address === '0.0.0.0' || at.address === '::' ? '127.0.0.1' : at.address;
        keepAlive(
          untilSignal(
            () =>
              io.err(
                `yibao 平台已启动 / platform listening on http://${host}:${at.port} (store: postgres, ${workers} workers${sandbox ? ', sandbox' : ''})` +
                  (sandboxFile ? `\n沙箱信息 / sandbox details: ${sandboxFile}` : ''),
              ),
            async () => {
              io.err('yibao: 正在停止 / shutting down');
              await pool.stop();
              held.release();
            },
          ),
        );
        return;
      }

      const worker = cluster.isWorker;
      if (worker) {
        // The primary stops us with SIGTERM, and a terminal's Ctrl-C reaches us too: the second
        // signal must not kill a worker that is closing after the first.
        process.on('SIGINT', () => {});
        process.on('SIGTERM', () => {});
      }
      const { DataDirLockedError } = await import('../../server/datadir-lock.js');
      const { serverLogger } = await import('../../util/log-format.js');
      let platform: Awaited<ReturnType<typeof startPlatform>>;
      try {
        platform = await startPlatform({
          ...options,
          ...(config ? { config } : {}),
          ...(worker ? { workers, lockDataDir: false } : {}),
          logger: serverLogger(),
        });
      } catch (err) {
        // A worker that cannot start must end, or the primary would wait on it (its channel keeps it alive).
        if (worker) setImmediate(() => cluster.worker?.disconnect());
        if (err instanceof DataDirLockedError) throw new CliError(err.message);
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`端口已被占用 / port already in use: ${(err as Error).message}（换一个：--port 或 PORT=）`);
        throw err;
      }
      keepAlive(
        untilSignal(
          // One banner, in one write, so that whoever waits for the first line has all of it.
          () => (worker ? undefined : io.err(banner(platform))),
          async () => {
            if (!worker) io.err('yibao: 正在停止 / shutting down');
            await platform.close();
            // The channel to the primary would keep a worker's process alive once its platform is closed.
            cluster.worker?.disconnect();
          },
        ),
      );
    });
}

/** What `yibao serve` prints once it listens: where, on what, and what to do next. */
function banner(p: { url: string; sandbox: boolean; sandboxFile?: string; deps: { store: { kind: string } } }): string {
  const lines = [
    `yibao 平台已启动 / platform listening on ${p.url} (store: ${p.deps.store.kind}${p.sandbox ? ', sandbox' : ''})`,
    // Issue 14 point 10: which mode is running is said, not guessed.
    p.sandbox
      ? '  沙箱模式 / SANDBOX MODE: /sandbox/* 与故障注入已开放，密钥与人员为虚构，勿用于生产 / test keys and persons, not for production'
      : '  生产模式 / production mode: 无 /sandbox/*，出站地址受 outbound.allow 限制 / no sandbox helpers, outbound allow-list enforced',
    ...(p.sandboxFile ? [`  沙箱信息 / sandbox details: ${p.sandboxFile}`] : []),
    `  接口文档 / API docs:        ${p.url}/docs`,
    ...(p.sandbox ? ['  下一步 / next:             yibao demo   （另开一个终端 / in another terminal）'] : []),
    '  停止 / stop:               Ctrl+C',
  ];
  return lines.join('\n');
}
