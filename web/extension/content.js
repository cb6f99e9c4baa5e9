// Filigrane content script: finds the images of the page (including ones
// loaded later or lazily), asks the extension to scan those near the
// viewport, and puts a small badge over each one. It does no image work
// itself: the bytes are fetched and read in the extension's offscreen
// document, so scrolling never waits on a scan.
(() => {
  if (globalThis.filigraneContentLoaded) return;
  globalThis.filigraneContentLoaded = true;

  const MIN_SIDE = 24;            // CSS px: icons and tracking pixels are skipped
  const MAX_IN_FLIGHT = 6;
  const MAX_BLOB_BYTES = 16 * 1024 * 1024;

  const tracked = new WeakSet();
  const nearViewport = new Set();
  const everNear = new WeakSet();    // lazy images load once near: scan them even if scrolled past
  const scannedUrl = new WeakMap();  // img -> the URL last sent for it
  const badges = new Map();          // img -> {host, result, revealed}
  const queue = [];       // quick stage: provenance, shown first
  const deepQueue = [];   // full stage: AI verdict and nudity, when the engine has them
  let inFlight = 0;
  let deepInFlight = 0;
  let blurNudity = true;

  chrome.storage.local.get({ blurNudity: true }).then((s) => { blurNudity = s.blurNudity; applyBlurAll(); }, () => {});
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes.blurNudity) { blurNudity = changes.blurNudity.newValue !== false; applyBlurAll(); }
  });

  const intersection = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        nearViewport.add(entry.target);
        everNear.add(entry.target);
        consider(entry.target);
      } else {
        nearViewport.delete(entry.target);
      }
    }
  }, { rootMargin: '400px 0px' });

  function track(img) {
    if (tracked.has(img)) return;
    tracked.add(img);
    intersection.observe(img);
  }

  function trackWithin(node) {
    if (node instanceof HTMLImageElement) track(node);
    else if (node.querySelectorAll) for (const img of node.querySelectorAll('img')) track(img);
  }

  /** Queues an image near the viewport once it has loaded a source not scanned yet. */
  function consider(img) {
    if (!img.isConnected || !img.complete || img.naturalWidth === 0) return; // its load event comes back here
    const url = img.currentSrc || img.src;
    if (!/^(https?|data|blob):/.test(url) || scannedUrl.get(img) === url) return;
    const { width, height } = img.getBoundingClientRect();
    if (width < MIN_SIDE || height < MIN_SIDE) return;
    scannedUrl.set(img, url);
    queue.push({ img, url });
    pump();
  }

  async function readableUrl(url) {
    if (!url.startsWith('blob:')) return url;
    // The extension cannot open the page's blob: URLs; pass the bytes as a data: URL.
    const blob = await (await fetch(url)).blob();
    if (blob.size > MAX_BLOB_BYTES) throw new Error('too large');
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  function request(url, stage) {
    return readableUrl(url)
      .then((readable) => chrome.runtime.sendMessage({ type: 'filigrane-scan', url: readable, stage }))
      .catch((err) => ({ ok: false, error: String(err?.message ?? err) }))
      .then((result) => result ?? { ok: false, error: 'no answer' });
  }

  function pump() {
    while (inFlight < MAX_IN_FLIGHT && queue.length) {
      const { img, url } = queue.shift();
      if (scannedUrl.get(img) !== url) continue; // its source changed while it waited
      inFlight++;
      request(url, 'quick').then((result) => {
        if (scannedUrl.get(img) !== url) return;
        showBadge(img, result);
        if (result.ok && result.more) { deepQueue.push({ img, url }); pumpDeep(); }
      }).finally(() => { inFlight--; pump(); });
    }
  }

  // The deep stage (models) is CPU-heavy: it waits while the page scrolls, and
  // the engine runs it one image at a time (two requests keep it busy).
  let lastScroll = 0;
  let deepTimer = 0;
  addEventListener('scroll', () => { lastScroll = performance.now(); }, { passive: true, capture: true });

  function pumpDeep() {
    const sinceScroll = performance.now() - lastScroll;
    if (sinceScroll < 500) {
      clearTimeout(deepTimer);
      deepTimer = setTimeout(pumpDeep, 500 - sinceScroll);
      return;
    }
    while (deepInFlight < 2 && deepQueue.length) {
      const { img, url } = deepQueue.shift();
      if (scannedUrl.get(img) !== url || !img.isConnected) continue;
      deepInFlight++;
      request(url, 'full').then((result) => {
        if (scannedUrl.get(img) === url && result.ok) showBadge(img, result);
      }).finally(() => { deepInFlight--; pumpDeep(); });
    }
  }

  // --- Badges: one shadow-DOM host per image, placed right after it in the
  // document (screen readers meet it next to the image), moved over its corner.

  const BADGE_CSS = `
    :host { all: initial; }
    .badge { display: inline-flex; gap: 0.35em; align-items: center; max-width: 16em; padding: 2px 8px;
      border-radius: 10px; font: 600 16px/1.35 system-ui, sans-serif; color: #fff; background: #3d4b5c;
      box-shadow: 0 1px 3px rgba(0,0,0,.45); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .badge.ai-declared { background: #a4161a; }
    .badge.ai { background: #6b2c91; }
    .badge.tampered { background: #ffb000; color: #1b1f24; border: 2px solid #1b1f24; }
    .badge.c2pa { background: #0b5cad; }
    .badge.error { background: #5c4300; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    button { font: inherit; color: #1b1f24; background: #fff; border: 0; border-radius: 6px; padding: 0 5px; cursor: pointer; }
    button:focus-visible { outline: 2px solid #f0b400; outline-offset: 1px; }`;

  // One stylesheet shared by every badge (parsed once), where constructable sheets work.
  let sharedSheet = null;
  try {
    sharedSheet = new CSSStyleSheet();
    sharedSheet.replaceSync(BADGE_CSS);
  } catch {
    sharedSheet = null;
  }

  function showBadge(img, result) {
    let entry = badges.get(img);
    if (!entry) {
      const host = document.createElement('filigrane-badge');
      host.style.cssText = 'all: initial; position: absolute; z-index: 2147483646; display: block; width: 0; height: 0; overflow: visible;';
      const root = host.attachShadow({ mode: 'open' });
      try {
        root.adoptedStyleSheets = [sharedSheet];
      } catch {
        const style = document.createElement('style');
        style.textContent = BADGE_CSS;
        root.append(style);
      }
      root.append(document.createElement('span'));
      entry = { host, root, result: null, revealed: false };
      badges.set(img, entry);
    }
    entry.result = result;
    const anchor = img.parentElement instanceof HTMLPictureElement ? img.parentElement : img;
    if (entry.host.previousSibling !== anchor) anchor.after(entry.host);

    const badge = entry.root.querySelector('span');
    badge.replaceChildren();
    const kind = result.ok ? result.kind : 'error';
    badge.className = `badge ${kind}`;
    const visible = document.createElement('span');
    visible.setAttribute('aria-hidden', 'true');
    visible.textContent = result.ok ? result.text : 'Not read';
    const spoken = document.createElement('span');
    spoken.className = 'sr';
    spoken.textContent = result.ok ? result.description : `Filigrane could not read this image: ${result.error}.`;
    badge.title = spoken.textContent;
    badge.append(visible, spoken);
    entry.host.dataset.kind = kind;
    entry.host.dataset.stage = result.ok ? result.stage : 'error';
    entry.host.dataset.label = visible.textContent;
    applyBlur(img, entry);
    schedulePlacement();
  }

  function applyBlur(img, entry) {
    const blur = blurNudity && entry.result?.ok && entry.result.nudity && !entry.revealed;
    const badge = entry.root.querySelector('span');
    badge.querySelector('button')?.remove();
    if (blur) {
      img.style.setProperty('filter', 'blur(24px)', 'important');
      const show = document.createElement('button');
      show.type = 'button';
      show.textContent = 'Show';
      show.setAttribute('aria-label', 'Show the blurred image');
      show.addEventListener('click', (e) => {
        e.preventDefault();
        e.stopPropagation();
        entry.revealed = true;
        applyBlur(img, entry);
      });
      badge.append(show);
      entry.host.style.pointerEvents = 'auto';
    } else if (entry.host.dataset.blurred === 'true') {
      img.style.removeProperty('filter');
    }
    entry.host.dataset.blurred = String(Boolean(blur));
  }

  function applyBlurAll() {
    for (const [img, entry] of badges) applyBlur(img, entry);
  }

  // Placement: read every rectangle first, then write, so one layout per frame.
  let placementQueued = false;
  function schedulePlacement() {
    if (placementQueued) return;
    placementQueued = true;
    requestAnimationFrame(placeBadges);
  }

  function placeBadges() {
    placementQueued = false;
    const moves = [];
    for (const [img, entry] of badges) {
      if (!img.isConnected) {
        entry.host.remove();
        badges.delete(img);
        continue;
      }
      const target = img.getBoundingClientRect();
      const at = entry.host.getBoundingClientRect();
      const [tx, ty] = entry.offset ?? [0, 0];
      // The host's own static position is its rectangle less the shift already applied.
      moves.push([entry, target.left + 4 - (at.left - tx), target.top + 4 - (at.top - ty), target.width > 0]);
    }
    for (const [entry, x, y, shown] of moves) {
      entry.offset = [x, y];
      entry.host.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
      entry.host.style.visibility = shown ? 'visible' : 'hidden';
    }
  }

  const resizes = new ResizeObserver(schedulePlacement);
  addEventListener('resize', schedulePlacement);

  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === 1 && node.localName !== 'filigrane-badge') trackWithin(node);
      if (record.type === 'attributes' && record.target instanceof HTMLImageElement) track(record.target);
    }
    if (badges.size) schedulePlacement();
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'srcset'] });

  // Load events do not bubble: listen in the capture phase for every image.
  document.addEventListener('load', (event) => {
    const img = event.target;
    if (!(img instanceof HTMLImageElement)) return;
    track(img);
    resizes.observe(img);
    if (everNear.has(img)) consider(img);
  }, true);

  trackWithin(document);
  for (const img of document.images) resizes.observe(img);
})();
