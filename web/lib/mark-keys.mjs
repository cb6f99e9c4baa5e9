// Filigrane key files: the secrets a site uses for its screen marks and photo
// marks, with a key id each so keys can rotate (new marks use the current key,
// the decoder tries them all). Runs in Node and in the browser (WebCrypto).
//
// File format (JSON, written by `filigrane screen keygen`):
//   {"filigrane": "mark-keys", "version": 1, "current": "k2",
//    "keys": [{"id": "k1", "secret": "<43 base64url chars = 32 bytes>", "created": "…"}, …]}
//
// The secret itself never reaches a mark: each use gets its own HMAC-SHA-256
// of the secret over a label and the key id, so the mark of key k2 is bound to
// "k2" (a decoder that verifies a payload's keyed tag with k2's material knows
// the key id), and a screen tile, a photo mark and this file never share bytes.
// Error messages name the problem, never the file's contents.
import { FiligraneError } from './errors.mjs';

export const KEY_FILE_FORMAT = 'mark-keys';
const SECRET_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const MAX_KEYS = 64;
const MAX_KEY_FILE_BYTES = 64 * 1024;

const damaged = (why) => new FiligraneError('invalid_key_file', `the key file is damaged: ${why}`);

function base64urlEncode(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64urlDecode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A fresh 32-byte secret from the platform's cryptographic generator. */
export function newKeyEntry(id, date = new Date()) {
  if (!KEY_ID.test(id)) throw new FiligraneError('invalid_argument', 'a key id is 1 to 32 letters, digits, "-" or "_"');
  const secret = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  return { id, secret: base64urlEncode(secret), created: date.toISOString() };
}

/** Text of a key file holding `entries` (from newKeyEntry or parseKeyFile().file.keys). */
export function formatKeyFile(entries, current = entries[entries.length - 1].id) {
  return JSON.stringify({ filigrane: KEY_FILE_FORMAT, version: 1, current, keys: entries }, null, 2) + '\n';
}

/** The next unused id of the form k<n>. */
export function nextKeyId(entries) {
  const used = entries.map((e) => /^k(\d+)$/.exec(e.id)).filter(Boolean).map((m) => Number(m[1]));
  return `k${used.length ? Math.max(...used) + 1 : 1}`;
}

/**
 * Parses and checks a key file's text.
 * @returns {{current: string, keys: {id: string, secret: Uint8Array}[], entries: object[]}}
 * @throws FiligraneError('invalid_key_file') naming what is wrong, never a secret
 */
export function parseKeyFile(text) {
  if (typeof text !== 'string') text = new TextDecoder().decode(text);
  if (text.length > MAX_KEY_FILE_BYTES) throw damaged('it is larger than a key file can be');
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw damaged('it is not JSON (was it written by "filigrane screen keygen"?)');
  }
  if (!json || json.filigrane !== KEY_FILE_FORMAT) throw damaged('it is not a Filigrane key file');
  if (json.version !== 1) throw damaged(`version ${JSON.stringify(json.version)} is not supported`);
  if (!Array.isArray(json.keys) || json.keys.length === 0) throw damaged('it holds no keys');
  if (json.keys.length > MAX_KEYS) throw damaged(`it holds more than ${MAX_KEYS} keys`);
  const seen = new Set();
  const keys = json.keys.map((entry, index) => {
    const id = entry?.id;
    if (typeof id !== 'string' || !KEY_ID.test(id)) throw damaged(`key ${index + 1} has no valid id`);
    if (seen.has(id)) throw damaged(`key id ${id} appears twice`);
    seen.add(id);
    const secret = base64urlDecode(entry.secret);
    if (!secret || secret.length !== SECRET_BYTES) throw damaged(`the secret of key ${id} is not ${SECRET_BYTES} bytes of base64url`);
    return { id, secret };
  });
  const current = json.current ?? keys[keys.length - 1].id;
  if (!seen.has(current)) throw damaged(`the current key id ${String(current).slice(0, 32)} is not in the file`);
  return { current, keys, entries: json.keys };
}

const LABELS = {
  screen: 'filigrane/mark-keys/v1/screen\n',
  photo: 'filigrane/mark-keys/v1/photo\n',
};

async function hmacHex(secret, message) {
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The material each mark is keyed with, per key id: {id, screen, photo}
 * (64 hex digits each). What the core sees as "the key" of a mark.
 */
export async function deriveMarkKeys(keyring) {
  return Promise.all(keyring.keys.map(async ({ id, secret }) => ({
    id,
    screen: await hmacHex(secret, LABELS.screen + id),
    photo: await hmacHex(secret, LABELS.photo + id),
  })));
}
