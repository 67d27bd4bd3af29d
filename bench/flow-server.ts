/**
 * The platform as `bench/flow.ts` runs it: `yibao serve` (one process, or `--workers N` on
 * node:cluster, the same code: src/server/cluster.ts), plus what the benchmark needs to read from
 * inside — each process counts the statements and transactions it sends to the store and reports them
 * with its CPU time (process.cpuUsage) over IPC. Not a test, not shipped.
 *
 * Environment: YIBAO_BENCH_CONFIG (config file), YIBAO_BENCH_WORKERS, DATABASE_URL (else PGlite in
 * YIBAO_BENCH_DATA).
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import type { YibaoConfig } from '../packages/platform/src/center/config.js';
import { openStore } from '../packages/platform/src/store/index.js';
import type { Queryable, Store } from '../packages/platform/src/store/store.js';
import { createPlatform, startPlatform } from '../packages/platform/src/server/platform.js';
import { forkWorkers } from '../packages/platform/src/server/cluster.js';

export interface ProcessStats {
  pid: number;
  /** Statements sent, transaction control (BEGIN/COMMIT/ROLLBACK) not included. */
  statements: number;
  /** Transactions: explicit ones plus statements run outside one (each its own). */
  transactions: number;
  /** process.cpuUsage() total, microseconds. */
  cpuMicros: number;
  /** Its kernel part (system time: sockets, above all). */
  systemMicros: number;
}

const config = JSON.parse(readFileSync(process.env.YIBAO_BENCH_CONFIG!, 'utf8')) as YibaoConfig;
const workers = Number(process.env.YIBAO_BENCH_WORKERS ?? '1');
const databaseUrl = process.env.DATABASE_URL;
const dataDir = process.env.YIBAO_BENCH_DATA;

const counts = { statements: 0, transactions: 0 };
/** YIBAO_BENCH_TRACE=1: every statement's text counted, printed to stderr at exit (which statements an order runs). */
const trace = process.env.YIBAO_BENCH_TRACE ? new Map<string, number>() : undefined;
const traced = (sql: string, where: string) => {
  if (!trace) return;
  const key = `${where} ${sql.replace(/\s+/g, ' ').trim().slice(0, 140)}`;
  trace.set(key, (trace.get(key) ?? 0) + 1);
};
process.on('exit', () => {
  if (trace) for (const [k, n] of [...trace].sort((a, b) => b[1] - a[1])) process.stderr.write(`${String(n).padStart(7)} ${k}\n`);
});

/** The store, counting what goes through it (the only way the platform talks to the database). */
function counting(store: Store): Store {
  const inTx = (tx: Queryable): Queryable => ({
    query(sql, params) {
      counts.statements++;
      traced(sql, 'tx');
      return tx.query(sql, params);
    },
  });
  return {
    kind: store.kind,
    query(sql, params) {
      counts.statements++;
      counts.transactions++;
      traced(sql, '--');
      return store.query(sql, params);
    },
    transaction(fn) {
      counts.transactions++;
      traced('BEGIN', 'tx');
      return store.transaction((tx) => fn(inTx(tx)));
    },
    exec: (sql) => store.exec(sql),
    close: () => store.close(),
  };
}

function stats(): ProcessStats {
  const u = process.cpuUsage();
  return { pid: process.pid, ...counts, cpuMicros: u.user + u.system, systemMicros: u.system };
}

const storeOptions = { ...(databaseUrl ? { databaseUrl } : { dataDir: dataDir! }) };

async function serveOne(): Promise<void> {
  const store = counting(await openStore(storeOptions));
  const platform = await startPlatform({ config, store, inMemory: true, port: Number(process.env.YIBAO_BENCH_PORT ?? 0), ...(workers > 1 ? { workers } : {}) });
  process.on('message', (m: { type?: string; id?: number }) => {
    if (m?.type === 'stats') process.send!({ type: 'stats', id: m.id, stats: [stats()] });
  });
  const stop = async () => {
    await platform.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => {});
  if (cluster.isPrimary) process.send!({ type: 'ready', url: platform.url, pids: [process.pid] });
}

async function servePrimary(): Promise<void> {
  // As `yibao serve --workers N` does: prepare once (migrations, seed), then fork.
  const prepared = await createPlatform({ config, ...storeOptions, inMemory: true });
  await prepared.close();
  const pool = forkWorkers(workers, { env: { YIBAO_BENCH_PORT: process.env.YIBAO_BENCH_PORT ?? '0' } });
  const at = await pool.listening;
  await pool.allListening;
  let next = 0;
  process.on('message', async (m: { type?: string; id?: number }) => {
    if (m?.type !== 'stats') return;
    const all = await Promise.all(
      pool.workers().map(
        (w) =>
          new Promise<ProcessStats[]>((resolve) => {
            const id = ++next;
            const on = (r: { type?: string; id?: number; stats?: ProcessStats[] }) => {
              if (r?.type === 'stats' && r.id === id) {
                w.off('message', on);
                resolve(r.stats ?? []);
              }
            };
            w.on('message', on);
            w.send({ type: 'stats', id });
          }),
      ),
    );
    // The primary's own CPU too: it accepts the connections and hands them round-robin.
    process.send!({ type: 'stats', id: m.id, stats: [stats(), ...all.flat()] });
  });
  process.on('SIGTERM', () => void pool.stop().then(() => process.exit(0)));
  process.on('SIGINT', () => {});
  process.send!({ type: 'ready', url: `http://127.0.0.1:${at.port}`, pids: [process.pid, ...pool.workers().map((w) => w.process.pid!)] });
}

if (workers > 1 && cluster.isPrimary) await servePrimary();
else await serveOne();
