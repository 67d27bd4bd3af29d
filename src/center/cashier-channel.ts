import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { ChannelType } from '../upstream/types.js';
import type { AppConfig } from './config.js';

/** The payment channels a cashier offers when the app names none (config apps[].chnlTypes). */
export const ALL_CHANNELS: readonly ChannelType[] = ['WX', 'ALI', 'UP', 'BANK'];

/** The channels the cashier offers this app's patients. */
export function cashierChannels(app: AppConfig): readonly ChannelType[] {
  return app.chnlTypes && app.chnlTypes.length > 0 ? app.chnlTypes : ALL_CHANNELS;
}

/**
 * The cashier's `chnlType` (issue 14 point 13): one of the app's channels, checked before anything is
 * settled. It came from the patient's browser, so it may be anything (a 200-KB HTML string was once
 * stored and put into the 6204 redirect after the insurance part settled).
 */
export function checkCashierChnlType(app: AppConfig, value: unknown): ChannelType {
  const allowed = cashierChannels(app);
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as ChannelType;
  throw new YibaoError(ErrorCode.INVALID_PARAM, `chnlType: 应为 ${allowed.join('/')} 之一（支付渠道）`, { field: 'chnlType' });
}
