// Protect: embed Filigrane's invisible image mark, and redact an image with
// an editor: the automatic pass proposes boxes, the person adds, moves,
// resizes, removes or toggles them, and only the boxes on screen at confirm
// are covered.
import { acceptDrops, drawRgba } from './common.mjs';
import { kindLabel, proposedBoxes } from '../../lib/redact-boxes.mjs';

// Seconds per megapixel of a thorough pass in Chromium on 2 busy cores
// (bench/redaction.md, "Time and memory": faces + text 8.7 s at 3 MP, 25.4 s
// at 12 MP; faces take about four fifths of it), for the estimate shown
// before it starts.
const SECONDS_PER_MEGAPIXEL = { faces: 1.5, text: 0.4, nsfw: 0.05, base: 3 };
const MIN_BOX = 4;  // image px: smaller drags are clicks

export function setupProtect(ui) {
  const { $ } = ui;
  const result = $('protect-result');
  const download = $('protect-download');
  let objectUrl = null;

  async function open(file) {
    ui.clearError();
    const form = $('protect-form');
    if (!form.reportValidity()) return;
    ui.status(`Marking ${file.name || 'the image'}…`);
    try {
      const engine = await ui.engine;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const { bytes: png, psnr } = await engine.markImage(bytes, { key: $('protect-key').value, payload: $('protect-payload').value });
      drawRgba($('protect-preview'), await engine.decodeRgba(png, { maxSide: 512 }));
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = URL.createObjectURL(new Blob([png], { type: 'image/png' }));
      download.href = objectUrl;
      download.download = `${(file.name || 'image').replace(/\.[^.]*$/, '')}-marked.png`;
      $('protect-summary').textContent = `Invisible mark added (quality ${psnr.toFixed(1)} dB PSNR: no visible change).`;
      result.hidden = false;
      ui.status('Marked on this device. Download it below.');
    } catch (err) {
      result.hidden = true;
      ui.error(err);
    }
  }

  $('protect-input').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) open(file);
  });

  return { open, ...setupRedaction(ui) };
}

function plainMessage(err) {
  if (err?.userMessage) return err.userMessage;
  return `Something went wrong: ${err?.message ?? err}`;
}

function setupRedaction(ui) {
  const { $ } = ui;
  const editor = $('redact-editor');
  const stage = $('redact-stage');
  const overlay = $('redact-overlay');
  const canvas = $('redact-canvas');
  const afterCanvas = $('redact-after');
  const bar = $('redact-progress');
  const inputError = $('redact-input-error');
  const confirmError = $('redact-confirm-error');
  const link = $('redact-download');

  // The open document: its bytes, size, name and the editable boxes.
  let doc = null;
  let boxes = [];            // [{id, kind, x, y, width, height, why, source}] in image px
  let hiddenKinds = new Set();
  let history = [];          // earlier {boxes, hiddenKinds}, for undo
  let generation = 0;        // a newer file makes older results stale
  let redactUrl = null;
  const shareButton = $('redact-share');
  let sharedFile = null;
  let nextUserId = 1;

  function showError(where, err) {
    where.textContent = plainMessage(err);
    where.hidden = false;
    ui.status('That did not work.');
  }

  // Everything from the previous file goes at once: result, link, editor, errors.
  function clearStale() {
    generation++;
    inputError.hidden = true;
    confirmError.hidden = true;
    ui.clearError();
    $('redact-result').hidden = true;
    link.removeAttribute('href');
    link.download = 'redacted.png';
    shareButton.hidden = true;
    sharedFile = null;
    if (redactUrl) URL.revokeObjectURL(redactUrl);
    redactUrl = null;
    editor.hidden = true;
    overlay.replaceChildren();
    boxes = [];
    history = [];
    hiddenKinds = new Set();
    doc = null;
    setCompare(false);
    $('redact-estimate').textContent = '';
  }

  function estimateSeconds(megapixels, chosen) {
    const s = SECONDS_PER_MEGAPIXEL;
    return s.base + megapixels * ((chosen.faces ? s.faces : 0) + (chosen.pii ? s.text : 0) + (chosen.nsfw ? s.nsfw : 0));
  }

  function progressReporter(started, seconds) {
    return ({ what, loaded, total }) => {
      bar.hidden = false;
      bar.max = total || 1;
      bar.value = loaded;
      const elapsed = (performance.now() - started) / 1000;
      const stage = /^model/.test(what) ? `Downloading the ${what.replace(/^model /, '')} model (once)`
        : what === 'faces' ? 'Looking for faces' : what === 'text' ? 'Reading text' : what === 'codes' ? 'Looking for codes' : 'Working';
      ui.status(`${stage}… ${Math.round(elapsed)} s of about ${Math.ceil(seconds)} s.`);
    };
  }

  /** Runs the automatic pass on a file and opens the editor with its boxes. */
  async function redactFile(file) {
    clearStale();
    const mine = generation;
    const chosen = { faces: $('redact-faces').checked, pii: $('redact-pii').checked, nsfw: $('redact-nsfw').checked };
    ui.status(`Looking for what to cover in ${file.name || 'the image'}…`);
    try {
      const engine = await ui.engine;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const info = await engine.info(bytes);
      if (mine !== generation) return;
      const seconds = estimateSeconds(info.megapixels, chosen);
      $('redact-estimate').textContent = (chosen.faces || chosen.pii || chosen.nsfw)
        ? `A ${info.megapixels.toFixed(1)}-megapixel image: this takes about ${Math.ceil(seconds)} seconds on this device.` : '';
      let proposed = [];
      if (chosen.faces || chosen.pii || chosen.nsfw) {
        const started = performance.now();
        const found = await engine.cues(bytes, { faces: chosen.faces, nsfw: chosen.nsfw, text: chosen.pii, thorough: true,
          onProgress: progressReporter(started, seconds) });
        if (mine !== generation) return;
        if (found.unavailable?.length) throw Object.assign(new Error(found.unavailable[0].message), { userMessage: `A model could not be loaded: ${found.unavailable[0].message}.` });
        proposed = proposedBoxes(found, chosen);
      }
      await openEditor({ bytes, name: file.name || 'image', width: info.width, height: info.height }, proposed, mine);
    } catch (err) {
      if (mine === generation) showError(inputError, err);
    } finally {
      if (mine === generation) bar.hidden = true;
    }
  }

  /**
   * Opens the editor on an image with boxes found elsewhere (the camera view
   * hands over a captured frame): `input` is a File/Blob or an ImageData;
   * `cues` a cues() result or a list of {x, y, width, height, kind?} boxes.
   * Resolves once the editor shows the image.
   */
  async function openWithCues(input, cues = []) {
    clearStale();
    const mine = generation;
    try {
      const engine = await ui.engine;
      let bytes;
      let name = 'capture';
      if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
        bytes = await engine.encode({ width: input.width, height: input.height, rgba: new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength) });
      } else {
        bytes = new Uint8Array(await input.arrayBuffer());
        name = input.name || name;
      }
      const info = await engine.info(bytes);
      if (mine !== generation) return;
      const list = Array.isArray(cues) ? cues.map((b, i) => ({ id: b.id ?? `given-${i + 1}`, kind: b.kind ?? 'user', x: b.x, y: b.y,
        width: b.width, height: b.height, why: b.why ?? 'proposed by the camera', source: b.source ?? 'detected' }))
        : proposedBoxes({ ...cues, width: info.width, height: info.height });
      await openEditor({ bytes, name, width: info.width, height: info.height }, list, mine);
    } catch (err) {
      if (mine === generation) showError(inputError, err);
    }
  }

  async function openEditor(document_, proposed, mine) {
    const engine = await ui.engine;
    // The editor shows at most 1600 px on the long side; boxes stay in image px.
    const preview = await engine.decodeRgba(document_.bytes, { maxSide: 1600 });
    if (mine !== generation) return;
    doc = document_;
    boxes = proposed.map((b) => ({ ...b }));
    drawRgba(canvas, preview);
    canvas.style.aspectRatio = `${doc.width} / ${doc.height}`;
    editor.hidden = false;
    render();
    ui.status(boxes.length
      ? `Found ${boxes.length} thing${boxes.length === 1 ? '' : 's'} to cover. Check the boxes, then save.`
      : 'Nothing was found to cover. Drag on the image to add boxes, then save.');
    editor.scrollIntoView?.({ block: 'nearest' });
  }

  // --- Editing ----------------------------------------------------------

  function remember() {
    history.push({ boxes: boxes.map((b) => ({ ...b })), hiddenKinds: new Set(hiddenKinds) });
    if (history.length > 200) history.shift();
    $('redact-undo').disabled = false;
    afterStale();
  }

  function undo() {
    const last = history.pop();
    if (!last) return;
    boxes = last.boxes;
    hiddenKinds = last.hiddenKinds;
    $('redact-undo').disabled = history.length === 0;
    afterStale();
    render();
    ui.status('Undone.');
  }

  const visible = () => boxes.filter((b) => !hiddenKinds.has(b.kind));
  const pct = (v, total) => `${(100 * v) / total}%`;

  function render(focusId = null) {
    const focused = focusId ?? document.activeElement?.dataset?.boxId;
    overlay.replaceChildren(...visible().map((b) => {
      const el = document.createElement('div');
      el.className = 'redact-box';
      el.tabIndex = 0;
      el.dataset.boxId = b.id;
      el.dataset.kind = b.kind;
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', `${kindLabel(b.kind)} at ${Math.round(b.x)}, ${Math.round(b.y)}, ${Math.round(b.width)} by ${Math.round(b.height)} pixels${b.why ? ` (${b.why})` : ''}. Press Delete to remove.`);
      el.title = b.why ? `${b.why}. Click to remove.` : 'Click to remove.';
      Object.assign(el.style, { left: pct(b.x, doc.width), top: pct(b.y, doc.height), width: pct(b.width, doc.width), height: pct(b.height, doc.height) });
      const handle = document.createElement('span');
      handle.className = 'handle';
      handle.dataset.handle = 'resize';
      el.append(handle);
      return el;
    }));
    if (focused) overlay.querySelector(`[data-box-id="${CSS.escape(focused)}"]`)?.focus();
    renderKinds();
    const n = visible().length;
    $('redact-count').textContent = `${n} box${n === 1 ? '' : 'es'} will be covered.`;
  }

  function renderKinds() {
    const kinds = [...new Set(boxes.map((b) => b.kind))];
    const group = $('redact-kinds');
    group.replaceChildren(...kinds.map((kind) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !hiddenKinds.has(kind);
      box.dataset.kind = kind;
      box.addEventListener('change', () => {
        remember();
        if (box.checked) hiddenKinds.delete(kind); else hiddenKinds.add(kind);
        render();
      });
      const count = boxes.filter((b) => b.kind === kind).length;
      label.append(box, ` ${kindLabel(kind)} (${count})`);
      return label;
    }));
  }

  // Pointer position in image pixels.
  function imagePoint(event) {
    const r = canvas.getBoundingClientRect();
    const x = ((event.clientX - r.left) / r.width) * doc.width;
    const y = ((event.clientY - r.top) / r.height) * doc.height;
    return { x: Math.min(doc.width, Math.max(0, x)), y: Math.min(doc.height, Math.max(0, y)) };
  }

  function clampBox(b) {
    const width = Math.max(1, Math.min(doc.width, b.width));
    const height = Math.max(1, Math.min(doc.height, b.height));
    return { ...b, width, height, x: Math.min(doc.width - width, Math.max(0, b.x)), y: Math.min(doc.height - height, Math.max(0, b.y)) };
  }

  let drag = null;  // {mode: 'draw'|'move'|'resize', id, start, origin, moved}
  overlay.addEventListener('pointerdown', (event) => {
    if (!doc || event.button !== 0) return;
    const boxEl = event.target.closest('.redact-box');
    const start = imagePoint(event);
    if (boxEl) {
      const b = boxes.find((x) => x.id === boxEl.dataset.boxId);
      drag = { mode: event.target.dataset.handle === 'resize' ? 'resize' : 'move', id: b.id, start, origin: { ...b }, moved: false, el: boxEl };
    } else {
      drag = { mode: 'draw', start, moved: false, el: null };
    }
    overlay.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  overlay.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const p = imagePoint(event);
    const dx = p.x - drag.start.x, dy = p.y - drag.start.y;
    const threshold = (MIN_BOX * doc.width) / canvas.getBoundingClientRect().width;
    if (!drag.moved && Math.hypot(dx, dy) < Math.max(MIN_BOX, threshold)) return;
    if (!drag.moved) {
      drag.moved = true;
      remember();
      if (drag.mode === 'draw') {
        const box = { id: `user-${nextUserId++}`, kind: 'user', x: drag.start.x, y: drag.start.y, width: 1, height: 1, why: 'marked by you', source: 'user' };
        boxes.push(box);
        drag.id = box.id;
        hiddenKinds.delete('user');
      }
    }
    const i = boxes.findIndex((b) => b.id === drag.id);
    if (i < 0) return;
    if (drag.mode === 'draw') {
      boxes[i] = clampBox({ ...boxes[i], x: Math.min(p.x, drag.start.x), y: Math.min(p.y, drag.start.y), width: Math.abs(dx), height: Math.abs(dy) });
    } else if (drag.mode === 'move') {
      boxes[i] = clampBox({ ...drag.origin, x: drag.origin.x + dx, y: drag.origin.y + dy });
    } else {
      boxes[i] = clampBox({ ...drag.origin, width: Math.max(MIN_BOX, drag.origin.width + dx), height: Math.max(MIN_BOX, drag.origin.height + dy) });
    }
    render(drag.id);
  });
  const endDrag = (event) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (overlay.hasPointerCapture?.(event.pointerId)) overlay.releasePointerCapture(event.pointerId);
    if (!d.moved && d.mode !== 'draw' && event.type === 'pointerup') {
      removeBox(d.id);  // a click on a box removes it
      return;
    }
    if (d.moved) {
      const b = boxes.find((x) => x.id === d.id);
      if (b && (b.width < MIN_BOX || b.height < MIN_BOX)) boxes = boxes.filter((x) => x !== b);
      render(d.id);
      ui.status(d.mode === 'draw' ? 'Box added.' : d.mode === 'move' ? 'Box moved.' : 'Box resized.');
    }
  };
  overlay.addEventListener('pointerup', endDrag);
  overlay.addEventListener('pointercancel', endDrag);

  function removeBox(id) {
    const b = boxes.find((x) => x.id === id);
    if (!b) return;
    remember();
    boxes = boxes.filter((x) => x.id !== id);
    render();
    ui.status(`Removed a box (${kindLabel(b.kind)}). Undo brings it back.`);
  }

  overlay.addEventListener('keydown', (event) => {
    const el = event.target.closest('.redact-box');
    if (!el) return;
    const i = boxes.findIndex((b) => b.id === el.dataset.boxId);
    if (i < 0) return;
    if (event.key === 'Delete' || event.key === 'Backspace' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const next = el.nextElementSibling ?? el.previousElementSibling;
      removeBox(boxes[i].id);
      if (next) overlay.querySelector(`[data-box-id="${CSS.escape(next.dataset.boxId)}"]`)?.focus();
      return;
    }
    const dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (!dir) return;
    event.preventDefault();
    const step = Math.max(1, Math.round(doc.width / 200));
    remember();
    const b = boxes[i];
    boxes[i] = event.shiftKey
      ? clampBox({ ...b, width: Math.max(MIN_BOX, b.width + dir[0] * step), height: Math.max(MIN_BOX, b.height + dir[1] * step) })
      : clampBox({ ...b, x: b.x + dir[0] * step, y: b.y + dir[1] * step });
    render(b.id);
  });

  $('redact-undo').addEventListener('click', undo);
  editor.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'z') { event.preventDefault(); undo(); }
  });

  // --- Before / after ----------------------------------------------------

  let afterFor = null;  // the boxes the after view was made for
  function afterStale() { afterFor = null; if ($('redact-compare').getAttribute('aria-pressed') === 'true') showAfter(); }
  function setCompare(on) {
    $('redact-compare').setAttribute('aria-pressed', String(on));
    $('redact-compare').textContent = on ? 'Show the original' : 'Show the result';
    stage.classList.toggle('after', on);
    afterCanvas.hidden = !on;
    canvas.hidden = on;
  }
  async function showAfter() {
    setCompare(true);
    const key = JSON.stringify([visible(), $('redact-style').value]);
    if (afterFor === key) return;
    afterFor = key;
    try {
      const engine = await ui.engine;
      const mine = generation;
      const out = await engine.redactBoxes(doc.bytes, visible(), { style: $('redact-style').value });
      const preview = await engine.decodeRgba(out.bytes, { maxSide: 1600 });
      if (mine !== generation || afterFor !== key) return;
      drawRgba(afterCanvas, preview);
    } catch (err) {
      showError(confirmError, err);
    }
  }
  $('redact-compare').addEventListener('click', () => {
    if ($('redact-compare').getAttribute('aria-pressed') === 'true') setCompare(false); else showAfter();
  });
  $('redact-style').addEventListener('change', () => { if (doc) afterStale(); });

  // --- Confirm -----------------------------------------------------------

  async function confirm() {
    if (!doc) return;
    confirmError.hidden = true;
    const mine = generation;
    const chosen = visible().map(({ id, kind, x, y, width, height }) => ({ id, kind, x, y, width, height }));
    ui.status('Covering the boxes…');
    try {
      const engine = await ui.engine;
      const style = $('redact-style').value;
      const out = await engine.redactBoxes(doc.bytes, chosen, { style });
      if (mine !== generation) return;
      drawRgba($('redact-preview'), await engine.decodeRgba(out.bytes, { maxSide: 512 }));
      if (redactUrl) URL.revokeObjectURL(redactUrl);
      redactUrl = URL.createObjectURL(new Blob([out.bytes], { type: out.mime }));
      link.href = redactUrl;
      link.download = `${doc.name.replace(/\.[^.]*$/, '')}-redacted.png`;
      // Web Share with files where the browser has it (phones): straight to a chat or mail app.
      sharedFile = new File([out.bytes], link.download, { type: out.mime });
      shareButton.hidden = !navigator.canShare?.({ files: [sharedFile] });
      const counts = {};
      for (const b of chosen) counts[b.kind] = (counts[b.kind] ?? 0) + 1;
      const parts = Object.entries(counts).map(([kind, n]) => `${n} ${kindLabel(kind)}`);
      $('redact-summary').textContent = `Covered ${chosen.length} area${chosen.length === 1 ? '' : 's'}`
        + `${parts.length ? ` (${parts.join(', ')})` : ''}; text and drawn boxes with a solid fill`
        + `${counts.face ? `, faces with ${style === 'fill' ? 'a solid fill' : style === 'blur' ? 'a strong blur' : 'coarse pixels'}` : ''}; metadata removed.`;
      $('redact-result').hidden = false;
      ui.status('Redacted on this device. Download it below.');
    } catch (err) {
      if (mine === generation) showError(confirmError, err);
    }
  }
  $('redact-confirm').addEventListener('click', confirm);
  shareButton.addEventListener('click', () => {
    if (!sharedFile) return;
    navigator.share({ files: [sharedFile], title: sharedFile.name }).catch((err) => {
      if (err?.name !== 'AbortError') showError(confirmError, new Error(`sharing did not work (${err?.message ?? err}); use Download instead`));
    });
  });

  // --- Files in: pick, drop, paste (as Inspect) -------------------------

  $('redact-input').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) redactFile(file);
    e.target.value = '';
  });
  acceptDrops($('redact-drop'), redactFile);
  document.addEventListener('paste', (e) => {
    if ($('view-protect').hidden) return;
    const file = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file')?.getAsFile();
    if (file) redactFile(file);
  });

  return { redactFile, openWithCues };
}
