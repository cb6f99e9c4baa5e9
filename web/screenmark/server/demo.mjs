// `filigrane screen serve`: a demo site on 127.0.0.1 that deploys the screen
// mark the way a real site would. Each browser session (a cookie) gets its own
// viewer id, assigned by the server and reported through `onViewer`; the page
// loads the painter, and createScreenmarkHandler renders the tiles. Only the
// files the demo needs are served, from the source tree.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScreenmarkHandler } from './handler.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const COOKIE = 'filigrane_demo_session';
const MAX_SESSIONS = 100_000;
export const FIRST_VIEWER_ID = 1001;

const FILES = {
  '/': ['site/demo/screen.html', 'text/html; charset=utf-8'],
  '/screen.css': ['site/demo/screen.css', 'text/css; charset=utf-8'],
  '/demo/demo-page.mjs': ['web/screenmark/server/demo-page.mjs', 'text/javascript; charset=utf-8'],
  '/screenmark/screenmark.mjs': ['web/screenmark/screenmark.mjs', 'text/javascript; charset=utf-8'],
  '/screenmark/overlay-renderers.mjs': ['web/screenmark/overlay-renderers.mjs', 'text/javascript; charset=utf-8'],
  '/lib/gpu.mjs': ['web/lib/gpu.mjs', 'text/javascript; charset=utf-8'],
  '/lib/pixels.mjs': ['web/lib/pixels.mjs', 'text/javascript; charset=utf-8'],
  '/shaders/screenmark_overlay.wgsl': ['shaders/screenmark_overlay.wgsl', 'text/plain; charset=utf-8'],
};

// The demo article is the static site's (site/demo/screen.html); served here,
// its in-page script gives way to the tile painter and the demo's button.
const STATIC_SCRIPT = '<script type="module" src="screen-demo.mjs"></script>';
const SERVED_SCRIPTS = '<script type="module" src="/screenmark/screenmark.mjs" data-tile-url="/screenmark/tile"></script>\n'
  + '  <script type="module" src="/demo/demo-page.mjs"></script>';
function servedPage(html) {
  if (!html.includes(STATIC_SCRIPT)) throw new Error('site/demo/screen.html no longer loads screen-demo.mjs');
  return html.replace(STATIC_SCRIPT, SERVED_SCRIPTS);
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'",
};

function sessionIdOf(req) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === COOKIE && /^[0-9a-f]{32}$/.test(value ?? '')) return value;
  }
  return null;
}

/**
 * Starts the demo server.
 * @param {{keys: object, port?: number, engine?: object, onViewer?: (viewerId: number) => void, strength?: number, now?: () => number}} options
 *   now: the server's clock (tests move it to a minute's end)
 * @returns {Promise<{server: http.Server, url: string, viewers: Map<string, number>, close: () => Promise<void>}>}
 */
export async function startScreenmarkDemo({ keys, port = 0, engine, onViewer = () => {}, strength = 0, now }) {
  const sessions = new Map(); // session id -> viewer id
  let nextViewer = FIRST_VIEWER_ID;
  const tiles = createScreenmarkHandler({
    keys, engine, strength, now,
    viewerOf: (req) => sessions.get(sessionIdOf(req)) ?? null,
  });
  const cache = new Map();
  const fileBytes = (rel) => {
    if (!cache.has(rel)) {
      const bytes = readFile(path.join(repoRoot, rel));
      cache.set(rel, rel.endsWith('screen.html') ? bytes.then((b) => Buffer.from(servedPage(b.toString('utf8')))) : bytes);
    }
    return cache.get(rel);
  };

  const server = http.createServer(async (req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://demo.invalid');
    if (pathname === '/screenmark/tile') return tiles(req, res);
    const file = FILES[pathname];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(file ? 405 : 404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(file ? 'only GET and HEAD\n' : 'not found\n');
      return;
    }
    const headers = { ...SECURITY_HEADERS, 'Content-Type': file[1], 'Cache-Control': 'no-cache' };
    if (pathname === '/' && !sessions.has(sessionIdOf(req))) {
      // A new browser session: the server, not the page, decides who it is.
      const id = randomBytes(16).toString('hex');
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
      const viewer = nextViewer++;
      sessions.set(id, viewer);
      headers['Set-Cookie'] = `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`;
      onViewer(viewer);
    }
    try {
      let body = await fileBytes(file[0]);
      // /?renderer=canvas2d|webgpu picks the painter's renderer (tests and benchmarks compare them).
      const renderer = pathname === '/' ? searchParams.get('renderer') : null;
      if (renderer === 'canvas2d' || renderer === 'webgpu') {
        body = Buffer.from(body.toString('utf8').replace('data-tile-url=', `data-renderer="${renderer}" data-tile-url=`));
      }
      res.writeHead(200, { ...headers, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(500, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('the demo files are missing\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    server, url, viewers: sessions,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
