// Offline use, installation and updates, as a person sees them.
// - "Make available offline" asks the service worker (site/sw.js) to store the
//   offline pack: the models, the ONNX Runtime build this device uses and the
//   C2PA validator. The size is said before anything downloads, progress is in
//   bytes, and "Ready offline" stays shown on later visits while the pack is
//   complete. Storage is requested as persistent where the browser allows.
// - "Install app" appears where the browser fires beforeinstallprompt; once
//   installed, the page offers the offline download.
// - A new version waits until the person chooses "Use the new version".
const SCOPE = new URL('../', import.meta.url);
const megabytes = (n) => `${Math.max(1, Math.round(n / 1e6))} MB`;

/** Sends one message to the service worker; `onUpdate` sees progress messages. */
function ask(worker, message, onUpdate = () => {}) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = ({ data }) => {
      if (data.progress) { onUpdate(data.progress); return; }
      channel.port1.close();
      if (data.error) reject(Object.assign(new Error(data.error.message), { name: data.error.name }));
      else resolve(data.done ?? data);
    };
    worker.postMessage(message, [channel.port2]);
  });
}

/** What the browser lets this site keep: {usage, quota, persisted}, each null where unknown. */
async function storageState() {
  const storage = navigator.storage;
  const estimate = await storage?.estimate?.().catch(() => null);
  const persisted = await storage?.persisted?.().catch(() => null);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: persisted ?? null };
}

function storageSentence({ usage, persisted }) {
  if (usage === null) return '';
  const kept = persisted ? 'kept until you remove it' : 'the browser may clear it when the device runs low on space';
  return ` Filigrane stores ${megabytes(usage)} on this device (${kept}).`;
}

/** The photo another app shared into Filigrane (sw.js stored it), taken once. */
export async function takeSharedFile() {
  if (!('caches' in self)) return null;
  const cache = await caches.open('filigrane-share');
  const key = new URL('__share/latest', SCOPE).href;
  const response = await cache.match(key);
  if (!response) return null;
  await cache.delete(key);
  const name = decodeURIComponent(response.headers.get('X-Filename') ?? 'shared-image');
  return new File([await response.blob()], name, { type: response.headers.get('Content-Type') ?? '' });
}

export function setupOffline(ui) {
  const { $ } = ui;
  const button = $('offline-download');
  const line = $('offline-status');
  const bar = $('offline-progress');
  const installButton = $('install-app');
  const updateButton = $('update-app');
  const say = (text) => { line.textContent = text; };

  // Install: only where the browser offers it.
  let installPrompt = null;
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installPrompt = event;
    installButton.hidden = false;
  });
  installButton.addEventListener('click', async () => {
    if (!installPrompt) return;
    installPrompt.prompt();
    await installPrompt.userChoice.catch(() => null);
    installPrompt = null;
    installButton.hidden = true;
  });

  if (!('serviceWorker' in navigator)) {
    say('This browser cannot keep Filigrane for offline use; it works while you are online.');
    return;
  }

  let provider = 'wasm';
  let worker = null;
  let status = null;

  async function refresh({ offer = '' } = {}) {
    status = await ask(worker, { type: 'pack-status', provider });
    const storage = await storageState();
    document.body.dataset.offline = status.complete ? 'ready' : 'partial';
    if (status.complete) {
      button.hidden = true;
      say(`Ready offline. Every feature works without a connection.${storageSentence(storage)}`);
      return;
    }
    button.hidden = false;
    button.disabled = false;
    const stored = status.totalBytes - status.missingBytes;
    // Short: on a phone this line sits above everything else.
    button.title = 'The models, ONNX Runtime, the C2PA validator and the code reader';
    say(`${offer}Make available offline downloads ${megabytes(status.missingBytes)} once${stored > 0 ? ` (${megabytes(stored)} already stored)` : ''}.`);
  }

  async function download() {
    button.disabled = true;
    // Persistent storage where the browser allows it: the pack is not evicted under pressure.
    await navigator.storage?.persist?.().catch(() => false);
    const { usage, quota } = await storageState();
    if (quota !== null && usage !== null && quota - usage < status.missingBytes) {
      say(`There is not enough storage for the offline files: they need ${megabytes(status.missingBytes)} and the browser allows ${megabytes(Math.max(0, quota - usage))} more. Filigrane keeps working online.`);
      button.disabled = false;
      return;
    }
    bar.hidden = false;
    bar.max = status.missingBytes || 1;
    bar.value = 0;
    say(`Downloading 0 of ${megabytes(status.totalBytes)}…`);
    try {
      await ask(worker, { type: 'pack-download', provider }, ({ loaded, total }) => {
        bar.max = total;
        bar.value = loaded;
        say(`Downloading ${(loaded / 1e6).toFixed(1)} of ${megabytes(total)}…`);
      });
      bar.hidden = true;
      await refresh();
    } catch (err) {
      bar.hidden = true;
      button.disabled = false;
      say(err.name === 'QuotaExceededError'
        ? 'The browser refused to store the offline files: its storage for this site is full or blocked. What you had keeps working; free some space and choose Make available offline again.'
        : `The download stopped (${err.message}). What arrived is kept; choose Make available offline again to continue.`);
    }
  }
  button.addEventListener('click', () => { download(); });

  window.addEventListener('appinstalled', () => {
    installButton.hidden = true;
    if (status && !status.complete) refresh({ offer: 'Installed. ' }).then(() => button.focus());
  });

  // Updates: a new version waits (complete) until the person switches to it.
  const offerUpdate = (waiting) => {
    if (!waiting || !navigator.serviceWorker.controller) return;
    updateButton.hidden = false;
    updateButton.onclick = () => waiting.postMessage({ type: 'skip-waiting' });
  };
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!updateButton.hidden && !reloading) { reloading = true; location.reload(); }
  });

  navigator.serviceWorker.register(new URL('sw.js', SCOPE), { scope: SCOPE.pathname })
    .then(async (registration) => {
      offerUpdate(registration.waiting);
      registration.addEventListener('updatefound', () => {
        const incoming = registration.installing;
        incoming?.addEventListener('statechange', () => { if (incoming.state === 'installed') offerUpdate(incoming); });
      });
      const ready = await navigator.serviceWorker.ready;
      document.body.dataset.offlineReady = 'true'; // the app shell is stored
      worker = ready.active;
      provider = (await ui.engine.then((engine) => engine.runtime()).catch(() => null))?.provider ?? 'wasm';
      const standalone = matchMedia('(display-mode: standalone)').matches;
      await refresh({ offer: standalone ? 'Installed. ' : '' });
    })
    .catch(() => say('Filigrane could not prepare offline use in this browser; it works while you are online.'));
}
