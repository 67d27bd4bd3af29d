import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { safeError } from '../util/mask.js';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, parsePrivateKey, parsePublicKey } from 'yibao/crypto';
import { openStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { migrate } from '../store/migrate.js';
import { createSimUpstreams, DEFAULT_PERSONS, DEFAULT_POLICY } from '../upstream/index.js';
import type { PersonConfig } from '../upstream/types.js';
import { checkConfig, ConfigError, DEFAULT_CALLBACK_SCHEDULE, parseDuration, type AppConfig, type YibaoConfig } from '../center/config.js';
import type { CenterDeps } from '../center/context.js';
import { MobileCenter } from '../center/pipeline.js';
import { servedPaths } from './paths.js';
import { Gate } from '../center/gate.js';
import { OneCodeModule } from '../center/onecode.js';
import { PortalGateway } from '../center/portal.js';
import { TerminalGateway } from '../center/terminal.js';
import { ChannelApi } from '../center/channel-api.js';
import { CallbackWorker } from '../center/callbacks/worker.js';
import { pruneSignatures } from '../center/replay.js';
import { buildHttpApp } from './app.js';
import { workerConfig } from './cluster.js';

export interface PlatformOptions {
  config?: YibaoConfig;
  /** Where generated keys, the embedded database and sandbox.json live. Default ./.yibao */
  dataDir?: string;
  /** PostgreSQL; else PGlite under dataDir (or in memory with `inMemory`). */
  databaseUrl?: string;
  inMemory?: boolean;
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
  upstreams: SimUpstreams;
  persons: PersonConfig[];
  operatorToken: string;
  platformKeys: { privateKey: string; publicKey: string };
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
    writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
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
  const config: YibaoConfig = structuredClone(options.config ?? {});
  checkConfig(config);
  const sandbox = config.sandbox ?? true;
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? '.yibao');
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
    }));
  if (options.store) await migrate(store);

  const upstreams = createSimUpstreams({
    persons,
    policy: config.policy ?? DEFAULT_POLICY,
    failures: config.channels?.failures ?? [],
    ...(config.tokens?.ecTokenTtlSeconds ? { ecTokenTtlMs: config.tokens.ecTokenTtlSeconds * 1000 } : {}),
    ...(config.tokens?.payAuthNoTtlSeconds ? { payAuthNoTtlMs: config.tokens.payAuthNoTtlSeconds * 1000 } : {}),
  });
  await upstreams.seed(store);

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
  };
  const gate = new Gate(config, store);
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
    upstreams,
    persons,
    operatorToken,
    platformKeys,
    http: undefined as unknown as FastifyInstance,
    url: deps.publicUrl,
    async close() {
      await worker!.stop();
      await platform.http.close();
      if (!options.store) await store.close();
    },
  };
  platform.http = buildHttpApp(platform);
  if (sandbox && dataDir) platform.sandboxFile = writeSandboxFile(dataDir, platform, demoPrivateKey);
  return platform;
}

/** Starts listening and the callback worker. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const platform = await createPlatform(options);
  const address = await platform.http.listen({ host: options.host ?? platform.config.server?.host ?? '127.0.0.1', port: options.port ?? platform.config.server?.port ?? 8080 });
  const listening = new URL(address);
  if (!platform.config.server?.publicUrl) {
    platform.url = `http://${listening.hostname === '0.0.0.0' ? '127.0.0.1' : listening.hostname}:${listening.port}`;
    platform.deps.publicUrl = platform.url;
    if (platform.sandbox && platform.sandboxFile) writeSandboxFile(resolve(options.dataDir ?? '.yibao'), platform, undefined);
  }
  platform.worker.start();
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
  writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  return file;
}
