import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { parsePublicKey } from 'yibao/crypto';
import { sm3Hex } from 'yibao/crypto';
import type { Queryable, Store } from '../store/store.js';
import { toSafeInt } from '../store/store.js';
import { recordAudit } from './audit.js';
import { checkConfig, ConfigError, type AppConfig } from './config.js';

/**
 * Apps in the database (issue 13: "create, edit, disable … a config file still seeds them. Changes
 * take effect on every instance without a restart").
 *
 * Every write takes a fresh `version` from one sequence; each instance keeps the apps in memory and
 * re-reads them when `SELECT max(version)` moved, checked at most every `cacheMs` (default 1 s) when a
 * request arrives. A change made on one instance is therefore seen by every other one within about
 * a second, on PGlite and PostgreSQL alike, with one cheap query per instance per second at most.
 */
export interface AppRecord extends AppConfig {
  disabled: boolean;
  version: number;
}

/** What an admin may change on an app (docs/apps.md). */
export const EDITABLE_FIELDS = ['orgName', 'notifyUrl', 'redirectUrl', 'channels', 'logo', 'rateLimit', 'encryptCallbacks', 'portal'] as const;

/** Default overlap of an old key with its successor. */
export const DEFAULT_OVERLAP_HOURS = 72;

/**
 * The config file's apps, into the database: a new app is inserted; an app whose config entry changed
 * since it was last seeded takes the entry's values (the file was edited: the file wins, once); an
 * unchanged entry leaves what operators changed since. An app the file seeded before and no longer
 * names is disabled. Apps created through the API are untouched.
 */
export async function seedApps(store: Store, apps: readonly AppConfig[]): Promise<void> {
  await store.transaction(async (tx) => {
    // Several instances starting at once seed in turn.
    await tx.query('SELECT pg_advisory_xact_lock(7265433)');
    for (const app of apps) {
      const rows = await tx.query<{ seed: unknown }>('SELECT seed FROM apps WHERE app_id = $1 FOR UPDATE', [app.appId]);
      if (!rows[0]) {
        await tx.query('INSERT INTO apps (app_id, config, seed) VALUES ($1, $2, $2)', [app.appId, JSON.stringify(app)]);
      } else if (rows[0].seed === null) {
        // Retired from the file earlier (or created through the API) and named by the file now: the file's entry, enabled.
        await tx.query("UPDATE apps SET config = $2, seed = $2, disabled = false, version = nextval('apps_version'), updated_at = now() WHERE app_id = $1", [app.appId, JSON.stringify(app)]);
      } else if (!isDeepStrictEqual(rows[0].seed, JSON.parse(JSON.stringify(app)))) {
        await tx.query("UPDATE apps SET config = $2, seed = $2, version = nextval('apps_version'), updated_at = now() WHERE app_id = $1", [app.appId, JSON.stringify(app)]);
      }
    }
    // An app the file seeded and no longer names is retired: disabled, and no longer the file's. (In
    // sandbox mode: the generated demo app, once a config file names the institution's own app.)
    await tx.query(
      "UPDATE apps SET disabled = true, seed = NULL, version = nextval('apps_version'), updated_at = now() WHERE seed IS NOT NULL AND NOT (app_id = ANY($1::text[]))",
      [apps.map((a) => a.appId)],
    );
  });
}

interface AppRow {
  app_id: string;
  config: AppConfig;
  disabled: boolean;
  version: unknown;
}

function toRecord(r: AppRow): AppRecord {
  return { ...(typeof r.config === 'string' ? (JSON.parse(r.config) as AppConfig) : r.config), appId: r.app_id, disabled: r.disabled, version: toSafeInt(r.version, 'apps.version') };
}

export async function loadApps(q: Queryable): Promise<AppRecord[]> {
  return (await q.query<AppRow>('SELECT app_id, config, disabled, version FROM apps ORDER BY ord')).map(toRecord);
}

async function loadApp(q: Queryable, appId: string, forUpdate = false): Promise<AppRecord | undefined> {
  const rows = await q.query<AppRow>(`SELECT app_id, config, disabled, version FROM apps WHERE app_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [appId]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/**
 * The apps as this instance knows them. `apps` (enabled) and `disabled` are replaced whole on every
 * reload, so readers never see half an update. `onChange` lets the platform mirror them into the
 * config object older code reads (`config.apps`).
 */
export class AppRegistry {
  private enabled = new Map<string, AppConfig>();
  private off = new Map<string, AppConfig>();
  private version = -1;
  private checkedAt = -Infinity;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly store: Queryable,
    private readonly cacheMs = 1000,
    private readonly onChange: (apps: AppConfig[]) => void = () => {},
  ) {}

  get(appId: string): AppConfig | undefined {
    return this.enabled.get(appId);
  }

  isDisabled(appId: string): boolean {
    return this.off.has(appId);
  }

  /** A disabled app, for signing its refusal with its own keys. */
  disabled(appId: string): AppConfig | undefined {
    return this.off.get(appId);
  }

  list(): AppConfig[] {
    return [...this.enabled.values()];
  }

  /** Reads every app now. */
  async load(): Promise<void> {
    const [v] = await this.store.query<{ v: unknown }>('SELECT COALESCE(max(version), 0) AS v FROM apps');
    const apps = await loadApps(this.store);
    this.apply(apps, toSafeInt(v!.v));
  }

  /** Re-reads the apps if they changed, checking at most every `cacheMs`. Concurrent callers share one check. */
  fresh(nowMs = performance.now()): Promise<void> {
    if (nowMs - this.checkedAt < this.cacheMs) return Promise.resolve();
    this.pending ??= (async () => {
      try {
        const [v] = await this.store.query<{ v: unknown }>('SELECT COALESCE(max(version), 0) AS v FROM apps');
        if (toSafeInt(v!.v) !== this.version) await this.load();
        this.checkedAt = performance.now();
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  private timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Checks every `cacheMs` in the background too: an idle instance (no requests to call `fresh`)
   * still delivers its callbacks to an app's current notifyUrl.
   */
  watch(): void {
    this.timer ??= setInterval(() => void this.fresh().catch(() => {}), Math.max(this.cacheMs, 250));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private apply(apps: AppRecord[], version: number): void {
    const enabled = new Map<string, AppConfig>();
    const off = new Map<string, AppConfig>();
    for (const { disabled, version: _v, ...app } of apps) {
      if (disabled) off.set(app.appId, app);
      else enabled.set(app.appId, app);
    }
    this.enabled = enabled;
    this.off = off;
    this.version = version;
    this.checkedAt = performance.now();
    this.onChange([...enabled.values()]);
  }
}

/** A secret's fingerprint (first 8 hex digits of its SM3): tells secrets apart without showing them. */
export function secretId(secret: string): string {
  return sm3Hex(secret).slice(0, 8).toUpperCase();
}

/** An app as an operator may see it: secrets as fingerprints only, public keys as given. */
export function appView(a: AppRecord) {
  const { appSecret, previousAppSecret, ...rest } = a;
  return {
    ...rest,
    appSecretId: secretId(appSecret),
    ...(previousAppSecret ? { previousAppSecretId: secretId(previousAppSecret) } : {}),
  };
}

export class AppChangeError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AppChangeError';
  }
}

function validated(app: AppConfig): AppConfig {
  try {
    checkConfig({ apps: [app] });
    if (app.publicKey) parsePublicKey(app.publicKey);
  } catch (err) {
    throw new AppChangeError(err instanceof ConfigError ? err.message.replace(/^apps\[0\]\./, '') : `publicKey 无效：${(err as Error).message}`);
  }
  return app;
}

export interface Actor {
  actor: string;
  reason: string;
}

const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase();

/** A new app; appId and appSecret are generated when not given. Returns it with its secret (shown once). */
const CREATE_FIELDS = ['appId', 'appSecret', 'orgCodg', 'orgName', 'publicKey', 'signType', ...EDITABLE_FIELDS] as const;

export async function createApp(store: Store, input: Partial<AppConfig>, who: Actor): Promise<AppRecord> {
  const unknown = Object.keys(input).filter((k) => !(CREATE_FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw new AppChangeError(`未知字段：${unknown.join(', ')}（可用：${CREATE_FIELDS.join(', ')}）`);
  const app = validated({ ...pick(input, ['orgCodg', 'orgName', 'publicKey', 'signType', ...EDITABLE_FIELDS]), appId: input.appId ?? hex(16), appSecret: input.appSecret ?? hex(16) } as AppConfig);
  return store.transaction(async (tx) => {
    const rows = await tx.query('INSERT INTO apps (app_id, config) VALUES ($1, $2) ON CONFLICT (app_id) DO NOTHING RETURNING app_id', [app.appId, JSON.stringify(app)]);
    if (!rows[0]) throw new AppChangeError(`appId 已存在：${app.appId}`, 409);
    await recordAudit(tx, { ...who, action: 'app.create', target: app.appId, detail: { orgCodg: app.orgCodg, orgName: app.orgName } });
    return (await loadApp(tx, app.appId))!;
  });
}

function pick<T extends object>(o: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out as Partial<T>;
}

/** Changes editable fields; `null` removes an optional one (e.g. redirectUrl). */
export async function updateApp(store: Store, appId: string, changes: Record<string, unknown>, who: Actor): Promise<AppRecord> {
  const unknown = Object.keys(changes).filter((k) => !(EDITABLE_FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw new AppChangeError(`不可修改的字段：${unknown.join(', ')}（可改：${EDITABLE_FIELDS.join(', ')}；密钥请用密钥轮换）`);
  return change(store, appId, 'app.update', who, (app) => {
    const next: Record<string, unknown> = { ...app };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return { config: next as unknown as AppConfig, detail: { changed: Object.keys(changes), before: pick(app, Object.keys(changes)), after: changes } };
  });
}

export async function setAppDisabled(store: Store, appId: string, disabled: boolean, who: Actor): Promise<AppRecord> {
  return store.transaction(async (tx) => {
    const app = await loadApp(tx, appId, true);
    if (!app) throw new AppChangeError(`应用不存在：${appId}`, 404);
    await tx.query("UPDATE apps SET disabled = $2, version = nextval('apps_version'), updated_at = now() WHERE app_id = $1", [appId, disabled]);
    await recordAudit(tx, { ...who, action: disabled ? 'app.disable' : 'app.enable', target: appId });
    return (await loadApp(tx, appId))!;
  });
}

/**
 * Key rotation with overlap: the new public key becomes current, the old one still verifies until
 * `overlapHours` have passed (docs/apps.md).
 */
export async function rotatePublicKey(store: Store, appId: string, publicKey: string, overlapHours: number, now: Date, who: Actor): Promise<AppRecord> {
  return change(store, appId, 'app.key.rotate', who, (app) => {
    const until = new Date(now.getTime() + overlapHours * 3_600_000).toISOString();
    const next: AppConfig = { ...app, publicKey, ...(app.publicKey && overlapHours > 0 ? { previousPublicKey: app.publicKey, previousPublicKeyUntil: until } : {}) };
    if (!(app.publicKey && overlapHours > 0)) {
      delete next.previousPublicKey;
      delete next.previousPublicKeyUntil;
    }
    return { config: next, detail: { overlapHours, previousUntil: until } };
  });
}

/** appSecret rotation, the same way: a new secret (generated unless given), the old one valid for the overlap. */
export async function rotateAppSecret(store: Store, appId: string, appSecret: string | undefined, overlapHours: number, now: Date, who: Actor): Promise<AppRecord> {
  const secret = appSecret ?? hex(16);
  return change(store, appId, 'app.secret.rotate', who, (app) => {
    const until = new Date(now.getTime() + overlapHours * 3_600_000).toISOString();
    const next: AppConfig = { ...app, appSecret: secret, ...(overlapHours > 0 ? { previousAppSecret: app.appSecret, previousAppSecretUntil: until } : {}) };
    if (!(overlapHours > 0)) {
      delete next.previousAppSecret;
      delete next.previousAppSecretUntil;
    }
    return { config: next, detail: { overlapHours, previousUntil: until } };
  });
}

async function change(store: Store, appId: string, action: string, who: Actor, fn: (app: AppConfig) => { config: AppConfig; detail?: Record<string, unknown> }): Promise<AppRecord> {
  return store.transaction(async (tx) => {
    const current = await loadApp(tx, appId, true);
    if (!current) throw new AppChangeError(`应用不存在：${appId}`, 404);
    const { disabled: _d, version: _v, ...app } = current;
    const { config, detail } = fn(app);
    validated(config);
    await tx.query("UPDATE apps SET config = $2, version = nextval('apps_version'), updated_at = now() WHERE app_id = $1", [appId, JSON.stringify(config)]);
    await recordAudit(tx, { ...who, action, target: appId, ...(detail ? { detail } : {}) });
    return (await loadApp(tx, appId))!;
  });
}

/**
 * The (publicKey, appSecret) pairs a request of this app may be signed with at `now`: the current
 * ones first, then the previous ones while their overlap lasts.
 */
export function credentialCandidates(app: AppConfig, now: Date): Array<{ publicKey: string | undefined; appSecret: string }> {
  const keys = [app.publicKey];
  if (app.previousPublicKey && app.previousPublicKeyUntil && now < new Date(app.previousPublicKeyUntil)) keys.push(app.previousPublicKey);
  const secrets = [app.appSecret];
  if (app.previousAppSecret && app.previousAppSecretUntil && now < new Date(app.previousAppSecretUntil)) secrets.push(app.previousAppSecret);
  const out: Array<{ publicKey: string | undefined; appSecret: string }> = [];
  for (const appSecret of secrets) for (const publicKey of keys) out.push({ publicKey, appSecret });
  return out;
}

/**
 * Opens a request with the app's current credentials, then — during a rotation's overlap — with the
 * previous public key and/or appSecret. The first that opens wins; when none does, the current
 * credentials' error is thrown (fail closed, and the HIS is told about the key it should be using).
 * Returns the app with the credentials that worked, so the answer is sealed with the same secret.
 */
export function openWithRotation<T>(app: AppConfig, now: Date, open: (app: AppConfig) => T): { opened: T; keys: AppConfig } {
  const candidates = credentialCandidates(app, now);
  let first: unknown;
  for (const c of candidates) {
    const keys: AppConfig = { ...app, appSecret: c.appSecret };
    if (c.publicKey === undefined) delete keys.publicKey;
    else keys.publicKey = c.publicKey;
    try {
      return { opened: open(keys), keys };
    } catch (err) {
      first ??= err;
    }
  }
  throw first;
}
