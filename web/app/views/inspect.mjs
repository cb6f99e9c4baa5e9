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
    if (validation?.state === 'invalid') items.push(['badge-warn', `Content Credentials do not match this file (${validation.codes.filter((c) => c !== 'signingCredential.untrusted').join(', ') || 'invalid'})`]);
    else if (validation?.state === 'valid') items.push(['badge-info', 'Signature valid (the signer is not on a trust list Filigrane knows)']);
    else if (validation?.state === 'trusted') items.push(['badge-info', 'Signature valid and trusted']);
    else if (validation) items.push(['badge-warn', `Signature not checked: ${validation.detail ?? 'unverified'}`]);
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

function reasonItem(reason) {
  const li = document.createElement('li');
  const weight = document.createElement('span');
  weight.className = `weight ${reason.weight > 0 ? 'up' : reason.weight < 0 ? 'down' : ''}`;
  weight.textContent = reason.weight > 0 ? `+${reason.weight}` : String(reason.weight);
  weight.title = 'Weight of this reason (log-odds; positive points to AI)';
  li.append(weight, reason.detail);
  return li;
}

/** Fills the verdict card: badge in words, reasons with their weights, detector quality. */
export function renderVerdict($, v) {
  const badge = $('verdict-badge');
  badge.dataset.verdict = v.verdict;
  badge.textContent = `${VERDICT_WORDS[v.verdict] ?? v.verdict} (${Math.round(v.probability * 100)}%)`;
  const reasons = v.reasons.length ? v.reasons.map(reasonItem)
    : [Object.assign(document.createElement('li'), { textContent: 'No declared provenance, generator text or generator mark was found.' })];
  $('verdict-reasons').replaceChildren(...reasons);
  const d = v.evidence?.detector;
  $('verdict-quality').textContent = d?.quality ?? (d?.error ? `The pixel detector did not run: ${d.error.message}` : '');
}

async function showVerdict(engine, bytes) {
  const badge = document.getElementById('verdict-badge');
  const bar = document.getElementById('verdict-progress');
  const $ = (id) => document.getElementById(id);
  badge.dataset.verdict = 'pending';
  badge.textContent = 'Checking…';
  $('verdict-reasons').replaceChildren();
  $('verdict-quality').textContent = '';
  try {
    const v = await engine.aiVerdict(bytes, {
      onProgress: ({ loaded, total }) => {
        bar.hidden = false;
        bar.max = total || 1;
        bar.value = loaded;
      },
    });
    renderVerdict($, v);
  } catch (err) {
    badge.dataset.verdict = 'unknown';
    badge.textContent = `Could not decide: ${err.userMessage ?? err.message}`;
  } finally {
    bar.hidden = true;
  }
}

const CUE_COLOURS = { face: '#ffb000', pii: '#e0245e', text: '#4a90e2' };

/** Draws cue boxes (image pixels) over the preview, scaled to its size. */
function drawCueBoxes(canvas, preview, cues) {
  canvas.width = preview.width;
  canvas.height = preview.height;
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!cues) return;
  const sx = preview.width / cues.width;
  const sy = preview.height / cues.height;
  const box = ({ x, y, width, height }, colour) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.strokeRect(x * sx, y * sy, Math.max(2, width * sx), Math.max(2, height * sy));
  };
  for (const f of cues.faces) box(f.box, CUE_COLOURS.face);
  for (const t of cues.text) box(t.box, t.pii.length ? CUE_COLOURS.pii : CUE_COLOURS.text);
  for (const c of cues.codes ?? []) box(c.box, CUE_COLOURS.pii);
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
  const findings = $('findings');

  let lastBytes = null;
  let lastCues = null;

  $('cues-boxes').addEventListener('change', () => {
    drawCueBoxes($('preview-boxes'), preview, $('cues-boxes').checked ? lastCues : null);
  });

  $('cues-run').addEventListener('click', async () => {
    if (!lastBytes) return;
    const bar = $('cues-progress');
    const button = $('cues-run');
    button.disabled = true;
    ui.status('Looking for faces, nudity and personal data on this device…');
    try {
      const engine = await ui.engine;
      lastCues = await engine.cues(lastBytes, {
        onProgress: ({ loaded, total }) => { bar.hidden = false; bar.max = total || 1; bar.value = loaded; },
      });
      const { items, missing } = describeCues(lastCues, CUE_KIND_LIST);
      $('cues-list').replaceChildren(...items.map(([cls, text]) => Object.assign(document.createElement('li'), { className: cls, textContent: text })));
      $('cues-missing').textContent = missing.length ? `Not yet available: ${missing.join('; ')}.` : '';
      drawCueBoxes($('preview-boxes'), preview, $('cues-boxes').checked ? lastCues : null);
      ui.status('Sensitive-content check done on this device.');
    } catch (err) {
      ui.error(err);
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

  async function open(file) {
    ui.clearError();
    ui.status(`Reading ${file.name || 'the pasted image'}…`);
    try {
      const engine = await ui.engine;
      const bytes = new Uint8Array(await file.arrayBuffer());
      lastBytes = bytes;
      lastCues = null;
      // The previous image's verdict must never show beside this one.
      $('verdict-badge').dataset.verdict = 'pending';
      $('verdict-badge').textContent = 'Checking…';
      $('verdict-reasons').replaceChildren();
      $('cues-list').replaceChildren();
      $('cues-missing').textContent = '';
      $('inspect-mark').textContent = '';
      const info = await engine.info(bytes);
      const pixels = await engine.decodeRgba(bytes, { maxSide: 512 });
      drawRgba(preview, pixels);
      drawCueBoxes($('preview-boxes'), preview, null);
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
      const items = [];
      const [prov, sd] = await Promise.allSettled([engine.provenanceReport(bytes), engine.detectSdMark(bytes)]);
      if (prov.status === 'fulfilled') items.push(...describeProvenance(prov.value));
      if (sd.status === 'fulfilled') {
        items.push(sd.value.found
          ? ['badge-ai', `Stable Diffusion watermark found (${sd.value.kind}, ${Math.round(sd.value.bitAgreement * 100)}% of bits agree)`]
          : ['badge-none', sd.value.tooSmall ? 'Too small to carry a Stable Diffusion watermark' : 'No Stable Diffusion watermark']);
      }
      findings.replaceChildren(...items.map(([cls, text]) => {
        const li = document.createElement('li');
        li.className = cls;
        li.textContent = text;
        return li;
      }));
      result.hidden = false;
      ui.status('Decoded on this device by the WebAssembly engine.');
      await showVerdict(engine, bytes);
    } catch (err) {
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
