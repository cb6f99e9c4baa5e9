// One flow to check a leak: every mark Filigrane makes (screen and photo),
// with every key given, and a sentence saying what was found. Shared by the
// Decode view (engine = the browser's Filigrane) and `filigrane check`
// (engine = the Node core); the engine's calls may be sync or async.
import { deriveMarkKeys } from './mark-keys.mjs';

export const MARK_KINDS = ['screen', 'photo'];
// Captures whose half-size copy is still worth a second screen-mark search.
const MIN_SIDE_FOR_HALF = 400;

const pad = (n) => String(n).padStart(2, '0');
/** "2026-12-05 14:07 UTC" */
export function formatMinuteUtc(iso) {
  const d = new Date(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/**
 * The keys to try: each key file entry's derived material (labelled with its
 * id) and any plain keys typed by hand (labelled "typed key").
 * @returns {Promise<{label: string, keyId: string|null, screen: string, photo: string}[]>}
 */
export async function keysToTry({ keyring = null, plainKeys = [] } = {}) {
  const list = keyring ? (await deriveMarkKeys(keyring)).map((m) => ({ label: `key ${m.id}`, keyId: m.id, screen: m.screen, photo: m.photo })) : [];
  for (const key of plainKeys) if (key) list.push({ label: 'the typed key', keyId: null, screen: key, photo: key });
  return list;
}

/**
 * The screen mark of one key. The core searches 0.45-2.2x the DPR-1 tile
 * period, which covers DPR 1 and DPR 2 captures at up to ~1.1x their size; an
 * enlarged DPR-2 capture (tile 3-4x) is read from a half-size copy, where it
 * is back in range. Two searches of at most 32 tag checks each: a
 * false-payload bound of 64 x 2^-32 = 1.5e-8 per key and image.
 */
export async function findScreenMark(engine, bytes, screenKey) {
  const screen = await engine.screenDecode(bytes, { key: screenKey });
  if (screen.found || Math.min(screen.imageWidth, screen.imageHeight) < MIN_SIDE_FOR_HALF) return screen;
  const half = await engine.decodeRgba(bytes, { maxSide: Math.round(Math.max(screen.imageWidth, screen.imageHeight) / 2) });
  const halved = await engine.screenDecode(await engine.encode(half), { key: screenKey });
  if (!halved.found) return screen;
  // Report in the capture's own pixels.
  const factor = screen.imageWidth / half.width;
  return {
    ...halved, scale: halved.scale * factor, period: halved.period * factor, originX: halved.originX * factor, originY: halved.originY * factor,
    imageWidth: screen.imageWidth, imageHeight: screen.imageHeight,
    map: { ...halved.map, cellWidth: halved.map.cellWidth * factor, cellHeight: halved.map.cellHeight * factor },
  };
}

/** The sentence for one found mark. */
export function describeMark(mark) {
  const confidence = `confidence ${mark.confidence.toFixed(2)}`;
  if (mark.kind === 'screen') return `Viewer ${mark.viewerId} at ${formatMinuteUtc(mark.time)}, screen mark, ${mark.keyLabel}, ${confidence}`;
  return `Photo mark with payload ${mark.payload}, ${mark.keyLabel}, ${confidence}`;
}

/**
 * Tries every mark kind with every key.
 * @param {{screenDecode, detectImageMark}} engine
 * @param {Uint8Array} bytes the image file
 * @param {{label, keyId, screen, photo}[]} keys from keysToTry()
 * @returns {Promise<{found: boolean, summary: string, marks: object[], checked: string[], keysTried: number, reports: object[]}>}
 */
export async function checkLeak(engine, bytes, keys) {
  const marks = [];
  const reports = [];
  for (const key of keys) {
    const screen = await findScreenMark(engine, bytes, key.screen);
    reports.push({ kind: 'screen', key: key.label, found: screen.found, confidence: screen.confidence, syncScore: screen.syncScore });
    if (screen.found) {
      marks.push({
        kind: 'screen', keyId: key.keyId, keyLabel: key.label, viewerId: screen.viewerId, minute: screen.minute,
        time: screen.time, payload: screen.payload, confidence: screen.confidence, scale: screen.scale, map: screen.map,
        imageWidth: screen.imageWidth, imageHeight: screen.imageHeight,
      });
    }
    const photo = await engine.detectImageMark(bytes, { key: key.photo });
    reports.push({ kind: 'photo', key: key.label, found: photo.found, confidence: photo.confidence, z: photo.z });
    if (photo.found) {
      marks.push({
        kind: 'photo', keyId: key.keyId, keyLabel: key.label, payload: photo.payload, confidence: photo.confidence,
        scale: photo.scale,
      });
    }
  }
  for (const mark of marks) mark.description = describeMark(mark);
  const summary = marks.length
    ? marks.map((m) => m.description).join('; ')
    : `No Filigrane mark with ${keys.length === 1 && keys[0].keyId === null ? 'this key' : 'these keys'}; checked screen and photo marks`;
  return { found: marks.length > 0, summary, marks, checked: [...MARK_KINDS], keysTried: keys.length, reports };
}
