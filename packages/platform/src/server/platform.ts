import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { safeError } from '../util/mask.js';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, parsePrivateKey, parsePublicKey } from 'yibao/crypto';
import { openStore, type PostgresOptions } from '../store/index.js';
import type { Store } from '../store/store.js';
import { migrate } from '../store/migrate.js';
import { createSimUpstreams, DEFAULT_PERSONS, DEFAULT_POLICY } from '../upstream/index.js';
import type { PersonConfig } from '../upstream/types.js';
import { checkConfig, ConfigError, DEFAULT_CALLBACK_SCHEDULE, isSandbox, parseDuration, type AppConfig, type YibaoConfig } from '../center/config.js';
import { assertOutbound, badAllowEntry, outboundLookup, refusedUrlSync, type OutboundPolicy } from '../center/outbound.js';
import type { CenterDeps } from '../center/context.js';
import { MobileCenter } from '../center/pipeline.js';
import { servedPaths } from './paths.js';
import { Gate } from '../center/gate.js';
import { OneCodeModule } from '../center/onecode.js';
import { PortalGateway } from '../center/portal.js';
import { TerminalGateway } from '../center/terminal.js';
import { ChannelApi } from '../center/channel-api.js';
import { CallbackWorker } from '../center/callbacks/worker.js';
import { Reconciler } from '../center/reconciler.js';
import { pruneSignatures } from '../center/replay.js';
import { AppRegistry, seedApps } from '../center/apps.js';
import { StatementJobs } from '../center/statements.js';
import { keyId } from 'yibao/protocol';
import { buildHttpApp } from './app.js';
import { workerConfig } from './cluster.js';
import { backfillOrderSearch, loadSearchKey } from '../center/search.js';
import { PlatformMetrics } from './metrics.js';
import { lockDataDir, type DataDirLock } from './datadir-lock.js';

export interface PlatformOptions {
  config?: YibaoConfig;
  /** Where generated keys, the embedded database and sandbox.json live. Default ./.yibao */
  dataDir?: string;
  /** PostgreSQL; else PGlite under dataDir (or in memory with `inMemory`). */
  databaseUrl?: string;
  inMemory?: boolean;
  /**
   * Whether this platform takes the data directory's lock (default true). `serve --workers`: the
   * primary holds it for the whole server, and its workers share the directory under it.
   */
  lockDataDir?: boolean;
  /** An already open, migrated store (tests). */
  store?: Store;
  host?: string;
  port?: number;
  logger?: Logger;
  clock?: () => Date;
  /** One of this many worker processes (`serve --workers`): rate limits are shared among them (cluster.ts). */
  workers?: number;
}

type SimUpstreams = ReturnType<typeof createSimUpstreams>;

export interface Platform {
  sandbox: boolean;
  config: YibaoConfig;
  deps: CenterDeps;
  center: MobileCenter;
  onecode: OneCodeModule;
  portal: PortalGateway;
  terminal: TerminalGateway;
  channelApi: ChannelApi;
  worker: CallbackWorker;
  /** Settles orders left 14 and unknown refunds in the background (started with the worker). */
  reconciler: Reconciler;
  metrics: PlatformMetrics;
  upstreams: SimUpstreams;
  persons: PersonConfig[];
  operatorToken: string;
  platformKeys: { privateKey: string; publicKey: string };
  /** The id of the platform key that signs answers (header x-yibao-key-id, docs/apps.md). */
  platformKeyId: string;
  /** The apps, from the database, re-read when changed (center/apps.ts). */
  apps: AppRegistry;
  /** Daily statements (center/statements.ts). */
  statements: StatementJobs;
  http: FastifyInstance;
  /** Set once listening. */
  url: string;
  sandboxFile?: string;
  close(): Promise<void>;
}

interface GeneratedState {
  platform: { privateKey: string; publicKey: string };
  operatorToken: string;
  demoApp: AppConfig & { privateKey: string };
}

/** Keys and the demo institution generated on first start, reused afterwards (sandbox mode). */
function loadOrCreateState(dataDir: string | undefined): GeneratedState {
  const file = dataDir ? join(dataDir, 'state.json') : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as GeneratedState;
  const platform = generateKeyPair();
  const inst = generateKeyPair();
  const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase();
  const state: GeneratedState = {
    platform,
    operatorToken: randomBytes(24).toString('base64url'),
    demoApp: {
      appId: hex(16),
      appSecret: hex(16),
      publicKey: inst.publicKey,
      privateKey: inst.privateKey,
      orgCodg: 'H35010200227',
      orgName: '福州市第一人民医院（沙箱）',
      encryptCallbacks: true,
    },
  };
  if (file) {
    mkdirSync(dataDir!, { recursive: true });
    writeFileAtomic(file, JSON.stringify(state, null, 2));
  }
  return state;
}

/** Keys are checked at start, not at the first request: a typo must stop the server with its name. */
function checkKeys(config: YibaoConfig, platformKeys: { privateKey: string; publicKey: string }): void {
  const attempt = (what: string, fn: () => unknown) => {
    try {
      return fn();
    } catch (err) {
      throw new ConfigError(`${what} 无效：${(err as Error).message}`);
    }
  };
  const priv = attempt('platform.privateKey', () => parsePrivateKey(platformKeys.privateKey)) as ReturnType<typeof parsePrivateKey>;
  const pub = attempt('platform.publicKey', () => parsePublicKey(platformKeys.publicKey)) as ReturnType<typeof parsePublicKey>;
  if (priv.publicKey.x !== pub.x || priv.publicKey.y !== pub.y) throw new ConfigError('platform.publicKey 与 platform.privateKey 不是一对');
  for (const [i, app] of (config.apps ?? []).entries()) {
    if (app.publicKey) attempt(`apps[${i}].publicKey`, () => parsePublicKey(app.publicKey!));
  }
}

export async function createPlatform(options: PlatformOptions = {}): Promise<Platform> {
  // One platform per data directory (its PGlite files, keys and sandbox.json): a second is refused.
  const lock = options.inMemory || options.lockDataDir === false ? undefined : lockDataDir(resolve(options.dataDir ?? '.yibao'));
  try {
    const platform = await createPlatformLocked(options);
    if (lock) holdLock(platform, lock);
    return platform;
  } catch (err) {
    lock?.release();
    throw err;
  }
}

const LOCKS = new WeakMap<Platform, DataDirLock>();

function holdLock(platform: Platform, lock: DataDirLock): void {
  LOCKS.set(platform, lock);
  const close = platform.close.bind(platform);
  platform.close = async () => {
    try {
      await close();
    } finally {
      lock.release();
    }
  };
}

async function createPlatformLocked(options: PlatformOptions): Promise<Platform> {
  const config: YibaoConfig = structuredClone(options.config ?? {});
  checkConfig(config);
  const sandbox = isSandbox(config);
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? '.yibao');
  // The data directory holds keys and, embedded, the database: nobody else's to read (issue 14 point 12).
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
  }
  const outbound: OutboundPolicy = { sandbox, allow: config.outbound?.allow ?? [] };
  for (const e of outbound.allow) {
    const bad = badAllowEntry(e);
    if (bad) throw new ConfigError(bad);
  }
  // What can be told without resolving names is told at start: a notifyUrl on a refused host or address.
  for (const [i, app] of (config.apps ?? []).entries()) {
    const why = app.notifyUrl ? refusedUrlSync(outbound, app.notifyUrl) : undefined;
    if (why) throw new ConfigError(`apps[${i}].notifyUrl 不允许：${why}（生产模式的出站地址见 docs/config.md 的 outbound.allow）`);
  }
  const state = sandbox ? loadOrCreateState(dataDir) : undefined;

  const platformKeys =
    config.platform?.privateKey && config.platform.publicKey
      ? { privateKey: config.platform.privateKey, publicKey: config.platform.publicKey }
      : state?.platform;
  if (!platformKeys) throw new ConfigError('platform.privateKey / platform.publicKey 必填（非沙箱模式）');
  checkKeys(config, platformKeys);
  const operatorToken = config.operatorToken ?? state?.operatorToken;
  if (!operatorToken) throw new ConfigError('operatorToken 必填（非沙箱模式）');
  let demoPrivateKey: string | undefined;
  if (!config.apps || config.apps.length === 0) {
    if (!state) throw new ConfigError('apps 至少配置一个应用（非沙箱模式）');
    const { privateKey, ...demo } = state.demoApp;
    demoPrivateKey = privateKey;
    config.apps = [demo];
  }
  if ((options.workers ?? 1) > 1) Object.assign(config, workerConfig(config, options.workers!));
  const persons = config.persons ?? DEFAULT_PERSONS;
  // Every logged error goes through safeError, whoever made the logger: a database error's row and
  // parameters (personal data, tokens) never reach a log.
  const log = (options.logger ?? pino({ level: process.env.YIBAO_LOG_LEVEL ?? 'info' })).child({}, { serializers: { err: safeError } });

  const store =
    options.store ??
    (await openStore({
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(dataDir && !options.databaseUrl ? { dataDir: join(dataDir, 'pgdata') } : {}),
      postgres: postgresOptions(config),
    }));
  if (options.store) await migrate(store);
  const searchKey = await loadSearchKey(store, config.console?.searchKey);
  await backfillOrderSearch(store, searchKey);
  const metrics = new PlatformMetrics(store, log);

  const upstreams = createSimUpstreams({
    persons,
    policy: config.policy ?? DEFAULT_POLICY,
    failures: config.channels?.failures ?? [],
    ...(config.tokens?.ecTokenTtlSeconds ? { ecTokenTtlMs: config.tokens.ecTokenTtlSeconds * 1000 } : {}),
    ...(config.tokens?.payAuthNoTtlSeconds ? { payAuthNoTtlMs: config.tokens.payAuthNoTtlSeconds * 1000 } : {}),
  });
  await upstreams.seed(store);
  await seedApps(store, config.apps);
  // Older readers of config.apps (sandbox pages, sandbox.json) see the database's apps too.
  // The config file's apps first, in its order (sandbox.json describes apps[0]), then the database's others.
  const fileOrder = new Map((config.apps ?? []).map((a, i) => [a.appId, i]));
  const apps = new AppRegistry(store, config.appsCacheMs ?? 1000, (list) => {
    config.apps = [...list].sort((x, y) => (fileOrder.get(x.appId) ?? Infinity) - (fileOrder.get(y.appId) ?? Infinity));
  });
  await apps.load();

  const host = options.host ?? config.server?.host ?? '127.0.0.1';
  const port = options.port ?? config.server?.port ?? 8080;
  let worker: CallbackWorker | undefined;
  const deps: CenterDeps = {
    store,
    upstreams,
    config,
    publicUrl: config.server?.publicUrl ?? `http://${host}:${port}`,
    clock: options.clock ?? (() => new Date()),
    log,
    notifyCallbacks: () => worker?.notify(),
    callbacks: { directLeaseMs: () => worker?.directLeaseMs(), deliverQueued: (rows) => worker?.deliverQueued(rows) },
    outbound,
    searchKey,
  };
  const gate = new Gate(config, store, apps);
  const center = new MobileCenter(deps, platformKeys.privateKey, gate);
  const schedule = (config.callbacks?.schedule ?? DEFAULT_CALLBACK_SCHEDULE).map(parseDuration);
  worker = new CallbackWorker({
    store,
    log,
    scheduleMs: schedule,
    timeoutMs: config.callbacks?.timeoutMs ?? 10_000,
    pollMs: config.callbacks?.pollMs ?? 1000,
    app: (id) => center.app(id),
    keysFor: (a) => center.keysFor(a),
    housekeeping: () => pruneSignatures(store, config.replayWindowSeconds ?? 300),
    checkUrl: (url) => assertOutbound(outbound, url),
    lookup: outboundLookup(outbound),
    onOutcome: (o) => metrics.callback(o),
  });

  const platform: Platform = {
    sandbox,
    config,
    deps,
    center,
    onecode: new OneCodeModule(deps, gate, platformKeys.privateKey),
    portal: new PortalGateway(deps, gate),
    terminal: new TerminalGateway(deps, gate, platformKeys.privateKey),
    channelApi: new ChannelApi(deps, gate),
    worker,
    reconciler: new Reconciler({ deps, app: (id) => center.app(id), ...(config.reconciler ? { config: config.reconciler } : {}) }),
    metrics,
    upstreams,
    persons,
    operatorToken,
    platformKeys,
    platformKeyId: keyId(platformKeys.publicKey),
    apps,
    statements: new StatementJobs(deps),
    http: undefined as unknown as FastifyInstance,
    url: deps.publicUrl,
    async close() {
      await platform.reconciler.stop();
      platform.statements.stop();
      apps.stop();
      await worker!.stop();
      await platform.http.close();
      await metrics.flush();
      if (!options.store) await store.close();
    },
  };
  platform.http = buildHttpApp(platform);
  if (sandbox && dataDir) platform.sandboxFile = writeSandboxFile(dataDir, platform, demoPrivateKey);
  return platform;
}

/** The `database` section as the PostgreSQL store takes it (issue 14 point 2). */
function postgresOptions(config: YibaoConfig): PostgresOptions {
  const d = config.database ?? {};
  return {
    ...(d.poolSize ? { max: d.poolSize } : {}),
    ...(d.statementTimeoutMs ? { statementTimeoutMs: d.statementTimeoutMs } : {}),
    ...(d.lockTimeoutMs ? { lockTimeoutMs: d.lockTimeoutMs } : {}),
    ...(d.acquireTimeoutMs ? { acquireTimeoutMs: d.acquireTimeoutMs } : {}),
  };
}

/** Starts listening and the callback worker. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const platform = await createPlatform(options);
  let address: string;
  // Fastify logs "Server listening at …" for each address; `yibao serve` prints one banner instead.
  const level = platform.http.log.level;
  platform.http.log.level = 'warn';
  try {
    address = await platform.http.listen({ host: options.host ?? platform.config.server?.host ?? '127.0.0.1', port: options.port ?? platform.config.server?.port ?? 8080 });
  } catch (err) {
    // EADDRINUSE and the like: close the store and the lock, so that the process ends with the error
    // instead of hanging on an open database.
    await platform.close().catch(() => undefined);
    throw err;
  } finally {
    platform.http.log.level = level;
  }
  const listening = new URL(address);
  if (!platform.config.server?.publicUrl) {
    platform.url = `http://${listening.hostname === '0.0.0.0' ? '127.0.0.1' : listening.hostname}:${listening.port}`;
    platform.deps.publicUrl = platform.url;
    if (platform.sandbox && platform.sandboxFile) writeSandboxFile(resolve(options.dataDir ?? '.yibao'), platform, undefined);
  }
  LOCKS.get(platform)?.listening(Number(listening.port), platform.url);
  platform.worker.start();
  platform.reconciler.start();
  platform.statements.start();
  platform.apps.watch();
  return platform;
}

/**
 * `./.yibao/sandbox.json`: what a HIS developer needs to call the sandbox (issue: the platform's
 * public key, the demo institution with its keys, demo insured persons with their QR values).
 */
function writeSandboxFile(dataDir: string, platform: Platform, demoPrivateKey: string | undefined): string {
  const file = join(dataDir, 'sandbox.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { institution?: { appId?: string; publicKey?: string; privateKey?: string } }) : undefined;
  const app = platform.config.apps![0]!;
  // The private key written before is kept only for the same app and key: a config that names another
  // app (or another key for it) must not be paired with the earlier demo key, which would not verify.
  const same = previous?.institution?.appId === app.appId && previous?.institution?.publicKey === app.publicKey;
  const privateKey = demoPrivateKey ?? (same ? previous?.institution?.privateKey : undefined);
  const content = {
    description: 'yibao 沙箱 / sandbox. 仅供开发测试：这里的密钥与人员均为虚构。',
    baseUrl: platform.deps.publicUrl,
    platform: { publicKey: platform.platformKeys.publicKey },
    institution: {
      orgCodg: app.orgCodg,
      orgName: app.orgName,
      appId: app.appId,
      appSecret: app.appSecret,
      ...(privateKey ? { privateKey } : {}),
      publicKey: app.publicKey,
    },
    persons: platform.persons.map((p) => ({
      psnNo: p.psnNo,
      userName: p.userName,
      idNo: p.idNo,
      idType: p.idType,
      gender: p.gender,
      birthday: p.birthday,
      insutype: p.insutype,
      psnType: p.psnType,
      insuAdmdvs: p.insuAdmdvs,
      balance: p.balance,
      qrCode: p.qrCode,
    })),
    operatorToken: platform.operatorToken,
    paths: servedPaths(platform.onecode.infno),
    sandboxAuth: 'POST /sandbox/auth {"psnNo": "…"} → {payAuthNo, ecToken, qrCode}',
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(file, JSON.stringify(content, null, 2) + '\n');
  return file;
}

/**
 * Written whole or not at all (a temporary file renamed over it): `serve --workers` starts several
 * processes that each write sandbox.json, and a HIS developer's tool may read it at any moment.
 */
function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}
