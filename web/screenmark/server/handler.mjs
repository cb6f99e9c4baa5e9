// Server side of the screen mark: the site's own server renders each viewer's
// keyed tile, so the secret never reaches the browser and the viewer id comes
// from the site's session, not from the page.
//
//   import { createScreenmarkHandler, loadKeyFile } from 'filigrane/web/screenmark/server/handler.mjs';
//   const tiles = createScreenmarkHandler({ keys: await loadKeyFile('marks.key'), viewerOf: (req) => sessionOf(req)?.userId });
//   http.createServer((req, res) => req.url.startsWith('/screenmark/tile') ? tiles(req, res) : app(req, res));
//   // Express: app.get('/screenmark/tile', tiles)   Fastify: (request, reply) => { reply.hijack(); tiles(request.raw, reply.raw); }
//
// GET <mount>?dpr=D[&kid=ID] answers the PNG tile (one period of the overlay,
// 192 D device px square, D rounded to 1/8) for viewerOf(request) and the current minute,
// marked with the current key (or key ID while it is still in the file),
// cacheable privately until the minute ends. Bad requests get a short 4xx
// text; no response ever carries the key or material derived from it.
import { lstat, open } from 'node:fs/promises';
import { FiligraneError } from '../../lib/errors.mjs';
import { viewerTimePayload } from '../../lib/core-ops.mjs';
import { straightFromPremultiplied } from '../../lib/pixels.mjs';
import { deriveMarkKeys, parseKeyFile } from '../../lib/mark-keys.mjs';

export const TILE_CSS_PX = 192;
export const MIN_DPR = 0.25;
export const MAX_DPR = 6;
const DPR_STEPS = 8;
const MAX_URL_LENGTH = 512;
const MINUTE_MS = 60_000;
const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Reads a key file written by `filigrane screen keygen`. Refused when group or
 * others may read or write it, when it is not a regular file, or when damaged;
 * the error says which, never what the file holds.
 */
export async function loadKeyFile(file) {
  let info;
  try {
    info = await lstat(file);
  } catch (err) {
    throw new FiligraneError('unreadable', `cannot read the key file ${file} (${err.code ?? 'error'})`);
  }
  if (!info.isFile()) throw new FiligraneError('invalid_key_file', `${file} is not a regular file`);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new FiligraneError('insecure_key_file',
      `${file} can be read or changed by other users (mode ${(info.mode & 0o777).toString(8)}); run "chmod 600 ${file}"`);
  }
  if (info.size > MAX_KEY_FILE_BYTES) throw new FiligraneError('invalid_key_file', `the key file ${file} is damaged: it is larger than a key file can be`);
  const handle = await open(file, 'r');
  let text;
  try {
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  try {
    return parseKeyFile(text);
  } catch (err) {
    if (err instanceof FiligraneError) throw new FiligraneError(err.code, `${file}: ${err.message}`);
    throw err;
  }
}

/** A keyring from what a caller may pass: loadKeyFile's result or [{id, secret: Uint8Array}]. */
function keyringFrom(keys, currentKeyId) {
  const ring = Array.isArray(keys) ? { keys, current: keys[keys.length - 1]?.id } : keys;
  if (!ring?.keys?.length) throw new TypeError('createScreenmarkHandler needs at least one key');
  for (const k of ring.keys) {
    if (!(k.secret instanceof Uint8Array) || k.secret.length < 16) throw new TypeError(`key ${k.id} needs a secret of at least 16 bytes`);
  }
  const current = currentKeyId ?? ring.current;
  if (!ring.keys.some((k) => k.id === current)) throw new TypeError(`the current key id ${current} is not among the keys`);
  return { keys: ring.keys, current };
}

class BadRequest extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Device-pixel ratio from the query: a plain decimal within [MIN_DPR, MAX_DPR]. */
function parseDpr(text) {
  if (text === null) return 1;
  if (!/^\d{1,2}(\.\d{1,6})?$/.test(text)) throw new BadRequest(400, 'dpr must be a number such as 1 or 2.5');
  const dpr = Number(text);
  if (dpr < MIN_DPR || dpr > MAX_DPR) throw new BadRequest(400, `dpr must be between ${MIN_DPR} and ${MAX_DPR}`);
  return dpr;
}

function viewerIdFrom(value) {
  const n = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return null;
  return n;
}

/**
 * @param {{keys: object, viewerOf: (req) => number|string|null|Promise<number|string|null>,
 *          currentKeyId?: string, strength?: number, engine?: object, now?: () => number, cacheEntries?: number}} options
 *   keys: loadKeyFile()'s keyring or [{id, secret: Uint8Array}] (the last is current);
 *   viewerOf: the viewer id (0..4294967295) of the request's session, or null without one;
 *   strength: overlay alpha in 0..1 (0: the core's default, PSNR >= 40 dB);
 *   engine: the Node engine (createFiligraneNode()); loaded on first use when absent.
 * @returns {(req, res, next?) => Promise<void>} a node:http request handler
 */
export function createScreenmarkHandler({ keys, viewerOf, currentKeyId, strength = 0, engine, now = Date.now, cacheEntries = 4096 }) {
  if (typeof viewerOf !== 'function') throw new TypeError('createScreenmarkHandler needs viewerOf(request)');
  const ring = keyringFrom(keys, currentKeyId);
  const currentId = ring.current;
  // Derived once; the handler keeps only the screen material, not the secrets.
  const material = deriveMarkKeys(ring).then((list) => new Map(list.map((m) => [m.id, m.screen])));
  let enginePromise = engine ? Promise.resolve(engine) : null;
  const getEngine = () => (enginePromise ??= import('../../lib/node.mjs').then((m) => m.createFiligraneNode()));
  // "kid/viewer/side" -> PNG of the current minute; emptied when the minute
  // changes (an old minute's tile is never served again), bounded in entries.
  const cache = new Map();
  let cacheMinute = -1;

  function tilePng(core, kid, screenKey, viewer, minute, side) {
    if (minute !== cacheMinute) {
      cache.clear();
      cacheMinute = minute;
    }
    const cacheKey = `${kid}/${viewer}/${side}`;
    let png = cache.get(cacheKey);
    if (png) return png;
    const tile = core.screenTile({
      key: screenKey, payload: viewerTimePayload(viewer, new Date(minute * MINUTE_MS)), strength, dpr: side / TILE_CSS_PX,
    });
    png = core.encode({ width: tile.width, height: tile.height, rgba: straightFromPremultiplied(tile.rgba) });
    cache.set(cacheKey, png);
    while (cache.size > cacheEntries) cache.delete(cache.keys().next().value);
    return png;
  }

  function send(res, status, headers, body) {
    res.writeHead(status, { 'X-Content-Type-Options': 'nosniff', ...headers, 'Content-Length': body.length });
    res.end(res.req?.method === 'HEAD' ? undefined : body);
  }
  function fail(res, status, message, extra = {}) {
    send(res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra }, Buffer.from(message + '\n'));
  }

  return async function screenmarkTileHandler(req, res) {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new BadRequest(405, 'only GET and HEAD');
      if ((req.url ?? '').length > MAX_URL_LENGTH) throw new BadRequest(414, 'the request line is too long');
      const query = new URL(req.url ?? '/', 'http://tile.invalid').searchParams;
      for (const name of new Set(query.keys())) {
        if (name !== 'dpr' && name !== 'kid') throw new BadRequest(400, `unknown parameter ${name.slice(0, 32)}`);
        if (query.getAll(name).length > 1) throw new BadRequest(400, `${name} given twice`);
      }
      const dpr = parseDpr(query.get('dpr'));
      // Ratios in steps of 1/8, so one session can make at most ~47 distinct
      // tiles a minute (the decoder reads any tile size; the step is < 7%).
      const side = Math.max(8, Math.round((TILE_CSS_PX * Math.round(dpr * DPR_STEPS)) / DPR_STEPS));
      const kid = query.get('kid') ?? currentId;
      const byId = await material;
      const screenKey = byId.get(kid);
      if (!screenKey) throw new BadRequest(404, 'unknown key id');
      let viewer;
      try {
        viewer = await viewerOf(req);
      } catch {
        viewer = null;
      }
      if (viewer === null || viewer === undefined) throw new BadRequest(401, 'no session: sign in first');
      viewer = viewerIdFrom(viewer);
      if (viewer === null) {
        fail(res, 500, 'the site gave an invalid viewer id');
        return;
      }
      const at = now();
      const minute = Math.floor(at / MINUTE_MS);
      const png = tilePng(await getEngine(), kid, screenKey, viewer, minute, side);
      const endsAt = (minute + 1) * MINUTE_MS;
      send(res, 200, {
        'Content-Type': 'image/png',
        'Cache-Control': `private, max-age=${Math.max(0, Math.floor((endsAt - at) / 1000))}`,
        Expires: new Date(endsAt).toUTCString(),
        Vary: 'Cookie, Authorization',
        'X-Screenmark-Key-Id': kid,
        'X-Screenmark-Minute': new Date(minute * MINUTE_MS).toISOString(),
      }, Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    } catch (err) {
      if (err instanceof BadRequest) {
        fail(res, err.status, err.message, err.status === 405 ? { Allow: 'GET, HEAD' } : {});
      } else {
        // Never echo internals (they could name derived material); the site's log gets the class only.
        fail(res, 500, 'the tile could not be made');
      }
    }
  };
}
