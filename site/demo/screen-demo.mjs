// Demo page for the screen mark in the app's preview frame (?preview): the
// painter paints tiles the app computes in its own engine from the test key
// typed there, asked for over postMessage, so this page never holds a key.
// (A deployed site serves tiles from its server: see `filigrane screen serve`.)
import { startScreenmark } from '../screenmark/screenmark.mjs';

let count = 0;
document.getElementById('ack').addEventListener('click', () => {
  document.getElementById('ack-count').textContent = String(++count);
});

const pending = new Map();
let nextRequest = 1;
addEventListener('message', (event) => {
  if (event.origin !== location.origin || event.source !== parent) return;
  const { type, id, tile, error } = event.data ?? {};
  if (type !== 'filigrane-screenmark-tile' || !pending.has(id)) return;
  const { resolve, reject } = pending.get(id);
  pending.delete(id);
  if (error) reject(new Error(error));
  else resolve(tile);
});

function tileFromApp(dpr) {
  return new Promise((resolve, reject) => {
    const id = nextRequest++;
    pending.set(id, { resolve, reject });
    parent.postMessage({ type: 'filigrane-screenmark-tile-request', id, dpr }, location.origin);
  });
}

if (new URLSearchParams(location.search).has('preview') && parent !== window) {
  startScreenmark({ tileSource: tileFromApp, renderer: 'auto' }).then((controller) => {
    window.filigraneScreenmark = controller;
    document.body.dataset.screenmark = controller.backend;
  }, (err) => {
    document.body.dataset.screenmark = 'error';
    document.body.dataset.screenmarkError = String(err?.message ?? err);
  });
}
