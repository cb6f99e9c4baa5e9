// What "the key or anything derived from it" looks like in a response: the
// secret in every encoding a server might leak it (raw bytes, base64,
// base64url, hex) and the derived screen/photo material (hex and raw bytes).
// Shared by the Node and browser key-leak tests.

/** @returns {{name: string, bytes: Buffer}[]} */
export function keyMaterialNeedles(keyring, derived) {
  const needles = [];
  for (const { id, secret } of keyring.keys) {
    const raw = Buffer.from(secret);
    needles.push({ name: `${id} secret (raw)`, bytes: raw });
    for (const enc of ['base64', 'base64url', 'hex']) needles.push({ name: `${id} secret (${enc})`, bytes: Buffer.from(raw.toString(enc).replace(/=+$/, '')) });
    needles.push({ name: `${id} secret (HEX)`, bytes: Buffer.from(raw.toString('hex').toUpperCase()) });
  }
  for (const m of derived) {
    for (const kind of ['screen', 'photo']) {
      needles.push({ name: `${m.id} ${kind} material (hex)`, bytes: Buffer.from(m[kind]) });
      needles.push({ name: `${m.id} ${kind} material (raw)`, bytes: Buffer.from(m[kind], 'hex') });
      needles.push({ name: `${m.id} ${kind} material (base64)`, bytes: Buffer.from(Buffer.from(m[kind], 'hex').toString('base64').replace(/=+$/, '')) });
    }
  }
  return needles;
}

/** Names of needles found in any response's headers or body: [{url, headers, body: Buffer}]. */
export function findNeedles(responses, needles) {
  const found = [];
  for (const r of responses) {
    const headerText = Buffer.from(JSON.stringify(r.headers));
    for (const n of needles) {
      if (r.body.includes(n.bytes) || headerText.includes(n.bytes)) found.push(`${n.name} in ${r.url}`);
    }
  }
  return found;
}
