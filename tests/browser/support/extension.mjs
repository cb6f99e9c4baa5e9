// Browser fixture for the extension: like openBrowser() in browser.mjs (same
// Chromium flags, dead proxy, request recording and blocking), with the
// unpacked extension loaded into a persistent profile. Requests from the
// extension's service worker and offscreen document are recorded as well;
// close() fails when any request left 127.0.0.1.
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS, closer, collectConsoleErrors, guardEgress, repoRoot } from './browser.mjs';

export const EXTENSION_DIR = path.join(repoRoot, 'build', 'extension');

/**
 * @param {{root: string, extensionDir?: string, viewport?: {width: number, height: number}}} options
 *   root: folder served on 127.0.0.1 (the test pages)
 * @returns {Promise<{context, page, baseUrl, extensionId, serviceWorker, requests: string[],
 *   sources: {url: string, from: string}[], egress: string[],
 *   consoleErrors: string[], close: () => Promise<void>}>}
 */
export async function openExtensionBrowser({ root, extensionDir = EXTENSION_DIR, viewport = { width: 1280, height: 900 } }) {
  if (!existsSync(path.join(extensionDir, 'manifest.json'))) throw new Error(`${extensionDir} is not built: run "make extension"`);
  const { server, url: baseUrl } = await startServer({ root, port: 0 });
  // Chromium reports the offscreen document as a target of type "other";
  // this makes Playwright attach to it as a page, so its requests are recorded too.
  process.env.PW_CHROMIUM_ATTACH_TO_OTHER = '1';
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'filigrane-extension-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    viewport,
  });
  const sources = []; // {url, from: the document that asked, or "service worker"}
  const { requests, egress } = await guardEgress(context, (request) => {
    let from = 'service worker';
    try { from = request.frame().url(); } catch { /* service-worker requests have no frame */ }
    sources.push({ url: request.url(), from });
  });


  const serviceWorker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://'), timeout: 30_000 });
  const extensionId = new URL(serviceWorker.url()).host;
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = collectConsoleErrors(page);
  const close = closer({ context, server, userDataDir, egress });
  return { context, page, baseUrl, extensionId, serviceWorker, requests, sources, egress, consoleErrors, server, close };
}
