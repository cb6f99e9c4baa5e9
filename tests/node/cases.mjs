// Data-driven expectations shared by the Node and Chromium tests: the same
// fixtures, the same answers, whichever front end runs the core.
export const VALID_IMAGES = [
  { file: 'photo.jpg', format: 'jpeg', width: 320, height: 240, transparent: false },
  { file: 'gradient.png', format: 'png', width: 64, height: 48, transparent: false },
  { file: 'alpha.png', format: 'png', width: 40, height: 30, transparent: true },
  { file: 'grey.png', format: 'png', width: 33, height: 17, transparent: false },
  { file: 'tiny.bmp', format: 'bmp', width: 24, height: 16, transparent: false },
  { file: 'anim.gif', format: 'gif', width: 20, height: 10, transparent: false },
  { file: 'photo.webp', format: 'webp', width: 96, height: 72, transparent: false },
  { file: 'tiny.tif', format: 'tiff', width: 24, height: 16, transparent: false },
  { file: 'rle8.bmp', format: 'bmp', width: 48, height: 32, transparent: false },
  { file: 'oriented6.jpg', format: 'jpeg', width: 32, height: 64, transparent: false, orientation: 6, exif: true },
];

/** Expected error code per malformed fixture name prefix. */
export function expectedErrorCode(name) {
  if (name.startsWith('huge-')) return 'too_large';
  if (name.startsWith('truncated')) return 'corrupt_data';
  if (name === 'empty.jpg' || name === 'zero-width.png') return 'invalid_argument';
  return null; // any clean error
}
