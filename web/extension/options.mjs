// Settings kept in chrome.storage.local (read by every content script).
const box = document.getElementById('blur-nudity');
const saved = document.getElementById('saved');
chrome.storage.local.get({ blurNudity: true }).then((s) => {
  box.checked = s.blurNudity;
  document.body.dataset.loaded = 'true';
});
box.addEventListener('change', async () => {
  await chrome.storage.local.set({ blurNudity: box.checked });
  saved.textContent = box.checked ? 'Saved: images that may show nudity are blurred.' : 'Saved: no blurring.';
});
