// The Inspect page: takes an image by drop, paste or file picker, sends the
// bytes to the WebAssembly core in a worker, and shows what it decoded.
import { Filigrane, FiligraneError } from '../lib/filigrane.mjs';

const $ = (id) => document.getElementById(id);
const statusLine = $('status');
const errorBox = $('error');
const result = $('result');
const facts = $('facts');
const preview = $('preview');

const enginePromise = Filigrane.create({ workerUrl: new URL('../lib/worker.mjs', import.meta.url) });
enginePromise.then(
  () => { statusLine.textContent = 'Ready. Your images are read on this device only.'; document.body.dataset.engine = 'ready'; },
  (err) => showError(err),
);

function showError(err) {
  const text = err instanceof FiligraneError ? err.userMessage : `Something went wrong: ${err?.message ?? err}`;
  errorBox.textContent = text;
  errorBox.hidden = false;
  result.hidden = true;
  statusLine.textContent = 'That did not work.';
}

function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const ORIENTATIONS = ['', 'normal', 'mirrored', 'upside down', 'upside down, mirrored',
  'turned, mirrored', 'turned right', 'turned, mirrored', 'turned left'];

function showFacts(name, info) {
  const yesNo = (v) => (v ? 'yes' : 'no');
  const rows = [
    ['File', name],
    ['Format', info.format.toUpperCase()],
    ['Size', `${info.width} × ${info.height} pixels` + (info.megapixels >= 0.1 ? ` (${info.megapixels} MP)` : '')],
    ['File size', formatBytes(info.fileBytes)],
    ['Orientation', info.orientation === 1 ? 'normal' : `${ORIENTATIONS[info.orientation]} (stored ${info.storedWidth} × ${info.storedHeight}, shown upright)`],
    ['Transparency', info.transparent ? 'yes' : 'no'],
    ['EXIF metadata', yesNo(info.metadata.exif)],
    ['Colour profile', yesNo(info.metadata.iccProfile)],
    ['XMP metadata', yesNo(info.metadata.xmp)],
  ];
  facts.replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dd.dataset.field = k.toLowerCase().replace(/\s+/g, '-');
    return [dt, dd];
  }));
}

async function inspect(file) {
  errorBox.hidden = true;
  statusLine.textContent = `Reading ${file.name || 'the pasted image'}…`;
  try {
    const engine = await enginePromise;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = await engine.info(bytes);
    const { width, height, rgba } = await engine.decodeRgba(bytes, { maxSide: 512 });
    preview.width = width;
    preview.height = height;
    preview.classList.toggle('pixelated', Math.max(width, height) < 128);
    preview.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer), width, height), 0, 0);
    showFacts(file.name || 'pasted image', info);
    result.hidden = false;
    statusLine.textContent = 'Decoded on this device by the WebAssembly engine.';
  } catch (err) {
    showError(err);
  }
}

$('file-input').addEventListener('change', (e) => {
  const file = e.target.files?.[0];
  if (file) inspect(file);
});

const zone = $('drop-zone');
zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
zone.addEventListener('drop', (e) => {
  e.preventDefault();
  zone.classList.remove('dragging');
  const file = e.dataTransfer?.files?.[0];
  if (file) inspect(file);
});
document.addEventListener('paste', (e) => {
  const item = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file');
  const file = item?.getAsFile();
  if (file) inspect(file);
});
