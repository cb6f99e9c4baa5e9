// Assembles the extension test pages into a folder tools/serve.mjs can serve:
// the pages here plus images from tests/corpus (the synthetic C2PA PNG is
// renamed so it is served as image/png), and many.html, a page of N images.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.join(here, '..', 'corpus');

export const IMAGES = {
  'photo.jpg': 'photo.jpg',
  'gradient.png': 'gradient.png',
  'alpha.png': 'alpha.png',
  'grey.png': 'grey.png',
  'oriented6.jpg': 'oriented6.jpg',
  'tiny.bmp': 'tiny.bmp',
  'anim.gif': 'anim.gif',
  'photo.webp': 'photo.webp',
  // 4×4 PNG with a C2PA manifest (trainedAlgorithmicMedia, claim generator synth/1.0),
  // XMP, IPTC and AUTOMATIC1111 generator text, written by tools/make_malformed_provenance.py.
  'generator.png': 'malformed/provenance/valid_png.bin',
};

/** A page of `count` images (distinct URLs, so each is scanned), most below the fold; `tag` makes the URLs new. */
export function manyImagesPage(count = 50, tag = '') {
  const names = ['photo.jpg', 'gradient.png', 'alpha.png', 'oriented6.jpg', 'generator.png'];
  const imgs = Array.from({ length: count }, (_, i) => {
    const name = names[i % names.length];
    return `      <img src="images/${name}?n=${i}${tag}" alt="Image ${i + 1}" width="240" height="180"${i >= 12 ? ' loading="lazy"' : ''}>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${count} images</title>
  <link rel="stylesheet" href="pages.css">
</head>
<body>
  <main>
    <h1>${count} images</h1>
    <div class="grid">
${imgs.join('\n')}
    </div>
  </main>
</body>
</html>
`;
}

/** Writes the pages and images into `dir` (created). */
export function stagePages(dir, { manyCount = 50 } = {}) {
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  for (const f of readdirSync(here)) {
    if (/\.(html|css)$/.test(f) || f === 'lazy.mjs') copyFileSync(path.join(here, f), path.join(dir, f));
  }
  for (const [name, source] of Object.entries(IMAGES)) copyFileSync(path.join(corpus, source), path.join(dir, 'images', name));
  writeFileSync(path.join(dir, 'many.html'), manyImagesPage(manyCount));
  return dir;
}
