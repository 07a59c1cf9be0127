/**
 * A real browser for the HTML report's tests: Debian's Chromium (CHROMIUM_PATH, else /usr/bin/chromium) driven
 * by playwright-core, with a fresh profile in the caller's directory, and everything the page does on record:
 * every request, console error, page error and dialog.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** URLs the page asked for, other than its own file. */
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * Opens `file` in a fresh headless Chromium whose profile and temporary files live in a directory of their own,
 * removed on close. A short one: Chromium's singleton socket path there must stay within 107 bytes.
 */
export async function openInChromium(file: string, viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  const dir = mkdtempSync(join(tmpdir(), 'cr-'));
  const profile = join(dir, 'p');
  const temp = join(dir, 't');
  mkdirSync(temp);
  // A launch or a page that fails (or times out) must not leave Chromium running or its directory behind: the
  // caller gets no WatchedPage to close then.
  let context: BrowserContext | undefined;
  try {
    context = await launch(profile, temp, viewport);
    return await watch(context, file, dir);
  } catch (error) {
    await context?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function launch(profile: string, temp: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  // Playwright takes the profile directory as an argument and passes it as --user-data-dir itself.
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    env: { ...process.env, TMPDIR: temp },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Opens `file` in `context`, everything it does on record; closing it closes the browser and removes `dir`. */
async function watch(context: BrowserContext, file: string, dir: string): Promise<WatchedPage> {
  const url = pathToFileURL(file).href;
  const watched: WatchedPage = {
    page: context.pages()[0] ?? (await context.newPage()),
    context,
    requests: [],
    consoleErrors: [],
    pageErrors: [],
    dialogs: [],
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Every request the page makes, whatever its scheme; the page's own file is the navigation, not a request of it.
  context.on('request', (request) => {
    if (request.url() !== url) watched.requests.push(request.url());
  });
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const { page } = watched;
  page.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    watched.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready-ms]');
  return watched;
}
