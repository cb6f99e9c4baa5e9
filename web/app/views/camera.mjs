// Camera: a live viewfinder that warns before a photo is taken (PrivPAS's
// "privacy-conscious cues in the viewfinder").
// - Faces on every processed frame, from a reduced frame (one BlazeFace tile
//   over the whole picture), in the page's engine.
// - Nudity a few times a second (whole frame) in the same engine, between
//   face frames.
// - Personal text about once a second, from a still at a larger size, in a
//   second engine (its own worker), so a slow OCR never stalls the face boxes.
// Frames are read from the <video> into a canvas and handed to the worker;
// none is kept, and nothing of the stream leaves the device. The shutter
// takes a full-resolution photo (ImageCapture where available) and opens
// Protect with the cues found so far preselected.
import { Filigrane } from '../../lib/filigrane.mjs';
import { CUE_KINDS } from '../../lib/cue-kinds.mjs';

const FACE_FRAME_SIDE = 320;   // long side of the frame the face detector sees
const TEXT_FRAME_SIDE = 960;   // long side of the still OCR reads
const TEXT_INTERVAL_MS = 1000;
const NUDITY_INTERVAL_MS = 300;
const STALL_MS = 5000;         // no new camera frame for this long: say so

/** A frame of `video` scaled so its long side is at most `side`: {width, height, rgba}. */
function grabFrame(video, canvas, side) {
  const scale = Math.min(1, side / Math.max(video.videoWidth, video.videoHeight));
  const width = Math.max(1, Math.round(video.videoWidth * scale));
  const height = Math.max(1, Math.round(video.videoHeight * scale));
  if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(video, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  return { width, height, rgba: new Uint8Array(data.buffer) };
}

/** What the camera problem means for a person, from a getUserMedia error. */
function cameraProblem(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Filigrane may not use the camera. Allow the camera for this site in the browser\'s settings (often the camera icon in the address bar), then try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found on this device.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not start: another app may be using it.';
    default:
      return `The camera could not start (${err?.message ?? err}).`;
  }
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

export function setupCamera(ui) {
  const { $ } = ui;
  const video = $('camera-video');
  const stage = $('camera-stage');
  const boxes = $('camera-boxes');
  const banner = $('camera-banner');
  const speed = $('camera-speed');
  const problemBox = $('camera-problem');
  const startButton = $('camera-start');
  const faceCanvas = document.createElement('canvas');
  const textCanvas = document.createElement('canvas');

  // The cue kinds the viewfinder shows, and those no model exists for yet: one list.
  $('camera-kinds').replaceChildren(...CUE_KINDS.filter((k) => k.id !== 'metadata').map((kind) => {
    const li = document.createElement('li');
    li.textContent = kind.available ? `Checks: ${kind.label}` : `Not checked: ${kind.label} — ${kind.why}`;
    return li;
  }));

  let session = null; // one camera run: its stream and latest cues
  // OCR's own engine (a second worker), kept across camera runs so its models load once.
  let textEngine = null;

  function problem(text) {
    stop();
    $('camera-problem-text').textContent = text;
    problemBox.hidden = false;
    startButton.hidden = true;
  }

  function render() {
    const { latest } = session;
    const frame = latest.faces;
    const items = [];
    const place = (cue, box, width, height, label) => {
      const el = document.createElement('div');
      el.dataset.cue = cue;
      el.title = label;
      Object.assign(el.style, {
        left: `${(100 * box.x) / width}%`, top: `${(100 * box.y) / height}%`,
        width: `${(100 * box.width) / width}%`, height: `${(100 * box.height) / height}%`,
      });
      items.push(el);
    };
    for (const face of frame?.faces ?? []) place('face', face.box, frame.width, frame.height, 'face');
    const textFrame = latest.text;
    const personal = (textFrame?.text ?? []).filter((t) => t.pii.length > 0);
    for (const line of personal) place('text', line.box, textFrame.width, textFrame.height, line.pii.map((p) => p.kind).join(', '));
    const nude = latest.nsfw?.nsfw?.verdict === 'nudity';
    if (nude) {
      const el = document.createElement('div');
      el.dataset.cue = 'nudity';
      el.title = 'nudity';
      items.push(el);
    }
    boxes.replaceChildren(...items);

    const faces = frame?.faces?.length ?? 0;
    const warnings = [];
    if (faces) warnings.push(faces === 1 ? '1 person\'s face is in view' : `${faces} people's faces are in view`);
    if (personal.length) {
      const kinds = [...new Set(personal.flatMap((t) => t.pii.map((p) => p.kind)))].join(', ');
      warnings.push(`A screen or paper with personal data is in view (${kinds})`);
    }
    if (nude) warnings.push('Nudity is in view');
    banner.textContent = warnings.length ? `${warnings.join('. ')}.` : 'Nothing sensitive in view.';
    banner.dataset.level = warnings.length ? 'warn' : 'clear';
  }

  function reportSpeed() {
    const { stats } = session;
    const recent = stats.faceMs.slice(-30);
    const mean = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
    const seconds = (performance.now() - stats.startedAt) / 1000;
    const fps = stats.faceFrames / Math.max(seconds, 1e-3);
    speed.textContent = `${fps.toFixed(1)} frames a second checked for faces (${mean.toFixed(0)} ms each), `
      + `text every ${(stats.textMs.at(-1) ?? TEXT_INTERVAL_MS) > TEXT_INTERVAL_MS ? ((stats.textMs.at(-1)) / 1000).toFixed(1) : '1'} s; models run ${ui.provider === 'webgpu' ? 'on the GPU' : 'on the CPU'}.`;
    speed.dataset.stats = JSON.stringify({
      fps, faceMsMean: mean, faceMs: stats.faceMs.slice(-200), textMs: stats.textMs.slice(-50), nudityMs: stats.nudityMs.slice(-50),
      firstFaceMs: stats.firstFaceMs, firstTextPiiMs: stats.firstTextPiiMs, faceFrames: stats.faceFrames, framesWithFaces: stats.framesWithFaces,
    });
  }

  async function faceLoop(run) {
    const engine = await ui.engine;
    let lastNudity = 0;
    while (session === run) {
      if (video.readyState < 2) { await new Promise((r) => setTimeout(r, 30)); continue; }
      const t0 = performance.now();
      const wantNudity = t0 - lastNudity >= NUDITY_INTERVAL_MS;
      const found = await engine.frameCues(grabFrame(video, faceCanvas, FACE_FRAME_SIDE), { faces: true });
      if (session !== run) return;
      run.stats.faceMs.push(performance.now() - t0);
      run.stats.faceFrames += 1;
      if (found.faces.length) {
        run.stats.framesWithFaces += 1;
        if (run.stats.firstFaceMs === null) run.stats.firstFaceMs = performance.now() - run.stats.startedAt;
      }
      run.latest.faces = found;
      if (wantNudity) {
        lastNudity = performance.now();
        const n0 = performance.now();
        run.latest.nsfw = await engine.frameCues(grabFrame(video, faceCanvas, FACE_FRAME_SIDE), { faces: false, nsfw: true });
        run.stats.nudityMs.push(performance.now() - n0);
      }
      if (session !== run) return;
      render();
      reportSpeed();
      // Let the page paint between frames.
      await new Promise((r) => requestAnimationFrame(() => r()));
    }
  }

  async function textLoop(run) {
    textEngine ??= Filigrane.create({ workerUrl: ui.workerUrl, provider: ui.requestedProvider });
    const engine = await textEngine;
    while (session === run) {
      const t0 = performance.now();
      if (video.readyState >= 2) {
        const found = await engine.frameCues(grabFrame(video, textCanvas, TEXT_FRAME_SIDE), { faces: false, text: true });
        if (session !== run) return;
        run.stats.textMs.push(performance.now() - t0);
        run.latest.text = found;
        if (found.text.some((t) => t.pii.length) && run.stats.firstTextPiiMs === null) run.stats.firstTextPiiMs = performance.now() - run.stats.startedAt;
        render();
      }
      // About once a second, and idle at least as long as the last read took:
      // on two cores a back-to-back OCR would slow every face frame.
      const took = performance.now() - t0;
      await new Promise((r) => setTimeout(r, Math.max(TEXT_INTERVAL_MS - took, took)));
    }
  }

  /** A camera that stops sending pictures is said, not shown frozen. */
  function watchFrames(run) {
    let lastTime = -1;
    let lastChange = performance.now();
    run.watchdog = setInterval(() => {
      const frames = video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
      const now = performance.now();
      const marker = `${video.currentTime}:${frames}`;
      if (marker !== lastTime) { lastTime = marker; lastChange = now; return; }
      if (now - lastChange > STALL_MS) problem('The camera has sent no picture for 5 seconds. Check that it is connected and not used by another app, then try again.');
    }, 500);
  }

  async function start() {
    if (session) return;
    problemBox.hidden = true;
    if (!navigator.mediaDevices?.getUserMedia) {
      problem('This browser cannot use a camera on this page (it needs a secure connection, https or this device itself).');
      return;
    }
    startButton.disabled = true;
    banner.textContent = 'Starting the camera…';
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (err) {
      startButton.disabled = false;
      problem(cameraProblem(err));
      return;
    }
    const run = {
      stream,
      track: stream.getVideoTracks()[0],
      latest: { faces: null, text: null, nsfw: null },
      stats: { startedAt: performance.now(), faceMs: [], textMs: [], nudityMs: [], faceFrames: 0, framesWithFaces: 0, firstFaceMs: null, firstTextPiiMs: null },
    };
    session = run;
    run.track.addEventListener('ended', () => { if (session === run) problem('The camera stopped: it was disconnected or another app took it. Connect it and try again.'); });
    video.srcObject = stream;
    stage.hidden = false;
    startButton.hidden = true;
    startButton.disabled = false;
    banner.textContent = 'Looking…';
    // play() waits for a first frame, which a stalled camera never sends: the watchdog starts first.
    watchFrames(run);
    video.play().catch((err) => { if (session === run) problem(cameraProblem(err)); });
    faceLoop(run).catch((err) => { if (session === run) { stop(); ui.error(err); } });
    textLoop(run).catch((err) => { if (session === run) { stop(); ui.error(err); } });
  }

  function stop() {
    const run = session;
    session = null;
    if (!run) return;
    clearInterval(run.watchdog);
    for (const track of run.stream.getTracks()) track.stop();
    video.srcObject = null;
    boxes.replaceChildren();
    stage.hidden = true;
    startButton.hidden = false;
  }

  /** A full-resolution photo: ImageCapture where the browser has it, else the video frame. */
  async function capture(run) {
    if ('ImageCapture' in window) {
      try {
        const blob = await new window.ImageCapture(run.track).takePhoto();
        const bitmap = await createImageBitmap(blob);
        const size = { width: bitmap.width, height: bitmap.height };
        bitmap.close();
        return { blob, ...size };
      } catch { /* fall back to the video frame */ }
    }
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.95));
    return { blob, width: canvas.width, height: canvas.height };
  }

  /** The cues seen last, in the photo's pixels, shaped as a cues() result for Protect's editor. */
  function cuesForPhoto(latest, width, height) {
    const scaled = (box, frame) => ({
      x: Math.round((box.x * width) / frame.width), y: Math.round((box.y * height) / frame.height),
      width: Math.round((box.width * width) / frame.width), height: Math.round((box.height * height) / frame.height),
    });
    const faces = (latest.faces?.faces ?? []).map((f) => ({ box: scaled(f.box, latest.faces), score: f.score }));
    const text = (latest.text?.text ?? []).filter((t) => t.pii.length).map((t) => ({ ...t, box: scaled(t.box, latest.text) }));
    return { width, height, faces, text, codes: [], nsfw: latest.nsfw?.nsfw ?? null };
  }

  $('camera-shutter').addEventListener('click', async () => {
    const run = session;
    if (!run) return;
    const shot = await capture(run);
    const cues = cuesForPhoto(run.latest, shot.width, shot.height);
    stop();
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const file = new File([shot.blob], `photo-${stamp}.${shot.blob.type === 'image/png' ? 'png' : 'jpg'}`, { type: shot.blob.type || 'image/jpeg' });
    // Protect opens its editor with these boxes proposed: the person covers them, checks, then saves or shares.
    ui.show('protect');
    await ui.views.protect.openWithCues(file, cues);
  });
  startButton.addEventListener('click', start);
  $('camera-retry').addEventListener('click', () => { problemBox.hidden = true; start(); });
  $('camera-stop').addEventListener('click', stop);

  return {
    shown() { problemBox.hidden = true; },
    hidden() { stop(); },
    start,
    stop,
  };
}
