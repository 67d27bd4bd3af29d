import { ErrorCode, YibaoError } from '../protocol/errors.js';
import { UpstreamError } from '../upstream/types.js';
import type { AppConfig } from './config.js';

/**
 * Upstream refusals become center errors the institution can act on: token problems are -4
 * (权限校验异常, portal 响应码), everything else a business failure -1, with the upstream's reason.
 */
export async function upstream<T>(fn: () => Promise<T>, field?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UpstreamError) {
      const code = /^(EC_|PAY_AUTH_|REVS_)/.test(err.code) ? ErrorCode.FORBIDDEN : ErrorCode.BUSINESS;
      throw new YibaoError(code, err.message, { cause: err, ...(field ? { field } : {}) });
    }
    throw err;
  }
}

export function invalid(field: string, message: string): YibaoError {
  return new YibaoError(ErrorCode.INVALID_PARAM, `${field}: ${message}`, { field });
}

export function business(message: string, field?: string): YibaoError {
  return new YibaoError(ErrorCode.BUSINESS, message, field ? { field } : {});
}

/** 6101/6201 carry the institution code: it must be the app's own (an appId is bound to its orgCodg). */
export function assertOwnOrg(value: unknown, app: AppConfig, field: string, name: string): void {
  if (value !== app.orgCodg) throw invalid(field, `与应用所属机构不符（${name}）`);
}
