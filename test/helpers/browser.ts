/**
 * Browser tests drive Debian's Chromium through playwright-core (which downloads no browser of
 * its own), headless, with a fresh profile per run. Screenshots go to test-artifacts/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LOA_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(process.cwd(), 'test-artifacts');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page PNG as test-artifacts/<suite>/<name>.png and returns its path. */
  screenshot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(suite: string, opts: { baseURL: string; timezoneId?: string; locale?: string }): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'loa-chromium-'));
  const shots = join(ARTIFACTS_DIR, suite);
  mkdirSync(shots, { recursive: true });
  // A persistent context is Playwright's way to give Chromium its own user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL: opts.baseURL,
    viewport: DESKTOP,
    acceptDownloads: true,
    timezoneId: opts.timezoneId,
    locale: opts.locale,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    screenshot: async (name, target = page) => {
      const path = join(shots, `${name}.png`);
      await target.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
