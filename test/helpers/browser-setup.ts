import { HAS_CHROMIUM, HOW_TO_ENABLE } from './browser.js';

/** vitest globalSetup: one line, once per run, when the browser tests cannot run. */
export default function setup(): void {
  if (!HAS_CHROMIUM) console.log(HOW_TO_ENABLE);
}
