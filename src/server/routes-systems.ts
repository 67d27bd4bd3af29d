import type { FastifyInstance, FastifyReply } from 'fastify';
import { YibaoError } from '../protocol/errors.js';
import { stringifyWire } from '../protocol/json.js';
import { FSI_PATH, TERMINAL_PATH } from '../spec/index.js';
import { PORTAL_TXNS } from '../center/portal.js';
import { portalTransactions } from '../spec/portal.js';
import type { Platform } from './platform.js';

function json(reply: FastifyReply, traceId: string, body: unknown): void {
  reply.header('x-yibao-trace-id', traceId).type('application/json; charset=utf-8').send(stringifyWire(body));
}

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string' || body.trim() === '') return {};
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    throw new YibaoError('000105', '请求不是有效的 JSON');
  }
}

/**
 * The other three systems of the specs beside the center: the one-code-pay module with the FSI
 * person query (one FSI-style path), the regional payment portal, the service terminal gateway, and
 * the simulated channels' merchant API that one-code-pay pays through.
 */
export function registerSystemRoutes(app: FastifyInstance, platform: Platform): void {
  app.post(FSI_PATH, async (req, reply) => {
    const r = await platform.onecode.handle(typeof req.body === 'string' ? req.body : '');
    json(reply, r.traceId, r.body);
  });
  for (const txn of PORTAL_TXNS) {
    app.post(portalTransactions[txn].path, async (req, reply) => {
      const r = await platform.portal.handle(txn, typeof req.body === 'string' ? req.body : '');
      json(reply, r.traceId, r.body);
    });
  }
  app.post(TERMINAL_PATH, async (req, reply) => {
    const r = await platform.terminal.handle(typeof req.body === 'string' ? req.body : '');
    json(reply, r.traceId, r.body);
  });

  const channel = async (reply: FastifyReply, fn: () => Promise<unknown>) => {
    try {
      reply.type('application/json; charset=utf-8').send(JSON.stringify(await fn()));
    } catch (err) {
      if (!(err instanceof YibaoError)) throw err;
      reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify({ status: 'FAIL', code: err.code, message: err.message }));
    }
  };
  app.post('/channel/pay', (req, reply) => channel(reply, () => platform.channelApi.pay(parseBody(req.body))));
  app.post('/channel/refund', (req, reply) => channel(reply, () => platform.channelApi.refund(parseBody(req.body))));
  app.get('/channel/statement', async (req, reply) => {
    const q = req.query as Record<string, string>;
    try {
      const s = await platform.channelApi.statement(q);
      if (q.format === 'csv') {
        const header = 'tradeNo,kind,chnlType,outTradeNo,payOrdId,amount,status,time';
        const lines = s.lines.map((l) => [l.tradeNo, l.kind, l.chnlType, l.outTradeNo, l.payOrdId, l.amount, l.status, l.time].join(','));
        reply
          .header('content-disposition', `attachment; filename="statement-${q.date}.csv"`)
          .type('text/csv; charset=utf-8')
          .send([header, ...lines].join('\n') + '\n');
        return;
      }
      reply.type('application/json; charset=utf-8').send(JSON.stringify({ date: q.date, lines: s.lines }));
    } catch (err) {
      if (!(err instanceof YibaoError)) throw err;
      reply.code(400).send({ status: 'FAIL', code: err.code, message: err.message });
    }
  });
}
