import { ErrorCode, YibaoError } from 'yibao/protocol';
import { yuanToFen, type MoneyError } from 'yibao/spec';
import { UpstreamError } from '../upstream/types.js';
import { validateTxn } from 'yibao/spec';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { StoreUnavailableError } from '../store/store.js';

/**
 * Upstream refusals become center errors the institution can act on: token problems are -4
 * (权限校验异常, portal 响应码), everything else a business failure -1, with the upstream's reason.
 */
export async function upstream<T>(fn: () => Promise<T>, fieldOf?: string | ((code: string) => string | undefined)): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fromUpstream(err, typeof fieldOf === 'function' ? fieldOf(err instanceof UpstreamError ? err.code : '') : fieldOf);
  }
}

/** What `upstream` throws for an error: an UpstreamError as the center's error, anything else as it is. */
export function fromUpstream(err: unknown, field?: string): unknown {
  if (err instanceof UpstreamError) {
    const code = /^(EC_|PAY_AUTH_|REVS_)/.test(err.code) ? ErrorCode.FORBIDDEN : ErrorCode.BUSINESS;
    return new YibaoError(code, err.message, { cause: err, ...(field ? { field } : {}) });
  }
  return err;
}

/**
 * A request's data against its catalogue entry: 000105 naming the first five problems (field path,
 * rule, Chinese name), how many more there are, and all of them in `details`. Shared by every system.
 */
export function requireValid(txn: string, value: unknown, root = 'data'): void {
  const issues = validateTxn(txn, 'input', value, root);
  if (issues.length === 0) return;
  const shown = issues.slice(0, 5).map((i) => i.message);
  const more = issues.length > 5 ? `；另有 ${issues.length - 5} 处错误` : '';
  throw new YibaoError(ErrorCode.INVALID_PARAM, shown.join('；') + more, { field: issues[0]!.path, details: issues });
}

export function invalid(field: string, message: string): YibaoError {
  return new YibaoError(ErrorCode.INVALID_PARAM, `${field}: ${message}`, { field });
}

/** A positive amount in yuan (at most two decimals) as fen; otherwise 000105 naming `field` and its Chinese `name`. */
export function positiveFen(value: unknown, field: string, name: string): number {
  let fen: number;
  try {
    fen = yuanToFen(String(value ?? ''));
  } catch (err) {
    throw invalid(field, `应为金额，单位元，最多两位小数（${name}）：${(err as MoneyError).message}`);
  }
  if (fen <= 0) throw invalid(field, `应大于 0（${name}）`);
  return fen;
}

export function business(message: string, field?: string): YibaoError {
  return new YibaoError(ErrorCode.BUSINESS, message, field ? { field } : {});
}

/** 6101/6201 carry the institution code: it must be the app's own (an appId is bound to its orgCodg). */
export function assertOwnOrg(value: unknown, app: AppConfig, field: string, name: string): void {
  if (value !== app.orgCodg) throw invalid(field, `与应用所属机构不符（${name}）`);
}

/**
 * What every system of the platform answers for an error: expected failures keep their code; a
 * conflict with a concurrent request is a retryable -1; a unique key taken by a concurrent duplicate
 * says so; anything else is logged for the operator (with the trace id) and answered 000002, never a
 * stack trace.
 */
export function asYibaoError(err: unknown, log: Logger, traceId: string, context: Record<string, unknown> = {}): YibaoError {
  if (err instanceof YibaoError) return err;
  const unavailable = StoreUnavailableError.from(err, 'not-committed');
  if (unavailable) {
    // Issue 14 points 1–2: a dropped connection or a database past its timeouts is -3 (超时), with
    // what the institution may do; the operator's log has the cause. Only a failure during COMMIT
    // leaves the outcome unknown: then the HIS must query (6301) before trying again.
    log.warn({ traceId, ...context, reason: unavailable.reason, outcome: unavailable.outcome, err: unavailable.cause }, 'database unavailable');
    return new YibaoError(ErrorCode.TIMEOUT, `${UNAVAILABLE[unavailable.reason]}，${unavailable.outcome === 'unknown' ? '处理结果未知，请先查询订单状态（6301）再决定是否重试' : '本次请求未生效，请稍后重试'}（traceId=${traceId}）`, { cause: unavailable });
  }
  const pgCode = (err as { code?: string } | null)?.code;
  if (pgCode === '40001' || pgCode === '40P01') return new YibaoError(ErrorCode.BUSINESS, '并发冲突，请稍后重试（订单正被其他请求处理）');
  if (pgCode === '23505') return new YibaoError(ErrorCode.BUSINESS, '重复请求：相同的业务流水号正被另一请求处理或已处理，请查询结果后再试');
  log.error({ traceId, ...context, err }, 'unexpected error');
  return new YibaoError(ErrorCode.SYSTEM, `系统错误，请联系管理员（traceId=${traceId}）`);
}

const UNAVAILABLE: Record<StoreUnavailableError['reason'], string> = {
  connection: '数据库连接中断',
  'statement-timeout': '数据库处理超时',
  'lock-timeout': '数据库锁等待超时（订单正被其他请求处理）',
  'acquire-timeout': '数据库繁忙，未能及时获得连接',
};
