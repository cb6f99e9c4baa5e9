// The page: one engine (WebAssembly core in a worker) shared by the views,
// tab switching, and the status/error lines every view reports to.
import { Filigrane, FiligraneError } from '../lib/filigrane.mjs';
import { setupInspect } from './views/inspect.mjs';
import { setupScreen } from './views/screen.mjs';
import { setupDecode } from './views/decode.mjs';
import { setupProtect } from './views/protect.mjs';

const $ = (id) => document.getElementById(id);
const statusLine = $('status');
const errorBox = $('error');

const ui = {
  $,
  engine: Filigrane.create({ workerUrl: new URL('../lib/worker.mjs', import.meta.url) }),
  status(text) {
    statusLine.textContent = text;
  },
  clearError() {
    errorBox.hidden = true;
  },
  /** Shows an error in words a person understands. */
  error(err) {
    errorBox.textContent = err instanceof FiligraneError ? err.userMessage : `Something went wrong: ${err?.message ?? err}`;
    errorBox.hidden = false;
    statusLine.textContent = 'That did not work.';
  },
};

ui.engine.then(
  () => { ui.status('Ready. Your images are read on this device only.'); document.body.dataset.engine = 'ready'; },
  (err) => ui.error(err),
);

// Tabs: arrow keys move between them, as the ARIA tabs pattern expects.
const tabs = [...document.querySelectorAll('[role="tab"]')];
function selectTab(tab) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !selected;
  }
  ui.clearError();
}
tabs.forEach((tab, i) => {
  tab.addEventListener('click', () => selectTab(tab));
  tab.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    selectTab(next);
    next.focus();
  });
});

const views = { inspect: setupInspect(ui), protect: setupProtect(ui), screen: setupScreen(ui), decode: setupDecode(ui) };

// Paste goes to whichever view is showing.
document.addEventListener('paste', (e) => {
  const file = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file')?.getAsFile();
  if (!file) return;
  if (!$('view-decode').hidden) views.decode.open(file);
  else if (!$('view-inspect').hidden) views.inspect.open(file);
});

// Offline use: the service worker precaches the app and the engine.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(new URL('../sw.js', import.meta.url), { scope: new URL('../', import.meta.url).pathname })
    .then(() => navigator.serviceWorker.ready)
    .then(() => { document.body.dataset.offlineReady = 'true'; })
    .catch(() => { /* the app still works online */ });
}
