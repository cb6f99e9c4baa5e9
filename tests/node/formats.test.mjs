// Issue 15 on the WebAssembly module under Node and through ./filigrane: the
// format corpus (make formats-corpus; Debian's tools, reference decodes) read
// the same way by every command, metadata from WebP/TIFF/GIF, words for what
// is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFiligraneNode, FiligraneError } from '../../web/lib/node.mjs';
import { pixelDifference } from '../../tools/pixel_diff.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = path.join(root, 'build', 'formats-corpus');
const manifestPath = path.join(corpus, 'manifest.json');
const missing = existsSync(manifestPath) ? false : 'build/formats-corpus is missing (make formats-corpus)';
const manifest = missing ? [] : JSON.parse(readFileSync(manifestPath, 'utf8'));
const cli = (...args) => spawnSync(path.join(root, 'filigrane'), args, { cwd: root, encoding: 'utf8' });
const core = await createFiligraneNode();

/** Value at a dotted path: "exif.make", or "text:WHERE" for a generator text's excerpt. */
function lookup(report, key) {
  if (key.startsWith('text:')) return report.generator.texts.find((t) => t.where === key.slice(5))?.excerpt;
  if (key === 'note') return report.note;
  return key.split('.').reduce((v, k) => v?.[k], report);
}

test('every corpus file decodes like its reference decoder in WebAssembly, or is refused in words', { skip: missing }, () => {
  let compared = 0;
  for (const entry of manifest) {
    const bytes = new Uint8Array(readFileSync(path.join(corpus, entry.file)));
    if (entry.expect_error) {
      assert.throws(() => core.info(bytes), (err) => err instanceof FiligraneError && err.code === 'unsupported_format'
        && err.userMessage.includes(entry.expect_error) && !/provenance:|stb|libtiff/i.test(err.userMessage), entry.file);
      continue;
    }
    const info = core.info(bytes);
    assert.equal(info.format, entry.format, entry.file);
    const { width, height, rgba } = core.decodeRgba(bytes);
    assert.deepEqual([width, height], [entry.width, entry.height], entry.file);
    const ref = readFileSync(path.join(corpus, `${entry.file}.rgba`));
    const { worst, mean } = pixelDifference(ref, rgba);
    const limit = { exact: [0, 0], '16bit': [1, 1], lossy: [255, 2] }[entry.compare];
    assert.ok(worst <= limit[0] && mean <= limit[1], `${entry.file}: max ${worst}, mean ${mean.toFixed(3)}`);
    compared++;
  }
  assert.ok(compared >= 80, `${compared} files compared`);
});

test('provenance reads WebP, TIFF, GIF and JPEG-with-stray-bytes metadata, and says BMP has none', { skip: missing }, () => {
  for (const entry of manifest) {
    const bytes = new Uint8Array(readFileSync(path.join(corpus, entry.file)));
    const report = core.provenance(bytes);  // never throws for a format Filigrane reads
    for (const [key, want] of Object.entries(entry.provenance)) {
      const got = lookup(report, key);
      assert.ok(typeof got === 'string' && got.includes(want), `${entry.file} ${key}: ${got}`);
    }
  }
});

test('./filigrane info and provenance on a WebP, TIFF, GIF, RLE BMP and stray-byte JPEG', { skip: missing }, () => {
  const cases = [
    ['webp-exif-xmp.webp', 'webp', 320, 240, (p) => p.exif.make === 'Filigrane' && p.xmp.creator_tool === 'Filigrane corpus'],
    ['tiff-exif-xmp-iptc.tif', 'tiff', 320, 240, (p) => p.exif.model === 'TIFF Fixture' && p.iptc.credit === 'Filigrane credit'],
    ['gif-xmp-comment.gif', 'gif', 320, 240, (p) => p.xmp.creator_tool === 'Filigrane corpus'],
    ['bmp-rle8.bmp', 'bmp', 320, 240, (p) => /nothing to read/.test(p.note) && !p.partial],
    ['jpeg-stray-bytes-exif.jpg', 'jpeg', 320, 240, (p) => p.exif.make === 'Filigrane'],
  ];
  for (const [file, format, width, height, metadataOk] of cases) {
    const info = cli('info', path.join(corpus, file));
    assert.equal(info.status, 0, `${file}: ${info.stderr}`);
    assert.deepEqual((({ format: f, width: w, height: h }) => [f, w, h])(JSON.parse(info.stdout)), [format, width, height]);
    const prov = cli('provenance', path.join(corpus, file));
    assert.equal(prov.status, 0, `${file}: ${prov.stderr}`);
    assert.ok(metadataOk(JSON.parse(prov.stdout)), `${file}: ${prov.stdout}`);
  }
});

test('every pixel command accepts WebP and TIFF (sdmark, mark, detect, screen decode, ai)', { skip: missing }, () => {
  for (const file of ['webp-lossy-q80.webp', 'tiff-rgb16-zip-predictor.tif', 'webp-anim-lossless.webp', 'bmp-rle8.bmp']) {
    const input = path.join(corpus, file);
    for (const args of [['sdmark', input], ['detect', '--key', 'k', input], ['screen', 'decode', '--key', 'k', input],
      ['ai', input, '--no-detector']]) {
      const r = cli(...args);
      assert.equal(r.status, 0, `${args[0]} ${file}: ${r.stderr}`);
      JSON.parse(r.stdout);
    }
  }
  const marked = path.join(root, 'build', 'formats-marked.png');
  const r = cli('mark', '--key', 'k', '--payload', 'abc', path.join(corpus, 'webp-lossy-q100.webp'), marked);
  assert.equal(r.status, 0, r.stderr);
  const found = JSON.parse(cli('detect', '--key', 'k', marked).stdout);
  assert.equal(found.payload, '0000000000000abc');
});

test('AVIF and HEIC in the CLI: one line saying a browser that decodes them is needed, exit 2', { skip: missing }, () => {
  for (const [file, what] of [['avif-8bit-alpha.avif', 'AVIF'], ['heic-photo.heic', 'HEIC']]) {
    const r = cli('info', path.join(corpus, file));
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`^filigrane: This ${what} image needs a browser that decodes ${what}`));
    assert.equal(r.stderr.trim().split('\n').length, 1);
    // Its metadata is still read: provenance walks ISO-BMFF without decoding.
    assert.equal(cli('provenance', path.join(corpus, file)).status, 0);
  }
});

test('an unknown file names the formats Filigrane reads, once', () => {
  const err = (() => { try { core.info(new TextEncoder().encode('plain text, not an image')); } catch (e) { return e; } })();
  assert.equal(err.code, 'unsupported_format');
  assert.equal(err.userMessage, 'This file is not an image Filigrane can read (JPEG, PNG, WebP, TIFF, BMP or GIF).');
  const p = (() => { try { core.provenance(new TextEncoder().encode('plain text, not an image')); } catch (e) { return e; } })();
  assert.equal(p.userMessage, err.userMessage);
});
