export { YibaoClient, RESOURCES, lastResponse, type LastResponse, type YibaoClientOptions, type CallOptions, type ResourceMethods } from './client.js';
export type { StatementData } from './client.js';
export { parseLedger, compareLedger, describeDifference, LedgerError, type LedgerLine, type Difference, type DifferenceKind } from './reconcile.js';
export { keyId, KEY_ID_HEADER } from '../protocol/key-id.js';
export { dailyStatementCsv, parseCsv, STATEMENT_COLUMNS } from '../protocol/statement-csv.js';
export { YibaoApiError, type YibaoApiErrorType } from './errors.js';
/** What the protocol helpers (decodeRedirect, generateTestCallback) throw: a spec code and a Chinese message. */
export { YibaoError } from '../protocol/errors.js';
export { createCallbackHandler, decodeRedirect, generateTestCallback, type CallbackHandler, type CallbackHandlerOptions, type CallbackResult, type DedupeStore, type SettledEvent } from './callback.js';
export { toFen, toYuan } from './money.js';
/** What toFen/toYuan throw for an amount that is not exact (more than two decimals, not a number). */
export { MoneyError } from '../spec/money.js';
export { generateTestKeys } from './test-keys.js';
export type * from '../spec/types.generated.js';
export { PortalClient, type PortalClientOptions } from './portal-client.js';
export { Bridge, type BridgeApp, type BridgeOptions } from './bridge.js';
export { runConformance, type ConformanceOptions, type ConformanceReport, type CheckResult } from './conformance.js';
export { OneCodeClient, type OneCodeClientOptions } from './onecode-client.js';
export { TerminalClient, type TerminalClientOptions } from './terminal-client.js';
export { ChannelClient, type ChannelClientOptions, type ChannelPayResult, type ChannelRefundResult, type StatementLine } from './channel-client.js';
export { demoUpload, personWithCash, type DemoLine } from './demo-data.js';
