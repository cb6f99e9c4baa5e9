// Filigrane's service worker.
//
// Two kinds of files:
// - the shell (pages, scripts, the core's WebAssembly, shaders): precached at
//   install into `filigrane-shell-<version>`, all or nothing (Cache.addAll);
// - the offline pack (models, ONNX Runtime, the C2PA validator): too large to
//   force on a first visit, so each file is cached on first use or all at once
//   when the person chooses "Make available offline". Pack files live in one
//   cache keyed by their sha256 (`__asset/<sha256>`), checked before they are
//   stored, so a damaged download is never kept and an unchanged model is
//   never downloaded twice across versions.
//
// Updates are atomic: a new version installs only once its shell and (when
// the person made Filigrane available offline) every pack file it needs are
// stored; until then, and if that fails (offline, storage full), the working
// version keeps serving. The new version then waits for the page to ask for
// it ("skip-waiting"), so an open page never mixes two versions.
//
// `make site` (tools/write_precache.mjs) replaces the BUILD line below with
// this build's version, shell list and pack list, so the worker knows its
// own files without the network.
const BUILD = { version: 'dev', shell: [], pack: [] }; // @build-manifest

const SHELL_CACHE = `filigrane-shell-${BUILD.version}`;
const ASSET_CACHE = 'filigrane-assets';
const META_CACHE = 'filigrane-meta';
const SHARE_CACHE = 'filigrane-share';
const scopeUrl = (path) => new URL(path, self.registration.scope).href;
const assetKey = (sha256) => scopeUrl(`__asset/${sha256}`);
const META_KEY = () => scopeUrl('__meta/offline');
const SHARE_KEY = () => scopeUrl('__share/latest');
const packByPath = new Map(BUILD.pack.map((entry) => [scopeUrl(entry.path), entry]));

/** The pack files a device needs: the ONNX Runtime build for its chosen provider, and everything else. */
function packFor(provider) {
  return BUILD.pack.filter((e) => !e.provider || e.provider === provider);
}

async function readMeta() {
  const response = await (await caches.open(META_CACHE)).match(META_KEY());
  return response ? response.json() : null;
}

async function writeMeta(meta) {
  await (await caches.open(META_CACHE)).put(META_KEY(), new Response(JSON.stringify(meta), { headers: { 'Content-Type': 'application/json' } }));
}

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Stores one pack file after its sha256 check; a mismatch is never cached.
 * The server's headers are kept: under cross-origin isolation a worker script
 * (ONNX Runtime's thread pool) needs its COEP header to start.
 */
async function storeAsset(cache, entry, bytes, serverHeaders) {
  const digest = await sha256Hex(bytes);
  if (digest !== entry.sha256) throw Object.assign(new Error(`${entry.path} failed its integrity check`), { name: 'IntegrityError' });
  const headers = new Headers(serverHeaders);
  for (const name of ['Content-Encoding', 'Transfer-Encoding']) headers.delete(name);
  headers.set('Content-Length', String(bytes.byteLength));
  if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/octet-stream');
  await cache.put(assetKey(entry.sha256), new Response(bytes, { headers }));
}

/** Which of `entries` are stored, and how many bytes are missing. */
async function packStatus(entries) {
  const cache = await caches.open(ASSET_CACHE);
  let missingBytes = 0;
  let missingFiles = 0;
  for (const entry of entries) {
    if (!(await cache.match(assetKey(entry.sha256)))) { missingBytes += entry.bytes; missingFiles += 1; }
  }
  const totalBytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  return { complete: missingFiles === 0, totalBytes, missingBytes, missingFiles, version: BUILD.version };
}

/**
 * Downloads every missing file of `entries`, reporting bytes as they arrive.
 * Files already stored are skipped, so an interrupted download resumes.
 */
async function downloadPack(entries, onProgress = () => {}) {
  const cache = await caches.open(ASSET_CACHE);
  const totalBytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  let loaded = 0;
  for (const entry of entries) {
    if (await cache.match(assetKey(entry.sha256))) { loaded += entry.bytes; onProgress(loaded, totalBytes); continue; }
    const response = await fetch(new Request(scopeUrl(entry.path), { cache: 'no-store' }));
    if (!response.ok) throw new Error(`${entry.path}: HTTP ${response.status}`);
    const bytes = new Uint8Array(entry.bytes);
    let offset = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (offset + value.length > bytes.length) throw new Error(`${entry.path} is larger than this build lists`);
      bytes.set(value, offset);
      offset += value.length;
      onProgress(loaded + offset, totalBytes);
    }
    if (offset !== bytes.length) throw new Error(`${entry.path} arrived incomplete (${offset} of ${bytes.length} bytes)`);
    await storeAsset(cache, entry, bytes, response.headers);
    loaded += entry.bytes;
  }
  onProgress(loaded, totalBytes);
}

/** Deletes pack files no entry of this build refers to (after an update). */
async function collectAssets() {
  const keep = new Set(BUILD.pack.map((e) => assetKey(e.sha256)));
  const cache = await caches.open(ASSET_CACHE);
  for (const request of await cache.keys()) if (!keep.has(request.url)) await cache.delete(request);
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    await shell.addAll(BUILD.shell.map((f) => new Request(scopeUrl(f), { cache: 'reload' })));
    // A person who made Filigrane available offline keeps it so: the new
    // version's pack is complete before it may take over, or it does not install.
    const meta = await readMeta();
    if (meta?.wanted) await downloadPack(packFor(meta.provider));
    const hasWorkingVersion = Boolean(self.registration.active);
    if (!hasWorkingVersion) await self.skipWaiting();
  })().catch(async (err) => {
    await caches.delete(SHELL_CACHE);
    throw err;
  }));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('filigrane-shell-') && name !== SHELL_CACHE) await caches.delete(name);
      if (name.startsWith('filigrane-') && /^filigrane-[0-9a-f]{16}$/.test(name)) await caches.delete(name); // before shell/pack caches
    }
    await collectAssets();
    const meta = await readMeta();
    if (meta) await writeMeta({ ...meta, version: BUILD.version });
    await self.clients.claim();
  })());
});

/** The answer for a pack file that is neither stored nor reachable. */
async function needsDownloadResponse() {
  const meta = await readMeta().catch(() => null);
  const status = await packStatus(packFor(meta?.provider ?? 'wasm'));
  return new Response(JSON.stringify({ needsDownload: true, missingBytes: status.missingBytes }), {
    status: 503,
    headers: { 'Content-Type': 'application/json', 'X-Filigrane-Missing-Bytes': String(status.missingBytes) },
  });
}

async function servePackFile(event, entry) {
  const cache = await caches.open(ASSET_CACHE);
  const stored = await cache.match(assetKey(entry.sha256));
  if (stored) return stored;
  let response;
  try {
    response = await fetch(event.request);
  } catch {
    return needsDownloadResponse();
  }
  // Cached on first use too, once its sha256 holds.
  if (response.ok) {
    const copy = response.clone();
    event.waitUntil(copy.arrayBuffer()
      .then((bytes) => storeAsset(cache, entry, new Uint8Array(bytes), copy.headers))
      .catch(() => { /* not stored: fetched again next time */ }));
  }
  return response;
}

async function probePackFile(event, entry) {
  const stored = await (await caches.open(ASSET_CACHE)).match(assetKey(entry.sha256));
  if (stored) return new Response(null, { status: 200, headers: { 'Content-Length': String(entry.bytes) } });
  try {
    return await fetch(event.request);
  } catch {
    return needsDownloadResponse();
  }
}

/** A photo shared from another app (manifest share_target) goes to Protect. */
async function receiveShare(request) {
  const form = await request.formData();
  const file = form.getAll('image').find((f) => f instanceof File && f.type.startsWith('image/'));
  if (file) {
    await (await caches.open(SHARE_CACHE)).put(SHARE_KEY(), new Response(file, {
      headers: { 'Content-Type': file.type, 'X-Filename': encodeURIComponent(file.name || 'shared-image') },
    }));
  }
  return Response.redirect(scopeUrl(file ? './#protect-shared' : './#protect'), 303);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === 'POST' && url.href === scopeUrl('share-target')) {
    event.respondWith(receiveShare(event.request));
    return;
  }
  const entry = packByPath.get(url.origin + url.pathname);
  if (entry && event.request.method === 'HEAD') {
    // "Is this pack file available?" without moving its bytes (ONNX Runtime fetches its own WebAssembly).
    event.respondWith(probePackFile(event, entry));
    return;
  }
  if (event.request.method !== 'GET') return;
  if (entry) {
    event.respondWith(servePackFile(event, entry));
    return;
  }
  event.respondWith((async () => {
    const shell = await caches.open(SHELL_CACHE);
    const cached = await shell.match(event.request, { ignoreSearch: true });
    if (cached) return cached;
    try {
      return await fetch(event.request);
    } catch (err) {
      // Offline: any page of the app opens the app.
      if (event.request.mode === 'navigate') {
        const page = await shell.match(scopeUrl('./'));
        if (page) return page;
      }
      throw err;
    }
  })());
});

// The page asks for the pack's status, starts its download, or activates a waiting update.
self.addEventListener('message', (event) => {
  const { type, provider } = event.data ?? {};
  const port = event.ports[0];
  const reply = (message) => port?.postMessage(message);
  if (type === 'pack-status') {
    event.waitUntil(packStatus(packFor(provider)).then(reply, (err) => reply({ error: { name: err.name, message: err.message } })));
  } else if (type === 'pack-download') {
    event.waitUntil((async () => {
      try {
        await writeMeta({ wanted: true, provider, version: BUILD.version });
        let last = 0;
        await downloadPack(packFor(provider), (loaded, total) => {
          const now = Date.now();
          if (now - last > 100 || loaded === total) { last = now; reply({ progress: { loaded, total } }); }
        });
        reply({ done: await packStatus(packFor(provider)) });
      } catch (err) {
        reply({ error: { name: err.name, message: err.message } });
      }
    })());
  } else if (type === 'skip-waiting') {
    event.waitUntil(self.skipWaiting());
  }
});
