export { YibaoClient, RESOURCES, type YibaoClientOptions, type CallOptions, type ResourceMethods } from './client.js';
export { YibaoApiError, type YibaoApiErrorType } from './errors.js';
export { createCallbackHandler, decodeRedirect, generateTestCallback, type CallbackHandler, type CallbackHandlerOptions, type DedupeStore, type SettledEvent } from './callback.js';
export { toFen, toYuan } from './money.js';
export type * from '../spec/mobile.js';
