#!/usr/bin/env node
// Builds a YUV4MPEG2 (4:2:0) file for Chromium's fake camera
// (--use-file-for-fake-video-capture): each still image is letterboxed into
// WIDTHxHEIGHT and repeated for its number of frames. Chromium loops the file.
// Usage: node tools/make_y4m.mjs OUT.y4m [--size 640x480] [--fps 10] IMAGE[:FRAMES] ...
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { createFiligraneNode } from '../web/lib/node.mjs';

/** RGBA (letterboxed on black) to planar I420 with BT.601 limited-range coefficients. */
export function rgbaToI420(rgba, width, height) {
  const y = new Uint8Array(width * height);
  const cw = width >> 1;
  const ch = height >> 1;
  const u = new Uint8Array(cw * ch);
  const v = new Uint8Array(cw * ch);
  for (let i = 0, p = 0; i < width * height; i += 1, p += 4) {
    y[i] = Math.round(16 + 0.257 * rgba[p] + 0.504 * rgba[p + 1] + 0.098 * rgba[p + 2]);
  }
  for (let cy = 0; cy < ch; cy += 1) {
    for (let cx = 0; cx < cw; cx += 1) {
      let r = 0; let g = 0; let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = ((2 * cy + dy) * width + 2 * cx + dx) * 4;
        r += rgba[p]; g += rgba[p + 1]; b += rgba[p + 2];
      }
      r /= 4; g /= 4; b /= 4;
      u[cy * cw + cx] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      v[cy * cw + cx] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return [y, u, v];
}

/** Places the image (already at most width x height) in the middle of a black frame. */
function letterbox(image, width, height) {
  const out = new Uint8Array(width * height * 4);
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  const ox = (width - image.width) >> 1;
  const oy = (height - image.height) >> 1;
  for (let row = 0; row < image.height; row += 1) {
    out.set(image.rgba.subarray(row * image.width * 4, (row + 1) * image.width * 4), ((oy + row) * width + ox) * 4);
  }
  return out;
}

/**
 * @param {string} out path of the .y4m
 * @param {{path: string, frames: number}[]} stills
 */
export async function writeY4m(out, stills, { width = 640, height = 480, fps = 10 } = {}) {
  const core = await createFiligraneNode();
  const fd = openSync(out, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const still of stills) {
      const bytes = new Uint8Array(readFileSync(still.path));
      const header = core.header(bytes);
      const scale = Math.min(width / header.width, height / header.height, 1);
      const image = core.decodeRgba(bytes, { maxSide: Math.floor(Math.max(header.width, header.height) * scale) });
      const planes = rgbaToI420(letterbox(image, width, height), width, height);
      for (let f = 0; f < still.frames; f += 1) {
        writeSync(fd, 'FRAME\n');
        for (const plane of planes) writeSync(fd, plane);
      }
    }
  } finally {
    closeSync(fd);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => { const i = args.indexOf(name); if (i < 0) return fallback; const [v] = args.splice(i, 2).slice(1); return v; };
  const [w, h] = option('--size', '640x480').split('x').map(Number);
  const fps = Number(option('--fps', '10'));
  const [out, ...images] = args;
  if (!out || images.length === 0) { console.error('usage: make_y4m.mjs OUT.y4m [--size WxH] [--fps N] IMAGE[:FRAMES] ...'); process.exit(64); }
  await writeY4m(out, images.map((s) => { const m = /^(.*?)(?::(\d+))?$/.exec(s); return { path: m[1], frames: Number(m[2] ?? 1) }; }), { width: w, height: h, fps });
}
