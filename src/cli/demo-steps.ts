import { YibaoApiError } from 'yibao/sdk';
import type { Io } from './io.js';
import type { Credentials } from './sandbox-file.js';
import { personWithCash } from 'yibao/sdk';

export interface DemoStep {
  step: string;
  name: string;
  ok: boolean;
  detail: Record<string, unknown>;
  ms: number;
}

export interface DemoResult {
  ok: boolean;
  baseUrl: string;
  steps: DemoStep[];
  failed?: { step: string; code: string; message: string };
}

/** A step's failure, carrying what `yibao demo` prints: the step, the code and the message. */
export class DemoFailure extends Error {
  constructor(
    readonly demoStep: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The demos' step runner: a progress line before each step, a ✔ line with its key figures or a ✘
 * line with the center's code and message after, and the JSON record of every step.
 */
export class DemoSteps {
  readonly steps: DemoStep[] = [];
  constructor(
    private readonly io: Io,
    private readonly quiet: boolean,
  ) {}

  say(line: string): void {
    if (!this.quiet) this.io.out(line);
  }

  async run<T>(id: string, name: string, fn: () => Promise<[T, Record<string, unknown>, string]>): Promise<T> {
    this.say(`… ${id} ${name}`);
    const started = Date.now();
    try {
      const [value, detail, summary] = await fn();
      this.steps.push({ step: id, name, ok: true, detail, ms: Date.now() - started });
      this.say(`✔ ${id} ${name}  ${summary}`);
      return value;
    } catch (err) {
      const code = err instanceof YibaoApiError ? err.code : err instanceof DemoFailure ? err.code : 'ERROR';
      const message = err instanceof YibaoApiError ? err.centerMessage : err instanceof Error ? err.message : String(err);
      this.steps.push({ step: id, name, ok: false, detail: { code, message }, ms: Date.now() - started });
      this.say(`✘ ${id} ${name}  失败 / failed: ${code} ${message}`);
      throw new DemoFailure(id, code, message);
    }
  }

  /** The result of a demo whose body threw (a DemoFailure) or finished. */
  result(baseUrl: string, err?: unknown): DemoResult {
    if (err === undefined) return { ok: true, baseUrl, steps: this.steps };
    if (!(err instanceof DemoFailure)) throw err;
    return { ok: false, baseUrl, steps: this.steps, failed: { step: err.demoStep, code: err.code, message: err.message } };
  }
}

/** GET /sandbox, or the failure that says the address is not a yibao sandbox. */
export interface SandboxInfo {
  apps: Array<{ appId: string; orgCodg: string; orgName: string; notifyUrl: string | null }>;
  persons: Array<Record<string, string>>;
}

export async function sandboxInfo(baseUrl: string): Promise<SandboxInfo> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/sandbox`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? 'TRANSPORT';
    throw new DemoFailure('sandbox', code, `无法连接 ${baseUrl}（${cause?.code ?? cause?.message ?? (err as Error).message}）：先运行 npm start，或用 --base-url 指定`);
  }
  const info = (await res.json().catch(() => undefined)) as SandboxInfo | undefined;
  if (!info?.persons) throw new DemoFailure('sandbox', 'NO_SANDBOX', '该地址不是 yibao 沙箱（GET /sandbox 不可用），demo 需要沙箱授权');
  return info;
}

/** POST JSON to a sandbox helper; its `message` on failure. */
export async function sandboxPost<T = Record<string, unknown>>(baseUrl: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(json.message ?? `HTTP ${res.status}`);
  return json;
}

/**
 * Who the demo pays for: the institution and persons of the sandbox file or flags, else of the sandbox
 * itself (GET /sandbox knows its apps and persons, so credentials given as flags are enough).
 */
export function demoSubject(cred: Credentials, sandbox: SandboxInfo, psnNo?: string): { orgCodg: string; orgName: string; person: Record<string, string> } {
  const app = sandbox.apps.find((a) => a.appId === cred.appId);
  const orgCodg = cred.orgCodg ?? app?.orgCodg ?? '';
  if (!orgCodg) throw new DemoFailure('sandbox', 'NO_ORG', `沙箱中没有 appId ${cred.appId} 的机构编码 orgCodg（用 --org-codg 指定）`);
  const persons = cred.persons?.length ? cred.persons : sandbox.persons;
  const person = psnNo ? persons.find((p) => p.psnNo === psnNo) : personWithCash(persons);
  if (!person) throw new DemoFailure('sandbox', 'NO_PERSON', `沙箱中找不到参保人 ${psnNo ?? '（个账余额大于 0 者）'}`);
  return { orgCodg, orgName: cred.orgName ?? app?.orgName ?? orgCodg, person };
}
