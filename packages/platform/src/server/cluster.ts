import cluster, { type Worker } from 'node:cluster';
import type { YibaoConfig } from '../center/config.js';
import { DEFAULT_ADDRESS_RATE_LIMIT, DEFAULT_RATE_LIMIT, type RateLimit } from '../center/ratelimit.js';

/**
 * `yibao serve --workers N` (docs/performance.md): N processes of the platform share one listening
 * port through node:cluster, each a whole instance (HTTP, parse, crypto, validation, database pool,
 * callback worker). It needs nothing the design does not already give several instances on one
 * PostgreSQL: the outbox is drained with FOR UPDATE SKIP LOCKED, replay memory and idempotency keys
 * live in the database (DESIGN.md §6). What lives in each process's memory is split here: the per-app
 * and per-address token buckets get 1/N of the configured rate each, so that the limits an operator
 * configures still hold for the whole server.
 */

/** Rate limits of one of `workers` processes: each takes its share of every bucket. */
export function workerConfig(config: YibaoConfig, workers: number): YibaoConfig {
  if (workers <= 1) return config;
  const share = (l: RateLimit): RateLimit => ({ perSecond: l.perSecond / workers, burst: Math.max(1, Math.ceil(l.burst / workers)) });
  return {
    ...config,
    addressRateLimit: share(config.addressRateLimit ?? DEFAULT_ADDRESS_RATE_LIMIT),
    ...(config.apps ? { apps: config.apps.map((a) => ({ ...a, rateLimit: share(a.rateLimit ?? DEFAULT_RATE_LIMIT) })) } : {}),
  };
}

export interface WorkerPool {
  /** The address the workers listen on, once the first one does. */
  listening: Promise<{ address: string; port: number }>;
  /** Every one of the first n workers is listening. */
  allListening: Promise<void>;
  /** The processes serving now. */
  workers(): Worker[];
  /** Stops every worker (SIGTERM: each closes its platform) and waits for them. */
  stop(): Promise<void>;
}

/**
 * Forks `n` workers running the same command (cluster re-runs this script with its arguments; the
 * worker side recognises itself by `cluster.isWorker`). A worker that dies unexpectedly is replaced
 * after a second, so that a crash costs capacity, not the service.
 */
export function forkWorkers(n: number, opts: { env?: Record<string, string>; onEvent?: (message: string) => void } = {}): WorkerPool {
  let stopping = false;
  const say = opts.onEvent ?? (() => {});
  let announce: (a: { address: string; port: number }) => void = () => {};
  const listening = new Promise<{ address: string; port: number }>((resolve) => (announce = resolve));
  let listeners = 0;
  let allDone: () => void = () => {};
  const allListening = new Promise<void>((resolve) => (allDone = resolve));
  const fork = () => {
    const w = cluster.fork(opts.env ?? {});
    w.once('listening', (addr) => {
      announce({ address: addr.address ?? '127.0.0.1', port: addr.port });
      if (++listeners === n) allDone();
    });
    w.on('exit', (code, signal) => {
      if (stopping) return;
      say(`worker ${w.process.pid} exited (${signal ?? code}); starting another`);
      setTimeout(() => {
        if (!stopping) fork();
      }, 1000).unref();
    });
  };
  for (let i = 0; i < n; i++) fork();
  return {
    listening,
    allListening,
    workers: () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined),
    async stop() {
      stopping = true;
      const all = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      await Promise.all(
        all.map(
          (w) =>
            new Promise<void>((resolve) => {
              // A worker that has not closed in 30 s (a request that never ends) is killed.
              const timer = setTimeout(() => w.process.kill('SIGKILL'), 30_000);
              w.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Parses `--workers`: a positive integer, or `auto` for the number of cores. */
export function parseWorkers(text: string | undefined, cores: number): number | undefined {
  if (text === undefined) return undefined;
  if (text === 'auto') return Math.max(1, cores);
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : NaN;
}
