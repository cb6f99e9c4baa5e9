// Inspect: decode an image in the worker, describe it, and list the marks
// and provenance found in it.
import { acceptDrops, drawRgba, fillFacts, formatBytes } from './common.mjs';
import { CUE_KINDS as CUE_KIND_LIST } from '../../lib/cue-kinds.mjs';

const ORIENTATIONS = ['', 'normal', 'mirrored', 'upside down', 'upside down, mirrored',
  'turned, mirrored', 'turned right', 'turned, mirrored', 'turned left'];

function describeProvenance(p) {
  const items = [];
  if (p.c2pa?.present) {
    const active = p.c2pa.active;
    const who = active?.claim_generator ? ` made with ${active.claim_generator}` : '';
    items.push(['badge-info', `Content Credentials (C2PA) present${who}`]);
    const types = active?.digital_source_types ?? [];
    if (types.some((t) => /trainedAlgorithmicMedia/.test(t))) items.push(['badge-ai', 'Declared as made with generative AI']);
    const validation = p.c2pa.validation;
    const words = (p.c2pa.manifests ?? []).find((m) => m.active)?.validation;
    if (words) items.push([words.result === 'valid' || words.result === 'unknown-signer' ? 'badge-info' : 'badge-warn', words.sentence]);
    else if (validation?.state === 'unverified') items.push(['badge-warn', `Signature not checked: ${validation.detail ?? 'unverified'}`]);
    if (validation?.own_check) items.push([validation.own_check.hash_matches ? 'badge-info' : 'badge-warn', validation.own_check.sentence]);
  } else {
    items.push(['badge-none', 'No Content Credentials']);
  }
  const dst = p.xmp?.digital_source_type ?? p.iptc?.digital_source_type;
  if (dst) items.push([/trainedAlgorithmicMedia/.test(dst) ? 'badge-ai' : 'badge-info', `IPTC source type: ${dst.split('/').pop()}`]);
  if (p.generator?.tool) items.push(['badge-ai', `Generator text from ${p.generator.tool}`]);
  if (p.exif?.make || p.exif?.model) items.push(['badge-info', `Camera: ${[p.exif.make, p.exif.model].filter(Boolean).join(' ')}`]);
  if (p.exif?.gps) items.push(['badge-warn', 'Contains a GPS location']);
  return items;
}

const VERDICT_WORDS = {
  ai: 'AI-generated',
  'likely-ai': 'Probably AI-generated',
  unknown: 'Cannot tell',
  'likely-real': 'Probably not AI-generated',
};

const STRENGTH_WORDS = { decisive: 'Decisive', strong: 'Strong', weak: 'Weak', none: 'None' };

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** One evidence sentence with its strength word (no numbers: those are in the details). */
function evidenceItem(reason) {
  const strength = el('span', { className: 'strength', textContent: STRENGTH_WORDS[reason.strength] ?? reason.strength });
  strength.dataset.strength = reason.strength;
  const sentence = reason.detail.charAt(0).toUpperCase() + reason.detail.slice(1);
  return el('li', {}, strength, ' ', sentence.endsWith('.') ? sentence : `${sentence}.`);
}

/** Fills the verdict card: headline in words, evidence with strength words, numbers in the details. */
export function renderVerdict($, v) {
  const headline = $('verdict-headline');
  headline.dataset.verdict = v.verdict;
  headline.textContent = v.headline ?? VERDICT_WORDS[v.verdict] ?? v.verdict;
  const badge = $('verdict-badge');
  badge.dataset.verdict = v.verdict;
  badge.textContent = VERDICT_WORDS[v.verdict] ?? v.verdict;
  const listed = v.reasons.filter((r) => r.strength !== 'none' || r.kind.startsWith('c2pa'));
  $('verdict-reasons').replaceChildren(...(listed.length ? listed.map(evidenceItem)
    : [el('li', {}, el('span', { className: 'strength', textContent: 'None' }), ' No declared provenance, generator text, generator mark or camera signature was found.')]));
  $('verdict-reasons').lastElementChild.querySelector('.strength').dataset.strength ??= 'none';
  const d = v.evidence?.detector;
  const quality = v.pixels_note ?? d?.quality ?? (d?.error ? `The pixel detector did not run: ${d.error.message}` : '');
  const detectorLine = d && Number.isFinite(d.probability) && v.pixels_note
    ? ` Its score for this image (${Math.round(d.probability * 100)}% AI-like) is shown for completeness only.` : '';
  $('verdict-quality').textContent = quality ? quality + detectorLine : '';
  $('verdict-numbers').tBodies[0].replaceChildren(...v.reasons.map((r) => el('tr', {},
    el('td', { textContent: r.detail }), el('td', { textContent: r.weight > 0 ? `+${r.weight}` : String(r.weight) }))));
  $('verdict-probability').textContent = `Sum of weights ${v.log_odds}, probability of AI ${Math.round(v.probability * 100)}%. `
    + 'Bands: AI needs at least 95% and decisive or strong evidence; likely AI from 75%; likely not AI at 25% or below.';
}

function resetVerdict($) {
  for (const id of ['verdict-headline', 'verdict-badge']) {
    $(id).dataset.verdict = 'pending';
    $(id).textContent = 'Checking…';
  }
  $('verdict-reasons').replaceChildren();
  $('verdict-quality').textContent = '';
  $('verdict-numbers').tBodies[0].replaceChildren();
  $('verdict-probability').textContent = '';
}

// ---- Content Credentials tree (like Content Credentials Verify) ----

let thumbnailUrls = [];

function thumbnailImage(thumbnail, alt) {
  if (!thumbnail?.data) return el('div', { className: 'node-thumb empty', textContent: 'No thumbnail' });
  const url = URL.createObjectURL(new Blob([thumbnail.data], { type: thumbnail.format || 'image/jpeg' }));
  thumbnailUrls.push(url);
  return el('img', { className: 'node-thumb', src: url, alt });
}

function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function validationBlock(validation) {
  const block = el('div', { className: 'node-validation' });
  block.dataset.result = validation.result;
  block.append(el('p', {}, el('strong', { textContent: validation.label }), ` — ${validation.sentence.replace(/^[^:]*:\s*/, '')}`));
  const reasons = (validation.reasons ?? []).filter((r) => !/checks out|unchanged/.test(r));
  if (reasons.length) block.append(el('ul', {}, ...reasons.map((r) => el('li', { textContent: r }))));
  if (validation.disagreement) block.append(el('p', { className: 'disagreement', textContent: validation.disagreement }));
  return block;
}

function manifestCard(m) {
  const facts = [
    ['Made with', m.claim_generator],
    ['Signed by', m.signer],
    ['Signed on', m.signed_at ? formatTime(m.signed_at) : 'no trusted time recorded'],
    ['What happened', m.actions_in_words?.length ? m.actions_in_words.join('. ') : 'no actions recorded'],
    ['AI source type', m.digital_source_type_in_words ?? 'none declared'],
    ['Camera', m.camera],
  ];
  const dl = el('dl', { className: 'node-facts' });
  for (const [k, v] of facts) if (v) dl.append(el('dt', { textContent: k }), el('dd', { textContent: v }));
  return el('div', { className: 'node-card' },
    thumbnailImage(m.thumbnail, `Thumbnail of ${m.title ?? 'this file'}`),
    el('div', { className: 'node-body' }, el('p', { className: 'node-title', textContent: m.title ?? 'Untitled' }), validationBlock(m.validation), dl));
}

const RELATIONSHIP_WORDS = { parentOf: 'edited from', componentOf: 'used as a part', inputTo: 'given as input' };

function manifestNode(m, byLabel, depth, seen) {
  const li = el('li', { className: 'manifest-node' }, manifestCard(m));
  if (!m.ingredients?.length) return li;
  const list = el('ul', { className: 'ingredients', ariaLabel: `Ingredients of ${m.title ?? 'this file'}` });
  for (const ingredient of m.ingredients) {
    const child = ingredient.manifest && byLabel.get(ingredient.manifest);
    const relation = el('p', { className: 'relation', textContent: `Ingredient (${RELATIONSHIP_WORDS[ingredient.relationship] ?? ingredient.relationship ?? 'ingredient'}): ${ingredient.title ?? 'untitled'}` });
    if (child && depth < 12 && !seen.has(child.label)) {
      const node = manifestNode(child, byLabel, depth + 1, new Set([...seen, child.label]));
      node.prepend(relation);
      list.append(node);
    } else {
      list.append(el('li', { className: 'manifest-node' }, relation, el('div', { className: 'node-card' },
        thumbnailImage(ingredient.thumbnail, `Thumbnail of ${ingredient.title ?? 'the ingredient'}`),
        el('div', { className: 'node-body' }, el('p', { className: 'node-title', textContent: ingredient.title ?? 'Untitled' }),
          validationBlock(ingredient.validation)))));
    }
  }
  li.append(list);
  return li;
}

/** The manifest history as a tree: the active manifest, its ingredients, their manifests, recursively. */
export function renderCredentials($, provenance) {
  for (const url of thumbnailUrls) URL.revokeObjectURL(url);
  thumbnailUrls = [];
  const manifests = provenance?.c2pa?.manifests ?? [];
  $('credentials').hidden = manifests.length === 0;
  if (!manifests.length) {
    $('manifest-tree').replaceChildren();
    return;
  }
  const byLabel = new Map(manifests.map((m) => [m.label, m]));
  const active = manifests.find((m) => m.active) ?? manifests[0];
  $('manifest-tree').replaceChildren(manifestNode(active, byLabel, 0, new Set([active.label])));
}

/** The metadata-only verdict: headline, evidence and the Content Credentials tree, before any full decode. */
async function showQuickVerdict(engine, bytes, isCurrent) {
  const $ = (id) => document.getElementById(id);
  const quick = await engine.aiVerdict(bytes, { pixels: false, provenance: true, thumbnails: true });
  if (!isCurrent()) return null;
  renderVerdict($, quick);
  renderCredentials($, quick.provenance);
  return quick;
}

/** Then the pixels (generator mark, detector): the verdict is redrawn with them. */
async function showVerdict(engine, bytes, isCurrent, onFull) {
  const bar = document.getElementById('verdict-progress');
  const $ = (id) => document.getElementById(id);
  try {
    const full = await engine.aiVerdict(bytes, {
      onProgress: ({ loaded, total }) => {
        if (!isCurrent()) return;
        bar.hidden = false;
        bar.max = total || 1;
        bar.value = loaded;
      },
    });
    if (isCurrent()) {
      renderVerdict($, full);
      onFull(full);
    }
  } catch (err) {
    if (!isCurrent()) return;
    $('verdict-headline').dataset.verdict = 'unknown';
    $('verdict-headline').textContent = `Could not decide: ${err.userMessage ?? err.message}`;
    $('verdict-badge').dataset.verdict = 'unknown';
    $('verdict-badge').textContent = 'Cannot tell';
  } finally {
    if (isCurrent()) bar.hidden = true;
  }
}

const CUE_COLOURS = { face: '#ffb000', pii: '#e0245e', text: '#4a90e2' };

/**
 * Draws cue boxes (image pixels) over the preview in its displayed
 * coordinates: the overlay covers exactly the preview's content box (inside
 * its border) and has one canvas pixel per device pixel, so boxes sit on the
 * faces at every displayed size and device-pixel ratio. Redrawn on resize.
 * The drawn rectangles (CSS px, relative to the overlay) are kept in
 * `canvas.dataset.drawn` for tests.
 */
function drawCueBoxes(canvas, preview, cues) {
  const cssWidth = preview.clientWidth;
  const cssHeight = preview.clientHeight;
  const dpr = window.devicePixelRatio || 1;
  canvas.style.left = `${preview.offsetLeft + preview.clientLeft}px`;
  canvas.style.top = `${preview.offsetTop + preview.clientTop}px`;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  canvas.width = Math.max(1, Math.round(cssWidth * dpr));
  canvas.height = Math.max(1, Math.round(cssHeight * dpr));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const drawn = [];
  if (cues && cssWidth > 0 && cssHeight > 0) {
    const sx = cssWidth / cues.width;
    const sy = cssHeight / cues.height;
    ctx.scale(dpr, dpr);
    const box = ({ x, y, width, height }, colour, kind) => {
      const r = { x: x * sx, y: y * sy, width: Math.max(2, width * sx), height: Math.max(2, height * sy), kind };
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.strokeRect(r.x, r.y, r.width, r.height);
      drawn.push(r);
    };
    for (const f of cues.faces) box(f.box, CUE_COLOURS.face, 'face');
    for (const t of cues.text) box(t.box, t.pii.length ? CUE_COLOURS.pii : CUE_COLOURS.text, 'text');
    for (const c of cues.codes ?? []) box(c.box, CUE_COLOURS.pii, 'code');
  }
  canvas.dataset.drawn = JSON.stringify(drawn);
  canvas.dataset.source = cues ? JSON.stringify({ width: cues.width, height: cues.height, faces: cues.faces.map((f) => ({ box: f.box })) }) : '';
}

/** The cue list in words: what was found, and which cues cannot be checked yet. */
function describeCues(cues, kinds) {
  const items = [];
  items.push(cues.faces.length ? ['badge-warn', `${cues.faces.length} face${cues.faces.length > 1 ? 's' : ''} (yellow boxes)`] : ['badge-none', 'No faces']);
  const scan = cues.face_scan;
  if (scan?.mode === 'quick' && scan.min_face > 24) {
    items.push(['badge-info', `Quick face check: faces smaller than ${scan.min_face} pixels were not looked for. Redacting faces in Protect checks them all.`]);
  }
  const pii = cues.text.flatMap((t) => t.pii.map((p) => p.kind));
  if (pii.length) {
    const counts = {};
    for (const k of pii) counts[k] = (counts[k] ?? 0) + 1;
    items.push(['badge-warn', `Personal data in text: ${Object.entries(counts).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ')} (red boxes)`]);
  } else {
    items.push(['badge-none', cues.text.length ? `Text found (${cues.text.length} lines), no personal data` : 'No text']);
  }
  for (const c of cues.codes ?? []) {
    items.push(['badge-warn', `${c.kind === 'qr' ? 'QR code' : 'Barcode'} (${c.format}) carrying "${c.text.length > 60 ? `${c.text.slice(0, 57)}…` : c.text}" (red box)`]);
  }
  if (cues.nsfw) {
    const words = { nudity: ['badge-ai', 'Nudity likely'], suggestive: ['badge-warn', 'Possibly suggestive'], none: ['badge-none', 'No nudity'] };
    items.push(words[cues.nsfw.verdict] ?? ['badge-info', cues.nsfw.verdict]);
  }
  for (const m of cues.metadata) items.push(['badge-warn', `Metadata: ${m.detail}`]);
  for (const u of cues.unavailable) items.push(['badge-info', `Not checked (${u.cue}): ${u.message}`]);
  const missing = kinds.filter((k) => !k.available).map((k) => `${k.label}: ${k.why}`);
  return { items, missing };
}

export function setupInspect(ui) {
  const { $ } = ui;
  const result = $('result');
  const preview = $('preview');
  const overlay = $('preview-boxes');
  const findings = $('findings');

  let lastBytes = null;
  let lastCues = null;
  let generation = 0;  // a result from an older file never lands beside a newer one

  const redrawBoxes = () => drawCueBoxes(overlay, preview, $('cues-boxes').checked ? lastCues : null);
  $('cues-boxes').addEventListener('change', redrawBoxes);
  // Displayed size and device-pixel ratio change with the window and zoom.
  // device-pixel-content-box also reports a change of device-pixel ratio at the same CSS size.
  const resizes = new ResizeObserver(redrawBoxes);
  try {
    resizes.observe(preview, { box: 'device-pixel-content-box' });
  } catch {
    resizes.observe(preview);
  }
  window.addEventListener('resize', redrawBoxes);
  const watchDpr = () => {
    matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener('change', () => { redrawBoxes(); watchDpr(); }, { once: true });
  };
  watchDpr();

  $('cues-run').addEventListener('click', async () => {
    if (!lastBytes) return;
    const mine = generation;
    const bar = $('cues-progress');
    const button = $('cues-run');
    button.disabled = true;
    ui.status('Looking for faces, nudity and personal data on this device…');
    try {
      const engine = await ui.engine;
      const cues = await engine.cues(lastBytes, {
        onProgress: ({ loaded, total }) => { bar.hidden = false; bar.max = total || 1; bar.value = loaded; },
      });
      if (mine !== generation) return;
      lastCues = cues;
      const { items, missing } = describeCues(lastCues, CUE_KIND_LIST);
      $('cues-list').replaceChildren(...items.map(([cls, text]) => Object.assign(document.createElement('li'), { className: cls, textContent: text })));
      $('cues-missing').textContent = missing.length ? `Not yet available: ${missing.join('; ')}.` : '';
      redrawBoxes();
      ui.status('Sensitive-content check done on this device.');
    } catch (err) {
      if (mine === generation) ui.error(err);
    } finally {
      bar.hidden = true;
      button.disabled = false;
    }
  });

  // Filigrane's own mark needs the owner's key: checked on request.
  $('inspect-key-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = $('inspect-key').value;
    const line = $('inspect-mark');
    if (!lastBytes || !key) return;
    try {
      const report = await (await ui.engine).detectImageMark(lastBytes, { key });
      line.textContent = report.found
        ? `Filigrane mark found: payload ${report.payload} (chance of a false match below ${report.falsePositiveBound.toExponential(0)}).`
        : 'No Filigrane mark for this key.';
    } catch (err) {
      ui.error(err);
    }
  });

  /** Everything shown about the previous file goes the moment a new one arrives. */
  function clearResult() {
    lastBytes = null;
    lastCues = null;
    resetVerdict($);
    renderCredentials($, null);
    findings.replaceChildren();
    $('facts').replaceChildren();
    $('cues-list').replaceChildren();
    $('cues-missing').textContent = '';
    $('inspect-mark').textContent = '';
    preview.width = 0;
    preview.height = 0;
    drawCueBoxes(overlay, preview, null);
  }

  function showFindings(provenance, sdmark) {
    const items = provenance ? describeProvenance(provenance) : [];
    if (sdmark) {
      items.push(sdmark.found
        ? ['badge-ai', `Stable Diffusion watermark found (${sdmark.kind}${sdmark.bitAgreement ? `, ${Math.round(sdmark.bitAgreement * 100)}% of bits agree` : ''})`]
        : ['badge-none', sdmark.tooSmall ? 'Too small to carry a Stable Diffusion watermark' : 'No Stable Diffusion watermark']);
    }
    findings.replaceChildren(...items.map(([cls, text]) => el('li', { className: cls, textContent: text })));
  }

  async function open(file) {
    const mine = ++generation;
    const isCurrent = () => mine === generation;
    ui.clearError();
    clearResult();
    ui.status(`Reading ${file.name || 'the pasted image'}…`);
    try {
      const engine = await ui.engine;
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (!isCurrent()) return;
      lastBytes = bytes;
      // Verdict in words first: metadata only, no full decode (the worker runs calls in order).
      result.hidden = false;
      $('drop-zone').classList.add('compact');  // the headline fits above the fold
      const quick = await showQuickVerdict(engine, bytes, isCurrent);
      if (!quick) return;
      showFindings(quick.provenance, null);
      const info = await engine.info(bytes);
      const pixels = await engine.decodeRgba(bytes, { maxSide: 512 });
      if (!isCurrent()) return;
      drawRgba(preview, pixels);
      preview.classList.toggle('pixelated', Math.max(pixels.width, pixels.height) < 128);
      fillFacts($('facts'), [
        ['File', file.name || 'pasted image'],
        ['Format', info.format.toUpperCase()],
        ['Size', `${info.width} × ${info.height} pixels` + (info.megapixels >= 0.1 ? ` (${info.megapixels} MP)` : '')],
        ['File size', formatBytes(info.fileBytes)],
        ['Orientation', info.orientation === 1 ? 'normal'
          : `${ORIENTATIONS[info.orientation]} (stored ${info.storedWidth} × ${info.storedHeight}, shown upright)`],
        ['Transparency', info.transparent ? 'yes' : 'no'],
        ['EXIF metadata', info.metadata.exif ? 'yes' : 'no'],
        ['Colour profile', info.metadata.iccProfile ? 'yes' : 'no'],
        ['XMP metadata', info.metadata.xmp ? 'yes' : 'no'],
      ]);
      result.hidden = false;
      redrawBoxes();
      ui.status('Decoded on this device by the WebAssembly engine.');
      await showVerdict(engine, bytes, isCurrent, (verdict) => showFindings(quick.provenance, verdict.evidence?.sd_watermark));
    } catch (err) {
      if (!isCurrent()) return;
      result.hidden = true;
      ui.error(err);
    }
  }

  $('file-input').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) open(file);
  });
  acceptDrops($('drop-zone'), open);
  return { open };
}
