// Decode: who leaked this image? Every mark Filigrane makes (screen and
// photo) is tried with every key of a key file and any key typed here; the
// result says in words what was found, and where a screen mark was found is
// drawn as a heat map over the image. The key file is read here and never
// leaves this device.
import { acceptDrops, drawRgba, fillFacts } from './common.mjs';
import { FiligraneError } from '../../lib/errors.mjs';
import { parseKeyFile } from '../../lib/mark-keys.mjs';
import { checkLeak, formatMinuteUtc, keysToTry } from '../../lib/leak-check.mjs';

const MAX_KEY_FILE_BYTES = 64 * 1024;

// Scores (local z) mapped to a transparent-to-green ramp; below 1 shows nothing.
function drawHeatMap(canvas, map, width, height, scale) {
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let row = 0; row < map.rows; row++) {
    for (let col = 0; col < map.columns; col++) {
      const z = map.scores[row * map.columns + col];
      if (!(z > 1)) continue;
      const strength = Math.min(1, (z - 1) / 5);
      ctx.fillStyle = `rgba(0, 170, 90, ${0.15 + 0.45 * strength})`;
      ctx.fillRect(col * map.cellWidth * scale, row * map.cellHeight * scale, map.cellWidth * scale, map.cellHeight * scale);
    }
  }
}

export function setupDecode(ui) {
  const { $ } = ui;
  const result = $('decode-result');
  const mapCanvas = $('decode-map');

  async function readKeyring() {
    const file = $('decode-key-file').files?.[0];
    if (!file) return null;
    if (file.size > MAX_KEY_FILE_BYTES) throw new FiligraneError('invalid_key_file', 'it is larger than a key file can be');
    return parseKeyFile(await file.text());
  }

  let generation = 0;
  async function open(file) {
    ui.clearError();
    let keys;
    try {
      keys = await keysToTry({ keyring: await readKeyring(), plainKeys: [$('decode-key').value] });
    } catch (err) {
      ui.error(err);
      return;
    }
    if (!keys.length) {
      $('decode-key').setCustomValidity('Choose a key file or type a key.');
      $('decode-key').reportValidity();
      $('decode-key').setCustomValidity('');
      return;
    }
    ui.status(`Looking for Filigrane marks in ${file.name || 'the pasted image'}…`);
    // The previous file's result goes at once; an older check finishing late is dropped.
    const mine = ++generation;
    $('decode-verdict').textContent = 'Checking…';
    $('decode-verdict').className = 'verdict';
    $('decode-facts').replaceChildren();
    $('decode-preview').width = 0;
    mapCanvas.getContext('2d').clearRect(0, 0, mapCanvas.width, mapCanvas.height);
    try {
      const engine = await ui.engine;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const report = await checkLeak(engine, bytes, keys);
      const pixels = await engine.decodeRgba(bytes, { maxSide: 1024 });
      if (mine !== generation) return;
      drawRgba($('decode-preview'), pixels);
      const verdict = $('decode-verdict');
      verdict.textContent = report.found ? report.summary : `${report.summary}.`;
      verdict.className = report.found ? 'verdict found' : 'verdict none';
      const first = report.marks[0];
      mapCanvas.getContext('2d').clearRect(0, 0, mapCanvas.width, mapCanvas.height);
      if (first?.kind === 'screen') {
        fillFacts($('decode-facts'), [
          ['Viewer id', String(first.viewerId)],
          ['Time', formatMinuteUtc(first.time)],
          ['Mark', 'screen mark'],
          ['Key', first.keyId ?? 'typed key'],
          ['Payload', first.payload],
          ['Confidence', `${Math.round(first.confidence * 100)}%`],
          ['Scale', `${first.scale.toFixed(2)}× the original`],
        ]);
        drawHeatMap(mapCanvas, first.map, first.imageWidth, first.imageHeight, pixels.width / first.imageWidth);
      } else if (first) {
        fillFacts($('decode-facts'), [
          ['Mark', 'photo mark'],
          ['Key', first.keyId ?? 'typed key'],
          ['Payload', first.payload],
          ['Confidence', `${Math.round(first.confidence * 100)}%`],
        ]);
      } else {
        fillFacts($('decode-facts'), [
          ['Checked', 'screen marks and photo marks'],
          ['Keys tried', String(report.keysTried)],
        ]);
      }
      mapCanvas.hidden = !$('decode-heat').checked;
      result.hidden = false;
      ui.status(report.found ? 'Mark found.' : 'Done: no Filigrane mark found.');
    } catch (err) {
      if (mine !== generation) return;
      result.hidden = true;
      ui.error(err);
    }
  }

  $('decode-input').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) open(file);
  });
  $('decode-heat').addEventListener('change', (e) => { mapCanvas.hidden = !e.target.checked; });
  acceptDrops($('decode-drop'), open);
  return { open };
}
