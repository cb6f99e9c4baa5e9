// Regenerates the redaction fixtures: an image with metadata in every place
// an export must drop it. node tests/corpus/redact/make_fixtures.mjs
//   meta.jpg: photo.jpg with an EXIF APP1 (Make, GPS pointer), an XMP APP1 and a COM segment
//   meta.png: 48x32 RGBA with tEXt "parameters" (generator text) and an eXIf chunk
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

function tiffWithMake(make) {
  const text = Buffer.from(`${make}\0`, 'latin1');
  const head = Buffer.alloc(26);
  head.write('MM\0*', 0, 'latin1');
  head.writeUInt32BE(8, 4);
  head.writeUInt16BE(1, 8);            // one entry
  head.writeUInt16BE(0x010f, 10);      // Make
  head.writeUInt16BE(2, 12);           // ASCII
  head.writeUInt32BE(text.length, 14);
  head.writeUInt32BE(26, 18);          // value offset
  head.writeUInt32BE(0, 22);           // no next IFD
  return Buffer.concat([head, text]);
}

function segment(marker, payload) {
  const len = Buffer.alloc(4);
  len[0] = 0xff; len[1] = marker; len.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([len, payload]);
}

const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
  `<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretTool 1.0"/></rdf:RDF></x:xmpmeta>`;
const photo = readFileSync(path.join(here, '..', 'photo.jpg'));
writeFileSync(path.join(here, 'meta.jpg'), Buffer.concat([
  photo.subarray(0, 2),
  segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffWithMake('SecretCam')])),
  segment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(xmp)])),
  segment(0xfe, Buffer.from('secret comment')),
  photo.subarray(2),
]));

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const W = 48, H = 32;
const raw = Buffer.alloc(H * (1 + W * 4));
for (let y = 0; y < H; y++) {
  raw[y * (1 + W * 4)] = 0;
  for (let x = 0; x < W; x++) {
    const i = y * (1 + W * 4) + 1 + x * 4;
    raw[i] = x * 5; raw[i + 1] = y * 8; raw[i + 2] = (x ^ y) * 4; raw[i + 3] = x < 4 ? 128 : 255;
  }
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(W, 0); ihdr.writeUInt32BE(H, 4); ihdr[8] = 8; ihdr[9] = 6;
writeFileSync(path.join(here, 'meta.png'), Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('tEXt', Buffer.from('parameters\0a secret prompt\nSteps: 20, Sampler: Euler a, Seed: 1, Model: x', 'latin1')),
  chunk('eXIf', tiffWithMake('SecretCam')),
  chunk('IDAT', zlib.deflateSync(raw)),
  chunk('IEND', Buffer.alloc(0)),
]));
