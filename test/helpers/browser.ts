/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Browser tests drive a Chromium already on the machine through playwright-core (no browser download,
 * DESIGN.md §7): CHROME_PATH, else Debian's /usr/bin/chromium. Generic: the console's tests reuse it.
 */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p));
}

export const HAS_CHROMIUM = chromiumPath() !== undefined;
/** The one line a run without a browser prints (test/helpers/browser-setup.ts). */
export const HOW_TO_ENABLE = 'browser tests skipped: no Chromium found; install it (apt-get install -y chromium) or set CHROME_PATH';

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(HOW_TO_ENABLE);
  return chromium.launch({ executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A phone-sized page (375 CSS px wide by default), Chinese locale, touch. */
export async function phonePage(browser: Browser, width = 375, height = 812): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 2, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const page = await context.newPage();
  return { context, page };
}

/** Computed style properties of the first element matching `selector`. */
export async function styleOf(page: Page, selector: string, props: string[]): Promise<Record<string, string>> {
  return page.locator(selector).first().evaluate((el, names) => {
    const cs = getComputedStyle(el);
    return Object.fromEntries(names.map((n) => [n, cs.getPropertyValue(n)]));
  }, props);
}
