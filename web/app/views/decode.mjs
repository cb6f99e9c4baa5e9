// Decode: read viewer and time from a screenshot, and show where the mark
// was found as a heat map over the image.
import { acceptDrops, drawRgba, fillFacts } from './common.mjs';

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

  async function open(file) {
    ui.clearError();
    const key = $('decode-key').value;
    if (!key) {
      $('decode-key').reportValidity();
      return;
    }
    ui.status(`Looking for the mark in ${file.name || 'the pasted image'}…`);
    try {
      const engine = await ui.engine;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const report = await engine.screenDecode(bytes, { key });
      const pixels = await engine.decodeRgba(bytes, { maxSide: 1024 });
      drawRgba($('decode-preview'), pixels);
      const verdict = $('decode-verdict');
      if (report.found) {
        verdict.textContent = `Viewer ${report.viewerId}, ${new Date(report.time).toLocaleString()}`;
        verdict.className = 'verdict found';
        fillFacts($('decode-facts'), [
          ['Viewer id', String(report.viewerId)],
          ['Time', report.time],
          ['Payload', report.payload],
          ['Confidence', `${Math.round(report.confidence * 100)}%`],
          ['Scale', `${report.scale.toFixed(2)}× the original`],
        ]);
        drawHeatMap(mapCanvas, report.map, report.imageWidth, report.imageHeight, pixels.width / report.imageWidth);
      } else {
        verdict.textContent = 'No mark for this key was found.';
        verdict.className = 'verdict none';
        fillFacts($('decode-facts'), [['Sync score', report.syncScore.toFixed(1)]]);
        mapCanvas.getContext('2d').clearRect(0, 0, mapCanvas.width, mapCanvas.height);
      }
      mapCanvas.hidden = !$('decode-heat').checked;
      result.hidden = false;
      ui.status(report.found ? 'Mark found.' : 'Done: no mark found.');
    } catch (err) {
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
