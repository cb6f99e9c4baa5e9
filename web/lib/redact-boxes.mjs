// The boxes a redaction covers, kept free of model code so the page's editor,
// the CLI and the worker share them: what the detectors propose (each with
// its kind and why it was flagged), validation of boxes that come from users
// or files, and how strongly each kind is covered.
import { FiligraneError } from './errors.mjs';

/** The core's limit (core/redact/redact.h kMaxBoxes). */
export const MAX_BOXES = 4096;

/**
 * Kinds covered in the chosen style (blur, pixelate or fill). Every other
 * kind (personal text, codes, boxes a person drew) is always a solid fill:
 * blurred and pixelated text can be read back (deblurring, Depix-style
 * recovery), a fill cannot.
 */
export const STYLED_KINDS = new Set(['face', 'nudity']);

/**
 * Face strength from the face box's shorter side s: blur sigma = s, or s/2
 * pixel cells (2 cells across). The core's default (sigma and cells s/4) is
 * made for text; on the 549 labelled faces of the shared people photos
 * BlazeFace still found 9 (blur) and 18 (pixelate) at that strength, 0 and 4
 * at these (a solid fill: 5, neighbouring faces in crowds), and the median
 * correlation with the original fell from 0.48 to 0.16 (blur)
 * (tools/eval_face_strength.mjs, bench/redaction.md).
 */
export const FACE_STRENGTH = Object.freeze({ blurSigma: 1, pixelCells: 2 });

/** The redact options for one face box of shorter side `size`. */
export function faceStrength(style, size) {
  if (style === 'blur') return { sigma: Math.min(128, Math.max(12, size * FACE_STRENGTH.blurSigma)) };
  if (style === 'pixelate') return { cell: Math.min(1024, Math.max(20, Math.ceil(size / FACE_STRENGTH.pixelCells))) };
  return {};
}

export function checkStyle(style) {
  if (!['blur', 'pixelate', 'fill'].includes(style)) {
    throw new FiligraneError('invalid_argument', `unknown redaction style ${style} (blur, pixelate or fill)`);
  }
}

const PII_LABELS = {
  email: 'e-mail address',
  email_obfuscated: 'e-mail address written to dodge scrapers',
  phone: 'phone number',
  card: 'payment card number (Luhn check passes)',
  iban: 'IBAN (checksum passes)',
  ipv4: 'IP address',
  date_of_birth: 'date of birth',
  url_token: 'web address carrying a token or personal path',
  labelled_name: 'name after a label',
  postal_address: 'postal address',
  qr: 'QR code',
  barcode: 'barcode',
};

/** Words for a personal-data kind. */
export function kindLabel(kind) {
  return PII_LABELS[kind] ?? (kind === 'face' ? 'face' : kind === 'nudity' ? 'nudity' : kind === 'user' ? 'marked by you' : kind);
}

// Shows enough of a value to recognise it, not the value itself.
function hint(value) {
  const v = String(value ?? '');
  if (v.length <= 4) return '…';
  return `${v.slice(0, 2)}…${v.slice(-2)}`;
}

const clampBox = (b, width, height) => {
  const x = Math.max(0, Math.floor(b.x)), y = Math.max(0, Math.floor(b.y));
  return { x, y, width: Math.min(width, Math.ceil(b.x + b.width)) - x, height: Math.min(height, Math.ceil(b.y + b.height)) - y };
};

/**
 * The boxes a redaction proposes from a cues() result, one per finding:
 * [{id, kind, x, y, width, height, why, source: 'detected'}]. Faces grow by
 * 10% a side (BlazeFace boxes stop at the hairline and ears); text boxes are
 * the OCR line boxes; codes their decoded outline; nudity the whole image.
 */
export function proposedBoxes(found, { faces = true, pii = true, nsfw = true } = {}) {
  const { width, height } = found;
  const boxes = [];
  const add = (kind, box, why) => {
    const b = clampBox(box, width, height);
    if (b.width > 0 && b.height > 0) boxes.push({ id: `${kind}-${boxes.length + 1}`, kind, ...b, why, source: 'detected' });
  };
  if (faces) {
    for (const f of found.faces ?? []) {
      const m = 0.1 * Math.max(f.box.width, f.box.height);
      add('face', { x: f.box.x - m, y: f.box.y - m, width: f.box.width + 2 * m, height: f.box.height + 2 * m },
        `face (detector score ${f.score.toFixed(2)})`);
    }
  }
  if (pii) {
    for (const t of found.text ?? []) {
      if (!t.pii?.length) continue;
      const kinds = [...new Set(t.pii.map((p) => p.kind))];
      add(kinds[0], t.box, t.pii.map((p) => p.why ?? `${kindLabel(p.kind)} ${hint(p.value)}`).join('; '));
    }
    for (const c of found.codes ?? []) {
      add(c.kind, c.box, `${kindLabel(c.kind)} (${c.format}) carrying ${c.text.length} characters: ${hint(c.text)}`);
    }
  }
  if (nsfw && found.nsfw?.verdict === 'nudity') add('nudity', { x: 0, y: 0, width, height }, `nudity (score ${found.nsfw.score?.toFixed?.(2) ?? '?'})`);
  return boxes;
}

/**
 * Checks boxes from a person or a file against a width x height image:
 * an array of {x, y, width, height, kind?} (or [x, y, width, height]) of at
 * most MAX_BOXES finite boxes, each inside the image. Returns them as
 * objects with a kind (`kind` when a box has none). Throws FiligraneError
 * invalid_argument or too_large with a message that names the box.
 */
export function validateBoxes(boxes, { width, height }, { kind = 'user' } = {}) {
  if (!Array.isArray(boxes)) throw new FiligraneError('invalid_argument', 'boxes must be a list of {x, y, width, height}');
  if (boxes.length > MAX_BOXES) {
    throw new FiligraneError('too_large', `${boxes.length} boxes is too many: at most ${MAX_BOXES} can be covered at once`);
  }
  return boxes.map((raw, i) => {
    const b = Array.isArray(raw) ? { x: raw[0], y: raw[1], width: raw[2], height: raw[3] } : raw;
    const where = `box ${i + 1}`;
    if (!b || typeof b !== 'object') throw new FiligraneError('invalid_argument', `${where} is not a box: expected {x, y, width, height}`);
    for (const key of ['x', 'y', 'width', 'height']) {
      if (typeof b[key] !== 'number' || !Number.isFinite(b[key])) {
        throw new FiligraneError('invalid_argument', `${where} has no valid ${key} (a number of pixels is needed)`);
      }
    }
    if (b.width <= 0 || b.height <= 0) throw new FiligraneError('invalid_argument', `${where} is empty (width and height must be above 0)`);
    const tolerance = 0.5;
    if (b.x < -tolerance || b.y < -tolerance || b.x + b.width > width + tolerance || b.y + b.height > height + tolerance) {
      throw new FiligraneError('invalid_argument',
        `${where} (x ${b.x}, y ${b.y}, ${b.width} × ${b.height}) reaches outside the ${width} × ${height} image`);
    }
    if (b.kind !== undefined && (typeof b.kind !== 'string' || b.kind.length > 40)) {
      throw new FiligraneError('invalid_argument', `${where} has a kind that is not a short word`);
    }
    const x = Math.max(0, b.x), y = Math.max(0, b.y);
    return { ...(typeof b.id === 'string' ? { id: b.id } : {}), kind: b.kind ?? kind, x, y,
      width: Math.min(width, b.x + b.width) - x, height: Math.min(height, b.y + b.height) - y };
  });
}
