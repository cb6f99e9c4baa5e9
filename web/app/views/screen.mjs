// Screen mark: choose key, viewer and strength, preview the overlay over a
// sample page, and copy the snippet a web app embeds.
export function setupScreen(ui) {
  const { $ } = ui;
  const form = $('screen-form');
  const frame = $('screen-preview');
  const snippet = $('screen-snippet');

  function values() {
    return { key: $('screen-key').value, viewer: $('screen-viewer').value.trim(), strength: $('screen-strength').value };
  }

  function updateSnippet() {
    const { key, viewer, strength } = values();
    const src = new URL('../../screenmark/screenmark.mjs', import.meta.url).pathname;
    const escape = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    snippet.value = `<script type="module" src="${src}" data-key="${escape(key)}" data-viewer="${escape(viewer)}"`
      + (strength && strength !== '3.5' ? ` data-strength="${escape(strength)}"` : '') + '></script>';
  }

  form.addEventListener('input', updateSnippet);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const { key, viewer, strength } = values();
    const params = new URLSearchParams({ key, viewer, strength });
    frame.src = new URL(`../../demo/screen.html?${params}`, import.meta.url).href;
    frame.hidden = false;
    ui.status('The sample page below carries the mark. Take a screenshot of it and try the Decode view.');
  });
  $('screen-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(snippet.value);
      ui.status('Snippet copied.');
    } catch {
      snippet.select();
      ui.status('Select the snippet and copy it with your keyboard.');
    }
  });
  updateSnippet();
  return {};
}
