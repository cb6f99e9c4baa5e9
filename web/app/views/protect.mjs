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

  // Redaction: one file choice runs the cues, covers them and offers the download.
  let redactUrl = null;
  async function redactFile(file) {
    ui.clearError();
    const bar = $('redact-progress');
    const chosen = { faces: $('redact-faces').checked, pii: $('redact-pii').checked, nsfw: $('redact-nsfw').checked };
    ui.status(`Looking for what to cover in ${file.name || 'the image'}…`);
    try {
      const engine = await ui.engine;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const style = $('redact-style').value;
      const out = (chosen.faces || chosen.pii || chosen.nsfw)
        ? await engine.redactCues(bytes, { ...chosen, style, onProgress: ({ loaded, total }) => { bar.hidden = false; bar.max = total || 1; bar.value = loaded; } })
        : { ...(await engine.redact(bytes, { regions: [], style })), regions: 0 };
      drawRgba($('redact-preview'), await engine.decodeRgba(out.bytes, { maxSide: 512 }));
      if (redactUrl) URL.revokeObjectURL(redactUrl);
      redactUrl = URL.createObjectURL(new Blob([out.bytes], { type: out.mime }));
      const link = $('redact-download');
      link.href = redactUrl;
      link.download = `${(file.name || 'image').replace(/\.[^.]*$/, '')}-redacted.png`;
      const faces = out.cues?.faces?.length ?? 0;
      const pii = out.cues?.text?.filter((t) => t.pii.length).length ?? 0;
      $('redact-summary').textContent = `Covered ${out.regions} area${out.regions === 1 ? '' : 's'}`
        + ` (${faces} face${faces === 1 ? '' : 's'}, ${pii} line${pii === 1 ? '' : 's'} with personal data${out.cues?.nsfw?.verdict === 'nudity' ? ', nudity' : ''}); metadata removed.`;
      $('redact-result').hidden = false;
      ui.status('Redacted on this device. Download it below.');
    } catch (err) {
      $('redact-result').hidden = true;
      ui.error(err);
    } finally {
      bar.hidden = true;
    }
  }
  /**
   * A photo from the camera with the cues the viewfinder saw ({faces, text}
   * boxes in the photo's pixels): covers them (text always with a solid fill,
   * faces in the chosen style) and offers the download.
   */
  async function openWithCues(file, cues) {
    ui.clearError();
    ui.status('Covering what the camera saw…');
    try {
      const engine = await ui.engine;
      let bytes = new Uint8Array(await file.arrayBuffer());
      const text = cues.text.map((t) => t.box);
      const faces = cues.faces.map((f) => f.box);
      if (text.length) bytes = (await engine.redact(bytes, { regions: text, style: 'fill', format: 'png' })).bytes;
      const out = await engine.redact(bytes, { regions: faces, style: $('redact-style').value, format: 'png' });
      drawRgba($('redact-preview'), await engine.decodeRgba(out.bytes, { maxSide: 512 }));
      if (redactUrl) URL.revokeObjectURL(redactUrl);
      redactUrl = URL.createObjectURL(new Blob([out.bytes], { type: out.mime }));
      const link = $('redact-download');
      link.href = redactUrl;
      link.download = `${file.name.replace(/\.[^.]*$/, '')}-redacted.png`;
      $('redact-summary').textContent = `Covered ${faces.length + text.length} area${faces.length + text.length === 1 ? '' : 's'} the camera saw`
        + ` (${faces.length} face${faces.length === 1 ? '' : 's'}, ${text.length} line${text.length === 1 ? '' : 's'} with personal data); metadata removed.`;
      $('redact-result').hidden = false;
      ui.status('Redacted on this device. Download it below.');
    } catch (err) {
      $('redact-result').hidden = true;
      ui.error(err);
    }
  }

  $('redact-input').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) redactFile(file);
  });

  $('protect-input').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) open(file);
  });
  return { open, redactFile, openWithCues };
}
