// Screen mark: how a site deploys it (the server snippet first, then the page
// snippet), and a preview on a sample page from a test key typed here. The
// preview frame only paints: this view computes its tiles and answers the
// frame's requests, so the frame's URL and document never hold the key.
import { viewerTimePayload } from '../../lib/core-ops.mjs';

const SERVER_SNIPPET = `import { createScreenmarkHandler, loadKeyFile } from './filigrane/web/screenmark/server/handler.mjs';

const tiles = createScreenmarkHandler({
  keys: await loadKeyFile('marks.key'),            // ./filigrane screen keygen marks.key
  viewerOf: (req) => sessionOf(req)?.userId ?? null, // your session, never the page
});
// node:http: if (url.pathname === '/screenmark/tile') return tiles(req, res);
// Express:   app.get('/screenmark/tile', tiles);`;

const MINUTE_MS = 60_000;

export function setupScreen(ui) {
  const { $ } = ui;
  const form = $('screen-form');
  const frame = $('screen-preview');
  const snippet = $('screen-snippet');
  let preview = null; // {key, viewer, strength} of the running preview

  $('screen-server-snippet').value = SERVER_SNIPPET;
  const src = new URL('../../screenmark/screenmark.mjs', import.meta.url).pathname;
  snippet.value = `<script type="module" src="${src}" data-tile-url="/screenmark/tile"></script>`;

  addEventListener('message', async (event) => {
    if (event.origin !== location.origin || event.source !== frame.contentWindow) return;
    const { type, id, dpr } = event.data ?? {};
    if (type !== 'filigrane-screenmark-tile-request' || !preview) return;
    const reply = (message) => event.source.postMessage({ type: 'filigrane-screenmark-tile', id, ...message }, location.origin);
    try {
      if (!(dpr >= 0.25 && dpr <= 6)) throw new Error('unsupported device-pixel ratio');
      const engine = await ui.engine;
      const now = Date.now();
      const tile = await engine.screenTile({
        key: preview.key, payload: viewerTimePayload(preview.viewer, new Date(now)), strength: preview.strength, dpr,
      });
      reply({ tile: { ...tile, maxAgeMs: MINUTE_MS - (now % MINUTE_MS) } });
    } catch (err) {
      reply({ error: String(err?.message ?? err) });
    }
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    preview = {
      key: $('screen-key').value,
      viewer: $('screen-viewer').value.trim(),
      strength: Number($('screen-strength').value || 3.5) / 255,
    };
    frame.src = new URL('../../demo/screen.html?preview', import.meta.url).href;
    frame.hidden = false;
    ui.status('The sample page below carries the mark. Take a screenshot of it and try the Decode view with the same key.');
  });
  $('screen-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(`${$('screen-server-snippet').value}\n\n${snippet.value}`);
      ui.status('Snippets copied.');
    } catch {
      snippet.select();
      ui.status('Select the snippet and copy it with your keyboard.');
    }
  });
  return {};
}
