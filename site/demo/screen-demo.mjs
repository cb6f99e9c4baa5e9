// Demo page for the screen mark: the overlay starts from URL parameters
// (key, viewer or payload, renderer), the way an app would call it.
import { startScreenmark } from '../screenmark/screenmark.mjs';

const params = new URLSearchParams(location.search);
let count = 0;
document.getElementById('ack').addEventListener('click', () => {
  document.getElementById('ack-count').textContent = String(++count);
});

if (params.get('key')) {
  startScreenmark({
    key: params.get('key'),
    payload: params.get('payload') ?? undefined,
    viewerId: params.has('viewer') ? Number(params.get('viewer')) : undefined,
    strength: params.has('strength') ? Number(params.get('strength')) / 255 : 0,
    renderer: params.get('renderer') ?? 'auto',
  }).then((controller) => {
    window.filigraneScreenmark = controller;
    document.body.dataset.screenmark = controller.backend;
  }, (err) => {
    document.body.dataset.screenmark = 'error';
    document.body.dataset.screenmarkError = String(err?.message ?? err);
  });
}
