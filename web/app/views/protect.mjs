// Protect: embed Filigrane's invisible image mark and download the result.
import { drawRgba } from './common.mjs';

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
  return { open };
}
