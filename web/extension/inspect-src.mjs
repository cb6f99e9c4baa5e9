// Added to the extension's copy of the app page (inspect.html): opens the
// image named by ?src= (from "Inspect with Filigrane") in the Inspect view.
// The bytes are fetched here with the extension's host permissions and
// handed to the view exactly as a dropped file.
const src = new URLSearchParams(location.search).get('src');

async function openSource(source) {
  const url = new URL(source);
  if (!['http:', 'https:', 'data:'].includes(url.protocol)) throw new Error(`cannot open ${url.protocol} images`);
  const response = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'force-cache' });
  if (!response.ok) throw new Error(`the image answered HTTP ${response.status}`);
  const blob = await response.blob();
  const name = url.protocol === 'data:' ? 'image' : decodeURIComponent(url.pathname.split('/').pop() || 'image');
  const transfer = new DataTransfer();
  transfer.items.add(new File([blob], name, { type: blob.type }));
  document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
}

if (src) {
  openSource(src).catch((err) => {
    const box = document.getElementById('error');
    box.textContent = `Filigrane could not open that image: ${err.message}`;
    box.hidden = false;
  });
}
