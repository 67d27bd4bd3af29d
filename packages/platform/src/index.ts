// The platform as a library: start it in-process (tests, embedding), with its configuration types.
export { startPlatform, type Platform, type PlatformOptions } from './server/platform.js';
export type { YibaoConfig, AppConfig } from './center/config.js';
