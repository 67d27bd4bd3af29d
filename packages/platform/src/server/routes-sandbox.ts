import { readBody } from './body.js';
import { cashierChannels, checkCashierChnlType } from '../center/cashier-channel.js';
import type { FastifyInstance } from 'fastify';
import type { Platform } from './platform.js';
import type { ChannelFailureRule } from '../upstream/types.js';
import { PORTAL_TXNS } from '../center/portal.js';
import { servedPaths } from './paths.js';
import type { AppConfig } from '../center/config.js';

export function registerSandboxHelpers(app: FastifyInstance, platform: Platform): void {
  const { deps, upstreams, center } = platform;

  /** Stands in for the patient authorising in an app: an ecToken and a payAuthNo, plus the QR value. */
  app.post('/sandbox/auth', async (req, reply) => {
    const parsed = readBody(req.body);
    if (!parsed.value) return reply.code(400).send(parsed.error);
    const body = parsed.value;
    const psnNo = typeof body.psnNo === 'string' ? body.psnNo : undefined;
    const idNo = typeof body.idNo === 'string' ? body.idNo : undefined;
    const person = upstreams.evoucher.findPerson({ ...(psnNo ? { psnNo } : {}), ...(idNo ? { idNo } : {}) });
    if (!person || (!psnNo && !idNo)) {
      return reply.code(404).send({ code: '-1', message: psnNo || idNo ? '人员不存在' : '请给出 psnNo 或 idNo' });
    }
    const apps = deps.config.apps ?? [];
    const orgCodg = typeof body.orgCodg === 'string' ? body.orgCodg : apps.length === 1 ? apps[0]!.orgCodg : undefined;
    const now = deps.clock();
    const out = await deps.store.transaction(async (tx) => {
      const ec = await upstreams.evoucher.issueEcToken({ tx, now }, { psnNo: person.psnNo, ...(orgCodg ? { orgCodg } : {}) });
      const auth = await upstreams.evoucher.issuePayAuthNo({ tx, now }, { psnNo: person.psnNo, ...(orgCodg ? { orgCodg } : {}) });
      return { payAuthNo: auth.payAuthNo, ecToken: ec.ecToken, qrCode: person.qrCode, psnNo: person.psnNo, payAuthNoExpiresAt: auth.expiresAt, ecTokenExpiresAt: ec.expiresAt };
    });
    return reply.send(out);
  });

  /** Failure injection at run time (the same rules as config `channels.failures`). */
  app.post('/sandbox/channels/failures', async (req, reply) => {
    const raw = readBody(req.body).value;
    // Numbers arrive as their text (wire JSON); count is a number of calls.
    const rule = raw ? ({ ...raw, ...(raw.count !== undefined ? { count: Number(raw.count) } : {}) } as unknown as ChannelFailureRule) : undefined;
    if (!rule || !['pay', 'refund', 'query'].includes(rule.op) || (rule.result !== 'FAIL' && rule.result !== 'EXP') || (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0))) {
      return reply.code(400).send({ code: '000105', message: 'op 应为 pay/refund/query，result 应为 FAIL/EXP，count 为正整数（可省略）' });
    }
    upstreams.channels.addFailure(rule);
    return reply.send({ ok: true });
  });
  app.delete('/sandbox/channels/failures', async (_req, reply) => {
    upstreams.channels.clearFailures();
    return reply.send({ ok: true });
  });

  /** Points a sandbox app's callbacks at the developer's HIS (notifyUrl 6302, redirectUrl 6204). */
  app.post('/sandbox/apps/:appId', async (req, reply) => {
    const target = center.app((req.params as { appId: string }).appId);
    if (!target) return reply.code(404).send({ code: '-8', message: '应用信息不存在' });
    const parsed = readBody(req.body);
    if (!parsed.value) return reply.code(400).send(parsed.error);
    const body = parsed.value;
    for (const f of ['notifyUrl', 'redirectUrl'] as const) {
      if (body[f] === undefined) continue;
      if (body[f] === null) {
        // Back to none (no callbacks / no redirect), as `yibao demo` leaves a fresh sandbox.
        delete target[f];
        continue;
      }
      let url: URL | undefined;
      try {
        url = new URL(String(body[f]));
      } catch {
        url = undefined;
      }
      // As in the config file: the platform only ever calls or redirects to http(s).
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return reply.code(400).send({ code: '000105', message: `${f}: 应为 http(s) 地址` });
      target[f] = String(body[f]);
    }
    if (typeof body.encryptCallbacks === 'boolean') target.encryptCallbacks = body.encryptCallbacks;
    if (body.portal !== undefined) {
      // Which portal functions are opened for the app (others answer 404404 该功能未开放).
      const list = Array.isArray(body.portal) ? body.portal : [];
      if (!Array.isArray(body.portal) || list.some((f) => !(PORTAL_TXNS as readonly unknown[]).includes(f))) {
        return reply.code(400).send({ code: '000105', message: `portal: 应为数组，元素为 ${PORTAL_TXNS.join('/')}` });
      }
      target.portal = list as AppConfig['portal'];
    }
    return reply.send({ appId: target.appId, notifyUrl: target.notifyUrl ?? null, redirectUrl: target.redirectUrl ?? null, encryptCallbacks: target.encryptCallbacks !== false, portal: target.portal ?? [...PORTAL_TXNS] });
  });

  app.get('/sandbox', async () => ({
    sandbox: true,
    apps: (deps.config.apps ?? []).map((a) => ({ appId: a.appId, orgCodg: a.orgCodg, orgName: a.orgName, notifyUrl: a.notifyUrl ?? null, redirectUrl: a.redirectUrl ?? null })),
    persons: upstreams.persons.map((p) => ({ psnNo: p.psnNo, insutype: p.insutype, insuAdmdvs: p.insuAdmdvs, balance: p.balance, qrCode: p.qrCode })),
    paths: servedPaths(platform.onecode.infno),
  }));
}
