// What a redaction covers, without models: word-level personal data
// (obfuscated e-mail, token URLs, labelled names, postal addresses) with the
// look-alikes that must not match; proposed boxes with their reasons; and
// validation of boxes that come from people or files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPersonalWords } from '../../web/lib/pii-words.mjs';
import { proposedBoxes, validateBoxes, faceStrength, STYLED_KINDS, MAX_BOXES } from '../../web/lib/redact-boxes.mjs';

const kinds = (text) => findPersonalWords(text).map((m) => m.kind);

test('e-mail addresses written to dodge scrapers are found; prose with "at" and "dot" is not', () => {
  for (const t of ['apenwarr on gmail.com', 'jane.doe at gmail dot com', 'jdoe [at] example [dot] org', 'bob(at)company(dot)de', 'Write to lea {at} example {dot} net']) {
    assert.deepEqual(kinds(t), ['email_obfuscated'], t);
  }
  for (const t of ['I will look at this dot com thing', 'I work at example.org', 'meet at google.com', 'lea@example.com', 'arrived at noon']) {
    assert.deepEqual(kinds(t), [], t);
  }
});

test('web addresses with tokens, private links or personal paths are found; plain ones are not', () => {
  for (const t of ['https://app.example.com/reset?token=abc123def456', 'https://drive.example.com/file/d/1AbC9xYz0123456789qwertyUI/view',
    'https://github.com/users/jdoe', 'www.example.com/invite?code=XK29PQ77', 'C:\\Users\\jsmith\\Desktop', '/home/alice/notes.txt']) {
    assert.deepEqual(kinds(t), ['url_token'], t);
  }
  for (const t of ['https://www.example.com/about', 'see example.com/pricing', 'https://example.org/blog/2024/05/release-notes']) {
    assert.deepEqual(kinds(t), [], t);
  }
});

test('names after labels are found; routes, subjects and amounts are not', () => {
  for (const t of ['Name: Jane Doe', 'From: Jane Doe <jane@x.com>', 'To: Marc Dubois', 'Passenger: DOE/JANE MR', 'Name:JOHN SMITH', 'Ship to: Ms. Lea Martin']) {
    assert.deepEqual(kinds(t), ['labelled_name'], t);
  }
  for (const t of ['To: Paris', 'From: London', 'Subject: Meeting tomorrow', 'Total: 42.00', 'Contact: support@example.com', 'name: value']) {
    assert.deepEqual(kinds(t), [], t);
  }
});

test('postal addresses are found; counts and order numbers are not', () => {
  for (const t of ['221B Baker Street', '1600 Amphitheatre Pkwy', '12 rue de la Paix', 'Hauptstraße 5', 'Springfield, IL 62704', 'London SW1A 1AA', '75008 Paris', 'Via Roma 10', 'PO Box 4521']) {
    assert.deepEqual(kinds(t), ['postal_address'], t);
  }
  for (const t of ['10000 steps today', 'We have 3 ways to go', 'Order 12345 shipped', 'Room 12 Floor 3', 'Version 2.4 build 55']) {
    assert.deepEqual(kinds(t), [], t);
  }
});

test('every finding says why it was flagged', () => {
  for (const m of findPersonalWords('Name: Jane Doe, 221B Baker Street, jdoe [at] example [dot] org, https://x.example.com/a?token=abcdef12')) {
    assert.ok(m.why.length > 10, JSON.stringify(m));
  }
});

test('proposed boxes: one per finding with kind and why; faces grown and clipped; codes and nudity', () => {
  const found = {
    width: 200, height: 100,
    faces: [{ box: { x: 0, y: 10, width: 40, height: 40 }, score: 0.91 }],
    text: [{ box: { x: 50, y: 5, width: 100, height: 12 }, text: 'lea@example.com', pii: [{ kind: 'email', value: 'lea@example.com' }] },
      { box: { x: 50, y: 30, width: 100, height: 12 }, text: 'hello', pii: [] }],
    codes: [{ kind: 'qr', format: 'QRCode', text: 'M1DOE/JANE', box: { x: 150, y: 50, width: 40, height: 40 } }],
    nsfw: { verdict: 'nudity', score: 0.9 },
  };
  const boxes = proposedBoxes(found);
  assert.deepEqual(boxes.map((b) => b.kind), ['face', 'email', 'qr', 'nudity']);
  const face = boxes[0];
  assert.deepEqual([face.x, face.y, face.width, face.height], [0, 6, 44, 48]);
  assert.match(boxes[1].why, /e-mail address le…om/);
  assert.doesNotMatch(boxes[1].why, /lea@example\.com/);
  assert.match(boxes[2].why, /QR code \(QRCode\) carrying 10 characters/);
  assert.deepEqual(proposedBoxes(found, { faces: false, pii: true, nsfw: false }).map((b) => b.kind), ['email', 'qr']);
});

test('only faces and nudity follow the chosen style; face strengths are stronger than the text default', () => {
  assert.deepEqual([...STYLED_KINDS].sort(), ['face', 'nudity']);
  assert.equal(faceStrength('blur', 100).sigma, 100);
  assert.equal(faceStrength('pixelate', 100).cell, 50);
  assert.equal(faceStrength('blur', 10).sigma, 12);
  assert.deepEqual(faceStrength('fill', 100), {});
});

test('validateBoxes refuses what cannot be a box, in words that name the box', () => {
  const image = { width: 100, height: 50 };
  assert.deepEqual(validateBoxes([[1, 2, 3, 4], { x: 0, y: 0, width: 100, height: 50, kind: 'face' }], image),
    [{ kind: 'user', x: 1, y: 2, width: 3, height: 4 }, { kind: 'face', x: 0, y: 0, width: 100, height: 50 }]);
  const refuse = (boxes, re, code = 'invalid_argument') => assert.throws(() => validateBoxes(boxes, image), (e) => e.code === code && re.test(e.message));
  refuse('nope', /must be a list/);
  refuse([null], /box 1 is not a box/);
  refuse([{ x: 0, y: 0, width: 'wide', height: 1 }], /box 1 has no valid width/);
  refuse([[0, 0, 1, 1], [0, 0, Infinity, 1]], /box 2 has no valid width/);
  refuse([[0, 0, 0, 1]], /box 1 is empty/);
  refuse([[90, 0, 20, 10]], /reaches outside the 100 × 50 image/);
  refuse([[-5, 0, 2, 2]], /reaches outside/);
  refuse(Array.from({ length: MAX_BOXES + 1 }, () => [0, 0, 1, 1]), /4097 boxes is too many/, 'too_large');
  refuse([{ x: 0, y: 0, width: 1, height: 1, kind: 7 }], /kind that is not a short word/);
});
