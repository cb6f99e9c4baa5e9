// The page: one engine (WebAssembly core in a worker) shared by the views,
// tab switching with one route per view (#inspect, #camera, #protect, ...),
// the status/error lines every view reports to, and the app controls
// (offline download, install, theme).
import { Filigrane, FiligraneError } from '../lib/filigrane.mjs';
import { setupInspect } from './views/inspect.mjs';
import { setupScreen } from './views/screen.mjs';
import { setupDecode } from './views/decode.mjs';
import { setupProtect } from './views/protect.mjs';
import { setupCamera } from './views/camera.mjs';
import { setupOffline, takeSharedFile } from './offline.mjs';
import { setupTheme } from './theme-toggle.mjs';

const $ = (id) => document.getElementById(id);
const statusLine = $('status');
const errorBox = $('error');

const workerUrl = new URL('../lib/worker.mjs', import.meta.url);
// ?provider=wasm|webgpu forces ONNX Runtime's execution provider (comparisons, benchmarks).
const requestedProvider = new URL(location.href).searchParams.get('provider');

const ui = {
  $,
  workerUrl,
  requestedProvider,
  engine: Filigrane.create({ workerUrl, provider: requestedProvider }),
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
  /** Switches to a view by name ("inspect", "camera", ...). */
  show(name) {
    const tab = $(`tab-${name}`);
    if (tab) selectTab(tab);
  },
};

ui.engine.then(
  async (engine) => {
    const { provider } = await engine.runtime();
    ui.provider = provider;
    document.body.dataset.provider = provider;
    ui.status(`Ready. Your images are read on this device only; models run ${provider === 'webgpu' ? 'on the GPU' : 'on the CPU'}.`);
    document.body.dataset.engine = 'ready';
  },
  (err) => ui.error(err),
);

// Tabs: arrow keys move between them, as the ARIA tabs pattern expects; the
// URL's hash names the view, so shortcuts and shared links open it.
const tabs = [...document.querySelectorAll('[role="tab"]')];
let views = null; // set up below, once selectTab exists for them to call
const viewName = (tab) => tab.id.replace(/^tab-/, '');
function selectTab(tab, { updateHash = true } = {}) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !selected;
  }
  ui.clearError();
  if (updateHash && location.hash !== `#${viewName(tab)}`) history.replaceState(null, '', `#${viewName(tab)}`);
  for (const [name, view] of Object.entries(views ?? {})) {
    if (name !== viewName(tab)) view.hidden?.();
  }
  views?.[viewName(tab)]?.shown?.();
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

views = {
  inspect: setupInspect(ui),
  camera: setupCamera(ui),
  protect: setupProtect(ui),
  screen: setupScreen(ui),
  decode: setupDecode(ui),
};
ui.views = views;

async function route() {
  const hash = location.hash.replace(/^#/, '');
  if (hash === 'protect-shared') {
    // A photo shared from another app (share_target): open it in Protect.
    selectTab($('tab-protect'));
    const file = await takeSharedFile();
    if (file) views.protect.redactFile(file);
    return;
  }
  const tab = $(`tab-${hash}`);
  if (tab) selectTab(tab, { updateHash: false });
}
window.addEventListener('hashchange', route);
route();

// Paste goes to whichever view is showing.
document.addEventListener('paste', (e) => {
  const file = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file')?.getAsFile();
  if (!file) return;
  if (!$('view-decode').hidden) views.decode.open(file);
  else if (!$('view-inspect').hidden) views.inspect.open(file);
});

// Files opened with Filigrane from the desktop (manifest file_handlers).
if ('launchQueue' in window) {
  window.launchQueue.setConsumer(async (params) => {
    const handle = params.files?.[0];
    if (!handle) return;
    selectTab($('tab-inspect'));
    views.inspect.open(await handle.getFile());
  });
}

setupTheme($('theme-toggle'));
setupOffline(ui);
