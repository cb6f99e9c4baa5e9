// Embeddable screen-content watermark. A web app adds
//   <script type="module" src="/screenmark/screenmark.mjs" data-key="…" data-viewer="42"></script>
// (or data-payload="16 hex digits" instead of data-viewer), or calls
// startScreenmark({...}). It covers the viewport with an invisible keyed
// overlay that follows resizes and device-pixel-ratio changes and never takes
// clicks or text selection. With data-viewer the payload is the viewer id and
// the current minute, re-rendered as the minute changes.
//
// Keep the key secret where you can: a page that holds the key lets a viewer
// regenerate the pattern. Serve this module from the same origin as the page
// (the engine runs in a same-origin worker).
import { Filigrane } from '../lib/filigrane.mjs';
import { Canvas2DRenderer, WebGpuRenderer } from './overlay-renderers.mjs';
import { viewerTimePayload } from '../lib/core-ops.mjs';

const MINUTE_MS = 60_000;

export { describeViewerTime, viewerTimePayload } from '../lib/core-ops.mjs';

/**
 * Starts the overlay.
 * @param {{key: string, payload?: string, viewerId?: number, strength?: number,
 *          renderer?: 'auto'|'webgpu'|'canvas2d', engine?: Filigrane}} options
 * @returns {Promise<{backend: string, canvas: HTMLCanvasElement, payload: () => string, stop: () => void}>}
 */
export async function startScreenmark({ key, payload, viewerId, strength = 0, renderer = 'auto', engine } = {}) {
  if (!key) throw new TypeError('startScreenmark needs a key');
  if (payload === undefined && viewerId === undefined) throw new TypeError('startScreenmark needs a payload or a viewerId');
  const core = engine ?? (await Filigrane.create({ workerUrl: new URL('../lib/worker.mjs', import.meta.url) }));
  const currentPayload = () => (viewerId !== undefined ? viewerTimePayload(viewerId) : payload);

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
  let canvas = makeCanvas();
  let painter = null;
  if (renderer !== 'canvas2d') {
    painter = await WebGpuRenderer.create(canvas, { allowSoftware: renderer === 'webgpu' });
    if (painter) {
      // Check that this browser really presents WebGPU canvases before relying on it.
      painter.setTile(await core.screenTile({ key, payload: currentPayload(), strength, dpr: window.devicePixelRatio || 1 }));
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

  let dpr = window.devicePixelRatio || 1;
  let shownPayload = null;
  let tileDpr = null;
  let stopped = false;

  async function refreshTile() {
    const p = currentPayload();
    if (p === shownPayload && dpr === tileDpr) return;
    const tile = await core.screenTile({ key, payload: p, strength, dpr });
    if (stopped) return;
    shownPayload = p;
    tileDpr = dpr;
    painter.setTile(tile);
    painter.draw();
    canvas.dataset.payload = p;
  }

  // Backing store in exact device pixels, so tile texels map 1:1 to screen pixels.
  const observer = new ResizeObserver((entries) => {
    const box = entries[0].devicePixelContentBoxSize?.[0];
    const width = box ? box.inlineSize : Math.round(canvas.clientWidth * dpr);
    const height = box ? box.blockSize : Math.round(canvas.clientHeight * dpr);
    if (width > 0 && height > 0 && (canvas.width !== width || canvas.height !== height)) {
      canvas.width = width;
      canvas.height = height;
      painter.draw();
    }
  });
  observer.observe(canvas, { box: 'device-pixel-content-box' });

  let dprQuery = null;
  const onDprChange = () => {
    dpr = window.devicePixelRatio || 1;
    watchDpr();
    refreshTile().catch(reportError);
  };
  function watchDpr() {
    dprQuery?.removeEventListener('change', onDprChange);
    dprQuery = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    dprQuery.addEventListener('change', onDprChange, { once: true });
  }
  watchDpr();

  const timer = viewerId !== undefined ? setInterval(() => refreshTile().catch(reportError), MINUTE_MS / 6) : null;
  await refreshTile();

  return {
    backend: painter.constructor.backend,
    canvas,
    payload: () => shownPayload,
    redraw: () => painter.draw(),
    stop() {
      stopped = true;
      clearInterval(timer);
      observer.disconnect();
      dprQuery?.removeEventListener('change', onDprChange);
      painter.destroy();
      canvas.remove();
      if (!engine) core.dispose();
    },
  };
}

// Auto-start from the <script data-key=…> that loaded this module.
const script = [...document.querySelectorAll('script[type="module"][data-key]')]
  .find((s) => s.src && new URL(s.src, document.baseURI).href === import.meta.url);
if (script) {
  const { key, payload, viewer, strength, renderer } = script.dataset;
  startScreenmark({
    key,
    payload,
    viewerId: viewer !== undefined ? Number(viewer) : undefined,
    strength: strength ? Number(strength) : 0,
    renderer: renderer ?? 'auto',
  }).then((controller) => { window.filigraneScreenmark = controller; }, reportError);
}
