// Pixel-format helpers shared by the page, the overlay renderers and the CLI.

/** Straight-alpha copy of premultiplied RGBA (rounded; exact for overlay tiles). */
export function straightFromPremultiplied(rgba) {
  const out = new Uint8ClampedArray(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3];
    out[i + 3] = a;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) out[i + c] = Math.min(255, Math.round((rgba[i + c] * 255) / a));
  }
  return out;
}
