// The one fixture every browser test uses: serves build/site on 127.0.0.1,
// launches Debian's Chromium headless with a fresh profile, and records every
// request made by pages, workers and service workers. `close()` fails the
// test when any request left 127.0.0.1.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../../tools/serve.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Anything that is not loopback goes to a dead proxy, and is recorded below.
  '--proxy-server=http://127.0.0.1:9',
];

export function isLoopback(url) {
  const { protocol, hostname } = new URL(url);
  if (['data:', 'blob:', 'about:', 'chrome-extension:', 'devtools:'].includes(protocol)) return true;
  return hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * @param {{root?: string, extraArgs?: string[]}} [options]
 * @returns {Promise<{context, page, baseUrl, requests: string[], egress: string[], close: () => Promise<void>}>}
 */
export async function openBrowser({ root = path.join(repoRoot, 'build', 'site'), extraArgs = [] } = {}) {
  if (!existsSync(path.join(root, 'index.html'))) throw new Error(`${root} is not built: run "make site"`);
  const { server, url: baseUrl } = await startServer({ root, port: 0 });
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'filigrane-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 900 },
  });
  const { requests, egress } = await guardEgress(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = collectConsoleErrors(page);
  const close = closer({ context, server, userDataDir, egress });
  return { context, page, baseUrl, requests, egress, consoleErrors, close, userDataDir };
}

/** openBrowser(), then the app's page loaded with its engine ready. */
export async function openApp(options) {
  const b = await openBrowser(options);
  try {
    await b.page.goto(b.baseUrl);
    await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 30_000 });
  } catch (err) {
    await b.close().catch(() => {});
    throw err;
  }
  return b;
}

/**
 * Records every request of the context (pages, workers, service workers,
 * extension pages) and blocks, and records, anything not on loopback before it
 * reaches the network stack. `onRequest` also sees each recorded request.
 */
export async function guardEgress(context, onRequest = () => {}) {
  const requests = [];
  const egress = [];
  const record = (url) => {
    requests.push(url);
    if (!isLoopback(url)) egress.push(url);
  };
  context.on('request', (request) => {
    record(request.url());
    onRequest(request);
  });
  await context.route((url) => !isLoopback(url.href), (route) => {
    record(route.request().url());
    return route.abort('blockedbyclient');
  });
  return { requests, egress };
}

/** Console errors and uncaught page errors, collected as text. */
export function collectConsoleErrors(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** close(): shuts everything down, then fails when any request left 127.0.0.1. */
export function closer({ context, server, userDataDir, egress }) {
  return async function close() {
    await context.close();
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
    if (egress.length) throw new Error(`requests left 127.0.0.1: ${[...new Set(egress)].join(', ')}`);
  };
}
