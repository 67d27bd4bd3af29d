import { CENTER_TXNS } from '../center/pipeline.js';
import { FSI_PATH, getTxn, portalTransactions, terminalTransactions, TERMINAL_PATH } from 'yibao/spec';

/**
 * Where the platform serves each transaction, for sandbox.json and GET /sandbox: the center's
 * 6101–6401 by transaction id, the one-code-pay module (one FSI path, the infno in the body), the
 * portal's and the terminal's routes, and the simulated channels' merchant API.
 */
export function servedPaths(infno: { oneCodeStatus: string; oneCodePayCert: string }): Record<string, string> {
  const center = Object.keys(CENTER_TXNS).map((id) => [id, getTxn(id).path ?? ''] as const);
  return {
    ...Object.fromEntries(center.filter(([, p]) => p)),
    [`oneCodeStatus (infno ${infno.oneCodeStatus})`]: FSI_PATH,
    [`oneCodePayCert (infno ${infno.oneCodePayCert})`]: FSI_PATH,
    '1101 (infno 1101)': FSI_PATH,
    ...Object.fromEntries(Object.values(portalTransactions).map((t) => [t.id, t.path])),
    ...Object.fromEntries(Object.keys(terminalTransactions).map((id) => [id, TERMINAL_PATH])),
    'channel.pay': '/channel/pay',
    'channel.refund': '/channel/refund',
    'channel.statement': '/channel/statement',
  };
}
