// Screen mark end to end, deployed as a site would: the demo server
// (web/screenmark/server/demo.mjs, what `filigrane screen serve` runs) renders
// each session's tile from its key file, Chromium paints it over a real page,
// Playwright takes screenshots, and the core decodes the viewer the server
// assigned and the minute from them, from a JPEG-60 copy and from a 0.5x
// copy. The WGSL shader and the Canvas2D fallback are checked to give the
// same pixels as the core.
//
// Headless Chromium's SwiftShader WebGPU accepts draws to a canvas but does not
// present them, so "auto" falls back to Canvas2D there (the renderer checks);
// the shader's pixels are read back from an offscreen texture instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './support/browser.mjs';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { deriveMarkKeys, formatKeyFile, newKeyEntry, parseKeyFile } from '../../web/lib/mark-keys.mjs';
import { startScreenmarkDemo } from '../../web/screenmark/server/demo.mjs';

const KEY = 'browser-test-key';
let b, core, demo, screenKey;
const viewers = [];

before(async () => {
  core = await createFiligraneNode();
  const ring = parseKeyFile(formatKeyFile([newKeyEntry('k1')]));
  screenKey = (await deriveMarkKeys(ring))[0].screen;
  demo = await startScreenmarkDemo({ keys: ring, engine: core, onViewer: (v) => viewers.push(v) });
  b = await openBrowser();
});
after(async () => {
  await b.close();
  await demo.close();
});

async function openDemo(renderer) {
  await b.page.setViewportSize({ width: 1280, height: 800 });
  await b.context.clearCookies(); // a new browser session: a new viewer
  await b.page.goto(`${demo.url}?renderer=${renderer}`);
  await b.page.waitForFunction(() => document.documentElement.dataset.screenmark, null, { timeout: 30_000 });
  const backend = await b.page.evaluate(() => document.documentElement.dataset.screenmark);
  if (renderer === 'auto') assert.ok(['webgpu', 'canvas2d'].includes(backend), backend);
  else assert.equal(backend, renderer);
  // Let the compositor present the overlay frame.
  await b.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return b.page.screenshot({ type: 'png' });
}

for (const renderer of ['canvas2d', 'auto']) {
  test(`${renderer}: the server's viewer is read back from a screenshot, a JPEG-60 copy and a 0.5x copy`, async () => {
    const png = new Uint8Array(await openDemo(renderer));
    const viewer = viewers.at(-1);
    const minute = await b.page.evaluate(() => window.filigraneScreenmark.tile().minute);
    const expectViewer = (report, what) => {
      assert.equal(report.found, true, `${what}: mark not found (sync ${report.syncScore})`);
      assert.equal(report.viewerId, viewer, what);
      assert.equal(report.time, minute, what);
    };
    expectViewer(core.screenDecode(png, { key: screenKey }), 'lossless');
    const info = core.info(png);
    const jpeg = core.encode(core.decodeRgba(png), { format: 'jpeg', quality: 60 });
    expectViewer(core.screenDecode(jpeg, { key: screenKey }), 'JPEG 60');
    const half = core.resize(png, { width: Math.round(info.width / 2), height: Math.round(info.height / 2) });
    expectViewer(core.screenDecode(half, { key: screenKey }), '0.5x');
    assert.equal(core.screenDecode(png, { key: 'another key' }).found, false, 'wrong key reads nothing');
  });
}

test('without a session the page gets no tile and says so', async () => {
  const page = await b.context.newPage();
  try {
    await b.context.clearCookies();
    // Load the painter on a page the server did not hand a session to.
    await page.goto(`${demo.url}demo/screen.css`);
    const message = await page.evaluate(async () => {
      const { startScreenmark } = await import('/screenmark/screenmark.mjs');
      try {
        await startScreenmark({ tileUrl: '/screenmark/tile' });
        return 'started';
      } catch (err) {
        return err.message;
      }
    });
    assert.match(message, /refused \(401: no session/);
  } finally {
    await page.close();
  }
});

test('the WGSL shader and the Canvas2D fallback draw the overlay of the core (within 1 level)', async () => {
  await b.page.goto(`${b.baseUrl}demo/screen.html`);
  const W = 517, H = 389; // not multiples of the tile: exercises the wrap-around
  const result = await b.page.evaluate(async ({ W, H, KEY }) => {
    const { Filigrane } = await import('/lib/filigrane.mjs');
    const { WebGpuRenderer, Canvas2DRenderer } = await import('/screenmark/overlay-renderers.mjs');
    const engine = await Filigrane.create();
    const options = { key: KEY, payload: '0123456789abcdef', dpr: 1.5 };
    const tile = await engine.screenTile(options);
    const expected = await engine.screenOverlay({ ...options, width: W, height: H });
    const gpuCanvas = document.createElement('canvas');
    gpuCanvas.width = W; gpuCanvas.height = H;
    const gpu = await WebGpuRenderer.create(gpuCanvas);
    if (!gpu) return { error: 'no WebGPU adapter' };
    gpu.setTile(tile);
    const gpuPixels = await gpu.renderPixels(W, H);
    const cpuCanvas = document.createElement('canvas');
    cpuCanvas.width = W; cpuCanvas.height = H;
    const cpu = new Canvas2DRenderer(cpuCanvas);
    cpu.setTile(tile);
    cpu.draw();
    const straight = cpu.context.getImageData(0, 0, W, H).data; // Canvas2D reads back straight alpha
    let gpuVsCore = 0, canvasVsCore = 0, alphaPixels = 0;
    for (let i = 0; i < expected.rgba.length; i += 4) {
      const a = expected.rgba[i + 3];
      if (a) alphaPixels++;
      for (let c = 0; c < 4; c++) gpuVsCore = Math.max(gpuVsCore, Math.abs(gpuPixels[i + c] - expected.rgba[i + c]));
      // Premultiply the Canvas2D read-back to compare in the same space.
      for (let c = 0; c < 3; c++) canvasVsCore = Math.max(canvasVsCore, Math.abs(Math.round((straight[i + c] * straight[i + 3]) / 255) - expected.rgba[i + c]));
      canvasVsCore = Math.max(canvasVsCore, Math.abs(straight[i + 3] - a));
    }
    engine.dispose();
    return { gpuVsCore, canvasVsCore, alphaPixels, tileWidth: tile.width };
  }, { W, H, KEY });
  assert.equal(result.error, undefined);
  assert.equal(result.tileWidth, 288, 'tile side at dpr 1.5');
  assert.ok(result.alphaPixels > W * H * 0.9, 'the overlay covers the canvas');
  assert.ok(result.gpuVsCore <= 1, `WGSL differs from the core by ${result.gpuVsCore}`);
  assert.ok(result.canvasVsCore <= 1, `Canvas2D differs from the core by ${result.canvasVsCore}`);
});

test('the overlay never blocks clicks or text selection', async () => {
  await openDemo('canvas2d');
  const hit = await b.page.evaluate(() => {
    const r = document.getElementById('ack').getBoundingClientRect();
    return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.id;
  });
  assert.equal(hit, 'ack');
  await b.page.click('#ack');
  await b.page.mouse.click(10, 10); // anywhere else: nothing to intercept
  assert.equal(await b.page.textContent('#ack-count'), '1');
  await b.page.locator('#notes').selectText();
  const selected = await b.page.evaluate(() => String(getSelection()));
  assert.match(selected, /^The board meets on Thursday/);
});

test('the overlay follows viewport resizes', async () => {
  await openDemo('canvas2d');
  await b.page.setViewportSize({ width: 900, height: 600 });
  await b.page.waitForFunction(() => {
    const c = document.querySelector('canvas[data-filigrane-screenmark]');
    return c.width === 900 && c.height === 600;
  });
  const png = new Uint8Array(await b.page.screenshot({ type: 'png' }));
  assert.equal(core.screenDecode(png, { key: screenKey }).viewerId, viewers.at(-1));
});

test('the painter repaints when the minute ends and when the device-pixel ratio changes', async () => {
  // A server whose clock is 3 s before a minute's end when the page loads.
  let offset = 0;
  const clock = () => Date.now() + offset;
  const ring = parseKeyFile(formatKeyFile([newKeyEntry('k1')]));
  const key = (await deriveMarkKeys(ring))[0].screen;
  const assigned = [];
  const timed = await startScreenmarkDemo({ keys: ring, engine: core, now: clock, onViewer: (v) => assigned.push(v) });
  const page = await b.context.newPage();
  try {
    await b.context.clearCookies();
    await page.setViewportSize({ width: 1280, height: 800 });
    offset = 57_000 - (Date.now() % 60_000);
    await page.goto(`${timed.url}?renderer=canvas2d`);
    await page.waitForFunction(() => document.documentElement.dataset.screenmark === 'canvas2d', null, { timeout: 30_000 });
    const first = await page.evaluate(() => window.filigraneScreenmark.tile().minute);
    await page.waitForFunction((m) => window.filigraneScreenmark.tile().minute !== m, first, { timeout: 15_000 });
    const second = await page.evaluate(() => window.filigraneScreenmark.tile().minute);
    assert.equal(Date.parse(second) - Date.parse(first), 60_000, 'the next minute');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const shot = new Uint8Array(await page.screenshot({ type: 'png' }));
    const report = core.screenDecode(shot, { key });
    assert.equal(report.time, second, `sync ${report.syncScore}`);
    assert.equal(report.viewerId, assigned.at(-1));

    const cdp = await b.context.newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 2, mobile: false });
    await page.waitForFunction(() => document.querySelector('canvas[data-filigrane-screenmark]').dataset.tileSide === '384', null, { timeout: 15_000 });
    const canvasWidth = await page.evaluate(() => document.querySelector('canvas[data-filigrane-screenmark]').width);
    assert.equal(canvasWidth, 2560, 'the backing store follows the new ratio');
  } finally {
    await page.close();
    await timed.close();
  }
});
