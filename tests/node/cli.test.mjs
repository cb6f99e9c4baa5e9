// The ./filigrane launcher: JSON on stdout, exit codes, one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (...args) => spawnSync(path.join(root, 'filigrane'), args, { cwd: root, encoding: 'utf8' });

test('info prints JSON with width and height', () => {
  const r = cli('info', 'tests/corpus/photo.jpg');
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.format, 'jpeg');
  assert.equal(info.width, 320);
  assert.equal(info.height, 240);
  assert.equal(info.file, 'tests/corpus/photo.jpg');
});

for (const file of ['truncated-half.jpg', 'garbage.bin', 'empty.jpg', 'huge-100000x100000.png']) {
  test(`info on malformed ${file} exits 2 with one line on stderr`, () => {
    const r = cli('info', `tests/corpus/malformed/${file}`);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^filigrane: .+\n$/);
  });
}

test('a missing file exits 2', () => {
  const r = cli('info', 'tests/corpus/does-not-exist.png');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /could not be read/);
});

test('--help lists the commands; wrong usage exits 64', () => {
  const help = cli('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^ {2}info {2}/m);
  assert.equal(cli().status, 64);
  assert.equal(cli('frobnicate').status, 64);
  assert.equal(cli('info').status, 64);
  assert.equal(cli('info', '--nope', 'x').status, 64);
});
