// Filigrane's extension service worker: relays scan requests from content
// scripts to the offscreen document (which hosts the WebAssembly worker and
// fetches the image bytes), and owns the "Inspect with Filigrane" menu entry.
// A service worker cannot start a dedicated worker, hence the offscreen page.

const OFFSCREEN_URL = 'offscreen.html';
const MENU_ID = 'filigrane-inspect';

let offscreenReady = null;

async function offscreenExists() {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT'],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_URL)],
  });
  return contexts.length > 0;
}

/**
 * Creates the offscreen document once; every caller shares one promise that
 * resolves when the document says it listens (a message sent before that
 * fails with "Receiving end does not exist").
 */
function ensureOffscreen() {
  offscreenReady ??= (async () => {
    if (await offscreenExists()) return; // this worker restarted; the document still runs
    const ready = new Promise((resolve) => {
      const onReady = (message) => {
        if (message?.type !== 'filigrane-offscreen-ready') return;
        chrome.runtime.onMessage.removeListener(onReady);
        resolve();
      };
      chrome.runtime.onMessage.addListener(onReady);
    });
    await chrome.offscreen.createDocument({
      url: OFFSCREEN_URL,
      reasons: ['WORKERS'],
      justification: 'Runs the Filigrane WebAssembly engine in a worker to read image files on this device.',
    });
    await ready;
  })().catch((err) => {
    offscreenReady = null; // let the next request try again
    throw err;
  });
  return offscreenReady;
}

async function scan(url, stage) {
  await ensureOffscreen();
  return chrome.runtime.sendMessage({ target: 'offscreen', type: 'scan', url, stage: stage === 'full' ? 'full' : 'quick' });
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.type !== 'filigrane-scan' || typeof message.url !== 'string') return false;
  // Only our own content scripts (in a tab) ask for scans.
  if (sender.id !== chrome.runtime.id || !sender.tab) return false;
  scan(message.url, message.stage).then(sendResponse, (err) => sendResponse({ ok: false, error: String(err?.message ?? err) }));
  return true; // answers asynchronously
});

/** Opens the extension's Inspect page on one image (used by the menu entry). */
async function openInspect(srcUrl) {
  const url = chrome.runtime.getURL(`inspect.html?src=${encodeURIComponent(srcUrl)}`);
  return chrome.tabs.create({ url });
}
// Exposed for the browser test, which cannot click a native context menu.
globalThis.filigraneOpenInspect = openInspect;

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({ id: MENU_ID, title: 'Inspect with Filigrane', contexts: ['image'] });
  chrome.storage.local.get({ blurNudity: true }).then((s) => chrome.storage.local.set(s));
});

chrome.contextMenus.onClicked.addListener((info) => {
  if (info.menuItemId === MENU_ID && info.srcUrl) openInspect(info.srcUrl);
});
