// Embeddable screen-content watermark: the painter. A web app whose server
// mounts createScreenmarkHandler (web/screenmark/server/handler.mjs) adds
//   <script type="module" src="/screenmark/screenmark.mjs" data-tile-url="/screenmark/tile"></script>
// and this module covers the viewport with the tile the server rendered for
// the signed-in viewer and the current minute: fetched as PNG for the page's
// device-pixel ratio, repainted when the minute ends (the response's max-age)
// and when the ratio changes. The page never holds the key and cannot choose
// the viewer id. The overlay never takes clicks or text selection.
//
// startScreenmark({ tileSource }) paints tiles from any other source (the
// app's own preview computes them from a key typed into the app).
import { Canvas2DRenderer, WebGpuRenderer } from './overlay-renderers.mjs';

const RETRY_MS = 15_000;
const DPR_POLL_MS = 1000;
const MAX_TILE_SIDE = 2048;

/** Premultiplied RGBA of a PNG tile (the server sends straight alpha; exact for overlay tiles). */
async function decodeTilePng(blob) {
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const { width, height } = bitmap;
  if (width > MAX_TILE_SIDE || height > MAX_TILE_SIDE) throw new Error('the tile is larger than a screen-mark tile can be');
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const straight = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data;
  const rgba = new Uint8Array(straight.length);
  for (let i = 0; i < straight.length; i += 4) {
    const a = straight[i + 3];
    rgba[i + 3] = a;
    for (let c = 0; c < 3; c++) rgba[i + c] = Math.round((straight[i + c] * a) / 255);
  }
  return { width, height, rgba };
}

/**
 * Tiles from the site's tile endpoint: resolves to {width, height, rgba
 * (premultiplied), keyId, minute, maxAgeMs}. Sends the session cookie; the
 * request names only the device-pixel ratio.
 */
export function fetchTileSource(tileUrl) {
  return async (dpr) => {
    const url = new URL(tileUrl, document.baseURI);
    url.searchParams.set('dpr', String(Math.round(dpr * 1000) / 1000));
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) {
      const reason = (await response.text()).trim().slice(0, 200);
      throw new Error(`the screen-mark tile was refused (${response.status}${reason ? `: ${reason}` : ''})`);
    }
    const maxAge = /max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '');
    const tile = await decodeTilePng(await response.blob());
    return {
      ...tile,
      keyId: response.headers.get('x-screenmark-key-id'),
      minute: response.headers.get('x-screenmark-minute'),
      maxAgeMs: maxAge ? Number(maxAge[1]) * 1000 : 60_000,
    };
  };
}

/**
 * Starts the overlay.
 * @param {{tileUrl?: string, tileSource?: (dpr: number) => Promise<{width, height, rgba, maxAgeMs?}>,
 *          renderer?: 'auto'|'webgpu'|'canvas2d'}} options
 * @returns {Promise<{backend: string, canvas: HTMLCanvasElement, tile: () => object|null, redraw: () => void, refresh: () => Promise<void>, stop: () => void}>}
 */
export async function startScreenmark({ tileUrl, tileSource, renderer = 'auto' } = {}) {
  if (!tileSource && !tileUrl) throw new TypeError('startScreenmark needs a tileUrl (the server\'s tile endpoint) or a tileSource');
  const source = tileSource ?? fetchTileSource(tileUrl);

  const makeCanvas = () => {
    const c = document.createElement('canvas');
    c.setAttribute('aria-hidden', 'true');
    c.dataset.filigraneScreenmark = '';
    Object.assign(c.style, {
      position: 'fixed', inset: '0', width: '100%', height: '100%', pointerEvents: 'none',
      userSelect: 'none', zIndex: '2147483647', display: 'block', margin: '0', padding: '0', border: '0',
    });
    const dpr0 = window.devicePixelRatio || 1;
    c.width = Math.max(1, Math.round(innerWidth * dpr0));
    c.height = Math.max(1, Math.round(innerHeight * dpr0));
    return c;
  };

  let dpr = window.devicePixelRatio || 1;
  let tile = await source(dpr);
  let canvas = makeCanvas();
  let painter = null;
  if (renderer !== 'canvas2d') {
    painter = await WebGpuRenderer.create(canvas, { allowSoftware: renderer === 'webgpu' });
    if (painter) {
      // Check that this browser really presents WebGPU canvases before relying on it.
      painter.setTile(tile);
      if (!painter.presentsCorrectly()) {
        painter.destroy();
        painter = null;
        canvas = makeCanvas();
      }
    }
  }
  if (!painter) {
    if (renderer === 'webgpu') throw new Error('WebGPU cannot draw the overlay in this browser');
    painter = new Canvas2DRenderer(canvas);
  }
  document.documentElement.appendChild(canvas);

  let stopped = false;
  let timer = null;
  let shown = null;

  function show(next) {
    shown = next;
    painter.setTile(next);
    painter.draw();
    canvas.dataset.tileSide = String(next.width);
    if (next.minute) canvas.dataset.minute = next.minute;
    if (next.keyId) canvas.dataset.keyId = next.keyId;
  }

  // Fetches the tile for the current ratio and schedules the next one when it expires.
  async function refresh() {
    clearTimeout(timer);
    try {
      const next = tile ?? (await source(dpr));
      tile = null;
      if (stopped) return;
      show(next);
      schedule(Math.max(1000, (next.maxAgeMs ?? 60_000) + 250));
    } catch (err) {
      tile = null;
      canvas.dataset.error = String(err?.message ?? err);
      schedule(RETRY_MS);
      throw err;
    }
  }
  function schedule(ms) {
    if (!stopped) timer = setTimeout(() => refresh().catch(reportError), ms);
  }

  // Backing store in exact device pixels, so tile texels map 1:1 to screen pixels.
  // The device-pixel box is exact where the browser reports it faithfully; it
  // can be off by the whole ratio (headless Chromium with an emulated device
  // scale factor reports CSS pixels), so it is used only when it agrees with
  // CSS size x ratio to within pixel snapping.
  const devicePixels = (device, css) => (device !== undefined && Math.abs(device - css * dpr) <= 2 ? device : Math.round(css * dpr));
  const observer = new ResizeObserver((entries) => {
    const box = entries[0].devicePixelContentBoxSize?.[0];
    const css = entries[0].contentBoxSize?.[0];
    const width = devicePixels(box?.inlineSize, css ? css.inlineSize : canvas.clientWidth);
    const height = devicePixels(box?.blockSize, css ? css.blockSize : canvas.clientHeight);
    if (width > 0 && height > 0 && (canvas.width !== width || canvas.height !== height)) {
      canvas.width = width;
      canvas.height = height;
      painter.draw();
    }
  });
  observer.observe(canvas, { box: 'device-pixel-content-box' });

  let dprQuery = null;
  const onDprChange = () => {
    if ((window.devicePixelRatio || 1) === dpr) return;
    dpr = window.devicePixelRatio || 1;
    watchDpr();
    // The observer reports the new device-pixel box too, but not in every
    // browser or emulation; size the backing store here as well.
    const width = Math.round(canvas.clientWidth * dpr);
    const height = Math.round(canvas.clientHeight * dpr);
    if (width > 0 && height > 0) {
      canvas.width = width;
      canvas.height = height;
    }
    refresh().catch(reportError);
  };
  // The resolution query's change event is the signal; a resize event and a
  // slow poll catch ratio changes that do not fire it (some zoom paths, emulation).
  addEventListener('resize', onDprChange);
  const dprPoll = setInterval(onDprChange, DPR_POLL_MS);
  function watchDpr() {
    dprQuery?.removeEventListener('change', onDprChange);
    dprQuery = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    dprQuery.addEventListener('change', onDprChange, { once: true });
  }
  watchDpr();
  await refresh();

  return {
    backend: painter.constructor.backend,
    canvas,
    tile: () => (shown ? { width: shown.width, height: shown.height, keyId: shown.keyId, minute: shown.minute } : null),
    redraw: () => painter.draw(),
    refresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(dprPoll);
      removeEventListener('resize', onDprChange);
      observer.disconnect();
      dprQuery?.removeEventListener('change', onDprChange);
      painter.destroy();
      canvas.remove();
    },
  };
}

// Auto-start from the <script data-tile-url=…> that loaded this module.
const script = typeof document === 'undefined' ? null : [...document.querySelectorAll('script[type="module"][data-tile-url]')]
  .find((s) => s.src && new URL(s.src, document.baseURI).href === import.meta.url);
if (script) {
  const { tileUrl, renderer } = script.dataset;
  startScreenmark({ tileUrl, renderer: renderer ?? 'auto' }).then((controller) => {
    window.filigraneScreenmark = controller;
    document.documentElement.dataset.screenmark = controller.backend;
  }, (err) => {
    document.documentElement.dataset.screenmark = 'error';
    reportError(err);
  });
}
