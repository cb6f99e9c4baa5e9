// The live viewfinder (#camera) with Chromium's fake camera: face boxes
// (data-cue="face") appear over the video from a people photo, the banner
// says it in words, and the shutter leads to a redacted download in which
// the faces are covered. Camera refused, and a camera that sends no picture,
// each get a message and a way back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBrowser, repoRoot } from './support/browser.mjs';
import { writeY4m } from '../../tools/make_y4m.mjs';

const people = path.join(repoRoot, '..', 'shared', 'data', 'people');
const FAKE_CAMERA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

async function openCamera(extraArgs) {
  const b = await openBrowser({ extraArgs });
  await b.page.goto(`${b.baseUrl}#camera`);
  await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
  return b;
}

test('face boxes appear in the viewfinder and the shutter leads to a redacted download', { timeout: 300_000 }, async (t) => {
  if (!existsSync(people)) { t.skip(`${people} is absent (../shared)`); return; }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'filigrane-camera-'));
  const video = path.join(dir, 'people.y4m');
  await writeY4m(video, [{ path: path.join(people, '5.jpg'), frames: 1 }], { width: 640, height: 480, fps: 10 });
  const b = await openCamera([...FAKE_CAMERA, `--use-file-for-fake-video-capture=${video}`]);
  try {
    assert.equal(await b.page.isVisible('#view-camera'), true, '#camera opens the camera view');
    await b.page.getByRole('button', { name: 'Start the camera' }).click();
    await b.page.waitForSelector('#camera-boxes [data-cue="face"]', { timeout: 60_000 });
    assert.match(await b.page.textContent('#camera-banner'), /faces? (is|are) in view/);
    const box = await b.page.locator('#camera-boxes [data-cue="face"]').first().boundingBox();
    const frame = await b.page.locator('#camera-video').boundingBox();
    assert.ok(box.x >= frame.x - 1 && box.x + box.width <= frame.x + frame.width + 1, 'the box lies on the video');
    assert.match(await b.page.textContent('#camera-kinds'), /Not checked: Accessibility markers/);

    await b.page.getByRole('button', { name: 'Take photo' }).click();
    // Protect's editor opens with the viewfinder's face boxes proposed; the person confirms.
    await b.page.waitForSelector('#redact-editor:not([hidden])', { timeout: 120_000 });
    assert.ok(await b.page.locator('#redact-overlay .redact-box[data-kind="face"]').count() > 0, 'face boxes proposed');
    await b.page.click('#redact-confirm');
    await b.page.waitForSelector('#redact-result:not([hidden])', { timeout: 120_000 });
    assert.equal(await b.page.isVisible('#view-protect'), true);
    assert.equal(await b.page.evaluate(() => document.getElementById('camera-video').srcObject), null, 'the camera is off after the photo');
    const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#redact-download')]);
    assert.match(download.suggestedFilename(), /^photo-.*-redacted\.png$/);
    const saved = readFileSync(await download.path()).toString('base64');
    const faces = await b.page.evaluate(async (saved) => {
      const { Filigrane } = await import('/lib/filigrane.mjs');
      const engine = await Filigrane.create();
      try {
        const cues = await engine.cues(Uint8Array.from(atob(saved), (c) => c.charCodeAt(0)), { faces: true, nsfw: false, text: false, thorough: true });
        return cues.faces.length;
      } finally { engine.dispose(); }
    }, saved);
    assert.equal(faces, 0, 'no face is found in the redacted photo');
  } finally {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a refused camera gets a message and a way back', async () => {
  // Fake devices but no auto-accept: headless Chromium refuses the permission.
  const b = await openCamera(['--use-fake-device-for-media-stream', '--deny-permission-prompts']);
  try {
    await b.page.getByRole('button', { name: 'Start the camera' }).click();
    await b.page.waitForSelector('#camera-problem:not([hidden])', { timeout: 30_000 });
    assert.match(await b.page.textContent('#camera-problem-text'), /may not use the camera|No camera/);
    await b.page.getByRole('link', { name: 'Back to Inspect' }).click();
    await b.page.waitForSelector('#view-inspect:not([hidden])');
  } finally {
    await b.close();
  }
});

test('a camera that sends no picture for 5 s is said, not shown frozen', { timeout: 60_000 }, async () => {
  const b = await openBrowser();
  try {
    // A stream whose track never delivers a frame.
    await b.context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = async () => document.createElement('canvas').captureStream(0);
    });
    await b.page.goto(`${b.baseUrl}#camera`);
    await b.page.waitForSelector('body[data-engine="ready"]', { timeout: 60_000 });
    await b.page.getByRole('button', { name: 'Start the camera' }).click();
    await b.page.waitForSelector('#camera-problem:not([hidden])', { timeout: 20_000 });
    assert.match(await b.page.textContent('#camera-problem-text'), /no picture for 5 seconds/);
    assert.equal(await b.page.isVisible('#camera-retry'), true);
  } finally {
    await b.close();
  }
});
