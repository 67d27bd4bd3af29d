import type { FastifyInstance } from 'fastify';
import { ErrorCode } from 'yibao/protocol';
import type { Platform } from './platform.js';

/**
 * Readiness for a load balancer (issue 14 point 2; docs/operations.md): `/readyz` answers 200 only
 * when the store answers a query within `database.readyTimeoutMs`, 503 with code -3 otherwise, so a
 * balancer takes an instance whose database froze out of rotation. `/healthz` (app.ts) stays
 * liveness: the process serves HTTP, whatever the database does — restart on that one only.
 */
export function registerHealthRoutes(app: FastifyInstance, platform: Platform): void {
  const timeoutMs = platform.config.database?.readyTimeoutMs ?? 2000;
  app.get('/readyz', async (_req, reply) => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      platform.deps.store.query('SELECT 1').then(
        () => 'ok' as const,
        (err: unknown) => err,
      ),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    const ms = Math.round(performance.now() - started);
    void reply.header('cache-control', 'no-store');
    if (outcome === 'ok') return { status: 'ready', store: platform.deps.store.kind, ms };
    platform.deps.log.warn({ err: outcome === 'timeout' ? undefined : outcome, ms }, 'readiness check failed');
    return reply.code(503).send({
      code: ErrorCode.TIMEOUT,
      message: outcome === 'timeout' ? `数据库未在 ${timeoutMs} ms 内应答` : '数据库不可用',
      success: false,
      status: 'unavailable',
      store: platform.deps.store.kind,
    });
  });
}
