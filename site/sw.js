// Filigrane's service worker: precaches the app (pages, scripts, the
// WebAssembly module, shaders), caches models on first use into a cache named after the build,
// deletes older caches on activate, and serves same-origin requests from the
// cache first so the app works with the network off. `make site` writes
// precache.json (the file list and the build version) next to this file.
const PRECACHE_LIST = 'precache.json';
const LAZY_PATH = /\/(models|lib\/ort|lib\/c2pa)\//;
let listPromise = null;
const precacheList = () => (listPromise ??= readPrecacheList());

async function readPrecacheList() {
  const response = await fetch(PRECACHE_LIST, { cache: 'no-store' });
  if (!response.ok) throw new Error(`cannot load ${PRECACHE_LIST}`);
  return response.json();
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const { version, files } = await readPrecacheList();
    const cache = await caches.open(`filigrane-${version}`);
    await cache.addAll(files.map((f) => new Request(f, { cache: 'no-store' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const { version } = await readPrecacheList().catch(() => ({ version: null }));
    if (version) {
      for (const name of await caches.keys()) {
        if (name.startsWith('filigrane-') && name !== `filigrane-${version}`) await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cached = await caches.match(event.request, { ignoreSearch: url.pathname.endsWith('.html') || url.pathname.endsWith('/') });
    if (cached) return cached;
    const response = await fetch(event.request);
    // Models, ONNX Runtime and the C2PA validator are cached on first use.
    if (response.ok && LAZY_PATH.test(url.pathname)) {
      const { version } = await precacheList();
      const copy = response.clone();
      event.waitUntil(caches.open(`filigrane-${version}`).then((cache) => cache.put(event.request, copy)));
    }
    return response;
  })());
});
