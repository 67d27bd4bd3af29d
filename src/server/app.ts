import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { stringifyWire } from '../protocol/json.js';
import { getTxn } from '../spec/index.js';
import { CENTER_TXNS, type CenterTxnId } from '../center/pipeline.js';
import type { Platform } from './platform.js';
import { registerAdminRoutes } from './routes-admin.js';
import { registerDocsRoutes } from './routes-docs.js';
import { registerSystemRoutes, registerSystemSandbox } from './routes-systems.js';
import { registerPatientPages, registerSandboxHelpers } from './routes-sandbox.js';

/**
 * The HTTP face of the platform. Bodies are taken as raw text: the envelope is parsed losslessly by
 * the protocol layer (numbers verbatim, duplicate keys refused), never by a generic JSON parser.
 */
export function buildHttpApp(platform: Platform): FastifyInstance {
  const app = Fastify({
    loggerInstance: platform.deps.log as FastifyBaseLogger,
    // The center logs one line per request itself, without bodies (no personal data in logs).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  for (const txn of Object.keys(CENTER_TXNS) as CenterTxnId[]) {
    app.post(getTxn(txn).path!, async (req, reply) => {
      const result = await platform.center.handle(txn, typeof req.body === 'string' ? req.body : '');
      reply.header('x-yibao-trace-id', result.traceId).type('application/json; charset=utf-8').send(stringifyWire(result.body));
    });
  }

  registerSystemRoutes(app, platform);
  registerPatientPages(app, platform);
  if (platform.sandbox) {
    registerSandboxHelpers(app, platform);
    registerSystemSandbox(app, platform);
  }
  registerAdminRoutes(app, platform);
  registerDocsRoutes(app, platform);

  app.get('/healthz', async () => ({ status: 'ok', store: platform.deps.store.kind, sandbox: platform.sandbox }));

  // Never a stack trace or an HTML error page: a JSON line with a portal response code.
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ code: '-5', message: `无效的请求地址：${req.method} ${req.url.split('?')[0]}`, success: false });
  });
  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) platform.deps.log.error({ err, url: req.url }, 'unhandled error');
    reply.code(status).send({
      code: status === 413 ? '000105' : status < 500 ? '-2' : '000002',
      message: status === 413 ? '报文过大' : status < 500 ? `请求参数异常：${(err as Error).message}` : '系统错误，请联系管理员',
      success: false,
    });
  });
  return app;
}
