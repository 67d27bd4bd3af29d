export { YibaoClient, RESOURCES, type YibaoClientOptions, type CallOptions, type ResourceMethods } from './client.js';
export { YibaoApiError, type YibaoApiErrorType } from './errors.js';
export { createCallbackHandler, decodeRedirect, generateTestCallback, type CallbackHandler, type CallbackHandlerOptions, type DedupeStore, type SettledEvent } from './callback.js';
export { toFen, toYuan } from './money.js';
export type * from '../spec/mobile.js';
export { PortalClient, type PortalClientOptions } from './portal-client.js';
export { Bridge, type BridgeApp, type BridgeOptions } from './bridge.js';
export { runConformance, type ConformanceOptions, type ConformanceReport, type CheckResult } from './conformance.js';
