import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { hasBadText, MAX_WIRE_BYTES, stringifyWire } from 'yibao/protocol';
import { getTxn } from 'yibao/spec';
import { hasInvisible } from 'yibao/spec';
import { CENTER_TXNS, type CenterTxnId } from '../center/pipeline.js';
import { rawBody } from './body.js';
import { clientErrorHandler, MAX_HEADER_BYTES } from './client-error.js';
import { KEY_ID_HEADER } from 'yibao/protocol';
import type { Platform } from './platform.js';
import { safeError } from '../util/mask.js';
import { registerAdminRoutes } from './routes-admin.js';
import { registerDocsRoutes } from './routes-docs.js';
import { registerSystemRoutes, registerSystemSandbox } from './routes-systems.js';
import { registerSandboxHelpers } from './routes-sandbox.js';
import { registerPatientPages } from './pages/routes.js';
import { registerHealthRoutes } from './routes-health.js';
import { maxRequestBytesAt } from 'yibao/spec';
import { YibaoError } from 'yibao/protocol';
import { StoreUnavailableError } from '../store/store.js';
import { registerConsole, registerMetrics } from './console/routes.js';

/**
 * The HTTP face of the platform. Bodies are taken as raw text: the envelope is parsed losslessly by
 * the protocol layer (numbers verbatim, duplicate keys refused), never by a generic JSON parser.
 */
/** Why a path or query parameter is refused, or undefined. */
export function badParam(params: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(params)) {
    for (const text of Array.isArray(v) ? v : [v]) {
      if (typeof text !== 'string') continue;
      if (hasBadText(text)) return `${k}: 含有不允许的字符`;
      // Path and query values are ids and filters: bidi and zero-width characters spoof them (issue 14 point 13).
      if (hasInvisible(text)) return `${k}: 含有不可见或改变文字方向的字符`;
      if (k === 'limit' && !/^\d{1,4}$/.test(text)) return 'limit: 应为 1–500 的整数（每页条数）';
      if ((k === 'from' || k === 'to') && text !== '' && queryDate(text) === undefined) return `${k}: 应为日期 yyyy-MM-dd（北京时间）或 ISO 8601 时间`;
    }
  }
  return undefined;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A `from`/`to` query value: a day (yyyy-MM-dd, midnight Beijing time) or an ISO 8601 time with its
 * zone. Nothing else: V8's Date reads "1" as 2001 and rolls 2024-02-30 over to March.
 */
export function queryDate(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const m = DAY.exec(v) ?? ISO_TIME.exec(v);
  if (!m) return undefined;
  const d = new Date(m[0].length === 10 ? `${v}T00:00:00+08:00` : v);
  if (Number.isNaN(d.getTime())) return undefined;
  // The calendar day as written must exist (no roll-over).
  const [y, mo, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, day));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === day ? d : undefined;
}

export function buildHttpApp(platform: Platform): FastifyInstance {
  const app = Fastify({
    loggerInstance: platform.deps.log as FastifyBaseLogger,
    // The center logs one line per request itself, without bodies (no personal data in logs).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_WIRE_BYTES,
    clientErrorHandler,
    // Errors Fastify raises before any route (a badly encoded URL, a bad content type): our shape too.
    frameworkErrors: (err, _req, reply) => {
      void (reply as unknown as FastifyReply)
        .code(400)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ code: '000105', message: `请求格式有误：${err.code === 'FST_ERR_BAD_URL' ? '请求地址的百分号编码无效' : err.message}`, success: false }));
    },
    ...(platform.config.server?.trustProxy !== undefined ? { trustProxy: platform.config.server.trustProxy } : {}),
    ...httpTimeouts(platform),
  });
  // Path and query values no field can hold (NUL, unpaired surrogates) and malformed `limit`s are
  // refused here, for every route, before they reach a query: 400 with the parameter named.
  app.addHook('preValidation', async (req, reply) => {
    const bad = badParam({ ...(req.params as Record<string, unknown>), ...(req.query as Record<string, unknown>) });
    if (bad) return reply.code(400).send({ code: '000105', message: bad, success: false });
  });
  // Every request is counted against its sending address first, before its body is read or parsed
  // (issue 14 point 5): junk, malformed or not, spends the sender's bucket, and past it the refusal
  // costs a bucket lookup. Unsigned (nothing was read to sign with), 429, connection closed.
  // Health checks are the balancer's, not a client's: not counted.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/healthz' || req.url === '/readyz') return;
    try {
      platform.center.gate.admitSource(req.ip);
    } catch (err) {
      if (!(err instanceof YibaoError)) throw err;
      return reply.code(429).header('connection', 'close').send({ code: err.code, message: err.message, success: false });
    }
  });
  // Apps changed on any instance (admin API, `yibao app`) are seen here within appsCacheMs (center/apps.ts).
  // Not for the balancer's checks (liveness must not depend on the database), and a failed check
  // leaves the copy in memory in force: the request's own database work answers for the database.
  app.addHook('onRequest', async (req) => {
    if (req.url === '/healthz' || req.url === '/readyz') return;
    await platform.apps.fresh().catch((err: unknown) => platform.deps.log.warn({ err: safeError(err) }, 'apps: could not check for changes'));
  });
  registerMetrics(app, platform);
  // An empty Content-Type header (some HIS HTTP stacks send `Content-Type:`) would be HTTP 415 before
  // any route; the body is read as bytes either way, so it is handled as if the header were absent
  // and answered in the request's own envelope (issue 12 §3).
  app.addHook('onRequest', async (req) => {
    const ct = req.headers['content-type'];
    if (typeof ct === 'string' && ct.trim() === '') delete req.headers['content-type'];
  });
  // Each route's body cap is what its transactions can need (spec/wire-size.ts), not 8 MB for all;
  // the plain JSON helpers (sandbox, channel API, operator) need little.
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined || ![route.method].flat().includes('POST')) return;
    const cap = maxRequestBytesAt(route.url) ?? (/^\/(sandbox|channel|admin)\//.test(route.url) ? HELPER_BODY_BYTES : undefined);
    if (cap !== undefined) route.bodyLimit = cap;
  });
  app.removeAllContentTypeParsers();
  // Bytes, not text: each system decodes them strictly as UTF-8 (json.ts utf8Text) and refuses
  // anything else in its own envelope, naming the bad byte.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  for (const txn of Object.keys(CENTER_TXNS) as CenterTxnId[]) {
    app.post(getTxn(txn).path!, async (req, reply) => {
      const started = performance.now();
      const result = await platform.center.handle(txn, rawBody(req.body), req.ip);
      platform.metrics.request(txn, result.code, result.appId, (performance.now() - started) / 1000);
      reply.header('x-yibao-trace-id', result.traceId).header(KEY_ID_HEADER, platform.platformKeyId).type('application/json; charset=utf-8').send(stringifyWire(result.body));
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
  registerConsole(app, platform);

  app.get('/healthz', async () => ({ status: 'ok', store: platform.deps.store.kind, sandbox: platform.sandbox }));
  registerHealthRoutes(app, platform);

  // Never a stack trace or an HTML error page: a JSON line with a portal response code.
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ code: '-5', message: `无效的请求地址：${req.method} ${req.url.split('?')[0]}`, success: false });
  });
  app.setErrorHandler(async (err, req, reply) => {
    // The database gone or past its timeouts, on a route without its own envelope (admin, pages): -3, 503.
    const unavailable = StoreUnavailableError.from(err, 'not-committed');
    if (unavailable) {
      platform.deps.log.warn({ reason: unavailable.reason, path: req.url.split('?')[0] }, 'database unavailable');
      return reply.code(503).send({ code: '-3', message: '数据库暂不可用，请稍后重试', success: false });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    // The path only: query strings may carry an ID number (the patient's message list).
    if (status >= 500) platform.deps.log.error({ err, path: req.url.split('?')[0] }, 'unhandled error');
    if (status === 413) {
      // Read the rest of the body (kept nowhere) before answering: answered mid-upload, the client is
      // still writing and gets a broken pipe instead of this answer. Not when it announced more than
      // the cap (then answer at once and close), and never for longer than a few seconds.
      const announced = Number(req.headers['content-length'] ?? NaN);
      if (!(announced > DRAIN_CAP_BYTES)) await drain(req.raw, DRAIN_CAP_BYTES, DRAIN_MS);
      void reply.header('connection', 'close');
    }
    return reply.code(status).send({
      code: status === 413 ? '000105' : status < 500 ? '-2' : '000002',
      message: status === 413 ? `报文过大：请求体超过 ${sizeText(req.routeOptions.bodyLimit ?? MAX_WIRE_BYTES)}` : status < 500 ? `请求参数异常：${(err as Error).message}` : '系统错误，请联系管理员',
      success: false,
    });
  });
  return app;
}

/**
 * Node's and Fastify's defaults keep a trickling client for minutes (issue 14 point 6): headers and
 * the whole request must arrive within bounds, idle keep-alive connections are closed, and Node
 * checks those bounds every second instead of every 30.
 */
function httpTimeouts(platform: Platform) {
  const t = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 72_000, idleMs: 120_000, ...platform.config.server?.timeouts };
  return {
    connectionTimeout: t.idleMs,
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: t.requestMs,
    http: { maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: t.headersMs, requestTimeout: t.requestMs, keepAliveTimeout: t.keepAliveMs, connectionsCheckingInterval: Math.min(1000, t.headersMs) },
  };
}

/** Body cap of the plain JSON helpers (sandbox, channel API, operator endpoints). */
const HELPER_BODY_BYTES = 64 * 1024;

/** 8388608 → "8 MB", 112640 → "110 KB". */
function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** What is read and dropped of an oversized body at most, and for how long. */
const DRAIN_CAP_BYTES = 64 * 1024 * 1024;
const DRAIN_MS = 5_000;

/**
 * Reads and drops what is left of a request body, up to `cap` bytes or `ms` milliseconds; past either
 * (a client trickling bytes to hold the connection) it stops reading and the answer goes out at once,
 * closing the connection after it (`connection: close`).
 */
function drain(raw: IncomingMessage, cap: number, ms: number): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let read = 0;
    const done = () => {
      clearTimeout(timer);
      raw.removeListener('data', onData);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onData = (c: Buffer) => {
      read += c.length;
      if (read > cap) {
        raw.pause();
        done();
      }
    };
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    raw.resume();
  });
}
