import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppChangeError, appView, createApp, DEFAULT_OVERLAP_HOURS, loadApps, rotateAppSecret, rotatePublicKey, setAppDisabled, updateApp, type AppRecord } from '../center/apps.js';
import type { AppConfig } from '../center/config.js';
import { keyId } from 'yibao/protocol';
import { badRequest, bodyWithReason, unknownQuery } from './admin-body.js';
import type { Platform } from './platform.js';
import { adminActor } from './routes-admin.js';

/**
 * Apps and their keys, managed without a restart (docs/apps.md). Every change is one transaction
 * with its audit row; this instance re-reads the apps at once, the others within `appsCacheMs`.
 */
export function registerAppRoutes(admin: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;

  const view = (a: AppRecord) => ({ ...appView(a), ...(a.publicKey ? { publicKeyId: keyId(a.publicKey) } : {}) });

  /** Runs a change, reloads this instance's apps, answers the app (or the change's refusal). */
  async function changed(reply: FastifyReply, fn: () => Promise<AppRecord>, extra: (a: AppRecord) => Record<string, unknown> = () => ({})) {
    try {
      const app = await fn();
      await platform.apps.load();
      return { app: view(app), ...extra(app) };
    } catch (err) {
      if (err instanceof AppChangeError) return badRequest(reply, err.message, err.status);
      throw err;
    }
  }

  const overlap = (v: unknown): number | undefined => {
    if (v === undefined) return DEFAULT_OVERLAP_HOURS;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 24 * 90 ? v : undefined;
  };

  admin.get('/admin/apps', { config: { role: 'viewer' } }, async (req, reply) => {
    if (unknownQuery(req, reply, [])) return reply;
    return { apps: (await loadApps(store)).map(view) };
  });

  admin.get('/admin/apps/:appId', { config: { role: 'viewer' } }, async (req, reply) => {
    const app = (await loadApps(store)).find((a) => a.appId === (req.params as { appId: string }).appId);
    return app ? view(app) : badRequest(reply, '应用不存在', 404);
  });

  /** A new app. The answer carries its appSecret once (later views mask it). */
  admin.post('/admin/apps', { config: { role: 'admin' } }, async (req, reply) => {
    const given = bodyWithReason(req, reply);
    if (!given) return reply;
    const { reason: _r, ...input } = given.body;
    return changed(reply, () => createApp(store, input as Partial<AppConfig>, { actor: adminActor(req), reason: given.reason }), (a) => ({ appSecret: a.appSecret }));
  });

  admin.patch('/admin/apps/:appId', { config: { role: 'admin' } }, async (req, reply) => {
    const given = bodyWithReason(req, reply);
    if (!given) return reply;
    const { reason: _r, ...changes } = given.body;
    if (Object.keys(changes).length === 0) return badRequest(reply, '没有要修改的字段');
    return changed(reply, () => updateApp(store, (req.params as { appId: string }).appId, changes, { actor: adminActor(req), reason: given.reason }));
  });

  for (const [path, disabled] of [['disable', true], ['enable', false]] as const) {
    admin.post(`/admin/apps/:appId/${path}`, { config: { role: 'admin' } }, async (req, reply) => {
      const given = bodyWithReason(req, reply);
      if (!given) return reply;
      return changed(reply, () => setAppDisabled(store, (req.params as { appId: string }).appId, disabled, { actor: adminActor(req), reason: given.reason }));
    });
  }

  /** Key rotation: the new public key is current, the old one verifies for `overlapHours` (default 72). */
  admin.post('/admin/apps/:appId/keys', { config: { role: 'admin' } }, async (req, reply) => {
    const given = bodyWithReason(req, reply);
    if (!given) return reply;
    const publicKey = given.body.publicKey;
    if (typeof publicKey !== 'string' || publicKey === '') return badRequest(reply, 'publicKey: 必填（机构新的 SM2 公钥）');
    const hours = overlap(given.body.overlapHours);
    if (hours === undefined) return badRequest(reply, 'overlapHours: 应为 0–2160 的小时数（新旧公钥并存的时长）');
    return changed(reply, () => rotatePublicKey(store, (req.params as { appId: string }).appId, publicKey, hours, platform.deps.clock(), { actor: adminActor(req), reason: given.reason }));
  });

  /** appSecret rotation, the same way; the new secret is in the answer (once). */
  admin.post('/admin/apps/:appId/secret', { config: { role: 'admin' } }, async (req, reply) => {
    const given = bodyWithReason(req, reply);
    if (!given) return reply;
    const secret = given.body.appSecret;
    if (secret !== undefined && (typeof secret !== 'string' || !/^[\x21-\x7e]{16,64}$/.test(secret))) return badRequest(reply, 'appSecret: 应为 16–64 个可见 ASCII 字符（不填则生成）');
    const hours = overlap(given.body.overlapHours);
    if (hours === undefined) return badRequest(reply, 'overlapHours: 应为 0–2160 的小时数（新旧 appSecret 并存的时长）');
    return changed(
      reply,
      () => rotateAppSecret(store, (req.params as { appId: string }).appId, secret as string | undefined, hours, platform.deps.clock(), { actor: adminActor(req), reason: given.reason }),
      (a) => ({ appSecret: a.appSecret }),
    );
  });
}
