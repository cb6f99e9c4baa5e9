// `filigrane scan`: one JSON line per file in a stable order, resumable after
// any stop (SIGKILL included) to the same file an uninterrupted run writes,
// bad input reported line by line, a hung check stopped, shards that split
// the input, --summary, and the same job through Dask (python3-distributed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonl } from './shared-data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(root, 'filigrane');
const scan = (args, { input, env } = {}) => spawnSync(CLI, ['scan', ...args], {
  cwd: root, encoding: 'utf8', input, env: { ...process.env, ...env }, timeout: 600_000,
});
const work = mkdtempSync(path.join(tmpdir(), 'filigrane-scan-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const corpus = (name) => path.join(root, 'tests', 'corpus', name);

/** Every regular file under `dir`, in the order a scan writes them (entries sorted by name, depth first). */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/** A folder of a few real images (copies under distinct names, so it scans in a few seconds). */
function imageFolder(name, count) {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  const sources = ['photo.jpg', 'gradient.png', 'oriented6.jpg', 'generator-text.png', 'photo.webp', 'alpha.png'];
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    copyFileSync(corpus(source), path.join(dir, i % 3 === 2 ? 'sub' : '', `${String(i).padStart(2, '0')}-${source}`));
  }
  return dir;
}

test('scan tests/corpus writes one line per file in path order; --resume then adds nothing', () => {
  const out = path.join(work, 'corpus.jsonl');
  const first = scan(['tests/corpus', '--checks', 'provenance,marks', '--out', out, '--jobs', '2']);
  assert.ok([0, 2].includes(first.status), first.stderr);
  const lines = readJsonl(out);
  const expected = walk(corpus('')).map((p) => path.relative(root, p));
  assert.deepEqual(lines.map((l) => l.path), expected);
  for (const line of lines) {
    assert.equal(typeof line.size, 'number');
    assert.match(line.sha256, /^[0-9a-f]{64}$/);
    assert.ok('format' in line);
    for (const check of ['provenance', 'marks']) assert.ok(line[check], `${line.path} has no ${check}`);
    for (const check of ['ai', 'cues']) assert.equal(line[check], undefined);
  }
  const photo = lines.find((l) => l.path === 'tests/corpus/photo.jpg');
  assert.equal(photo.format, 'jpeg');
  assert.equal(photo.marks.sd.found, false);
  // Damaged files get error lines with codes, and the scan went through all of them.
  const damaged = lines.find((l) => l.path === 'tests/corpus/malformed/png-cut-50.png');
  assert.equal(damaged.marks.error.code, 'corrupt_data');
  assert.equal(first.status, 2, 'some file failed, so the exit code is 2');

  const before = readFileSync(out);
  const again = scan(['tests/corpus', '--checks', 'provenance,marks', '--out', out, '--jobs', '2', '--resume']);
  assert.equal(again.status, 2, 'the file still records the failures');
  assert.deepEqual(readFileSync(out), before);
  assert.match(again.stderr, /scanned 0 file\(s\).*already in the output/);
});

test('every check on a small folder: results, and the same lines with --jobs 1 and --jobs 2', () => {
  const dir = imageFolder('all-checks', 6);
  const one = path.join(work, 'all-1.jsonl');
  const two = path.join(work, 'all-2.jsonl');
  const r1 = scan([dir, '--checks', 'provenance,ai,cues,marks', '--out', one, '--jobs', '1', '--quiet']);
  assert.equal(r1.status, 0, r1.stderr);
  assert.equal(r1.stderr, '', '--quiet prints nothing');
  const r2 = scan([dir, '--checks', 'provenance,ai,cues,marks', '--out', two, '--jobs', '2']);
  assert.equal(r2.status, 0, r2.stderr);
  assert.deepEqual(readFileSync(two, 'utf8'), readFileSync(one, 'utf8'));
  const lines = readJsonl(one);
  assert.equal(lines.length, 6);
  for (const line of lines) {
    assert.deepEqual(Object.keys(line), ['path', 'size', 'sha256', 'format', 'provenance', 'ai', 'cues', 'marks']);
    assert.ok(['ai', 'likely-ai', 'unknown', 'likely-real'].includes(line.ai.verdict), JSON.stringify(line.ai));
    assert.ok(Array.isArray(line.cues.faces) && 'nsfw' in line.cues && Array.isArray(line.cues.metadata));
    assert.equal(line.cues.timings_ms, undefined);
  }
  const generator = lines.find((l) => l.path.endsWith('generator-text.png'));
  assert.ok(generator.provenance.generator, 'the generator text is read');
});

test('a scan killed midway (SIGKILL, partial last line) resumes to exactly the uninterrupted result', async () => {
  const dir = imageFolder('kill', 18);
  const whole = path.join(work, 'kill-whole.jsonl');
  const args = [dir, '--checks', 'provenance,ai,marks', '--jobs', '2', '--quiet'];
  assert.equal(scan([...args, '--out', whole]).status, 0);

  const out = path.join(work, 'kill-resumed.jsonl');
  const child = spawn(CLI, ['scan', ...args, '--out', out], { cwd: root, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let lines = 0;
  for (let waited = 0; waited < 120_000 && lines < 3; waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
    lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0;
  }
  child.kill('SIGKILL');
  const { signal } = await exited;
  assert.equal(signal, 'SIGKILL');
  const partial = readFileSync(out, 'utf8');
  assert.ok(partial.endsWith('\n'), 'every line written is whole');
  const written = partial.split('\n').length - 1;
  assert.ok(written >= 3 && written < 18, `killed midway (${written} of 18 lines)`);
  // As if the kill had come in the middle of a write: a trailing partial line.
  appendFileSync(out, '{"path":"' + dir + '/zz-half');

  const resumed = scan([...args, '--out', out, '--resume'].filter((a) => a !== '--quiet'));
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /cut a partial last line/);
  assert.match(resumed.stderr, new RegExp(`scanned ${18 - written} file`));
  assert.equal(readFileSync(out, 'utf8'), readFileSync(whole, 'utf8'));
});

test('SIGTERM stops a scan with exit 143 and whole lines only', async () => {
  const dir = imageFolder('term', 12);
  const out = path.join(work, 'term.jsonl');
  const child = spawn(CLI, ['scan', dir, '--checks', 'ai', '--jobs', '2', '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  for (let waited = 0; waited < 120_000 && !(existsSync(out) && statSync(out).size > 0); waited += 20) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGTERM');
  const code = await exited;
  if (code === 0) return; // finished before the signal arrived: nothing to check
  assert.equal(code, 143, stderr);
  assert.match(stderr, /stopped by SIGTERM.*--resume/);
  const text = readFileSync(out, 'utf8');
  assert.ok(text.endsWith('\n'));
  for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
});

test('bad input gets error lines with codes and the scan goes on', () => {
  const fifo = path.join(work, 'a-pipe');
  spawnSync('mkfifo', [fifo]);
  const big = path.join(work, 'big.png');
  writeFileSync(big, Buffer.concat([readFileSync(corpus('gradient.png')), Buffer.alloc(1_500_000)]));
  const list = [
    path.join(work, 'no-such-file.jpg'), corpus('malformed/png-cut-50.png'), corpus('malformed/garbage.bin'),
    corpus('malformed/huge-100000x100000.png'), ...(existsSync(fifo) ? [fifo] : []), corpus('photo.jpg'),
  ].join('\n');
  const out = path.join(work, 'bad.jsonl');
  const r = scan(['-', big, '--checks', 'provenance,ai', '--out', out, '--max-file-mb', '1'], { input: list });
  assert.equal(r.status, 2, r.stderr);
  const byName = Object.fromEntries(readJsonl(out).map((l) => [path.basename(l.path), l]));
  assert.equal(byName['no-such-file.jpg'].error.code, 'not_found');
  assert.equal(byName['png-cut-50.png'].ai.error.code, 'corrupt_data');
  assert.equal(byName['png-cut-50.png'].format, 'png');
  assert.ok(byName['garbage.bin'].ai.error, 'a non-image file fails the AI check');
  assert.equal(byName['garbage.bin'].format, null);
  assert.equal(byName['huge-100000x100000.png'].ai.error.code, 'too_large');
  if (existsSync(fifo)) assert.equal(byName['a-pipe'].error.code, 'unreadable');
  assert.equal(byName['big.png'].error.code, 'too_large');
  assert.match(byName['big.png'].sha256, /^[0-9a-f]{64}$/, 'a file refused for its size is still identified');
  assert.ok(byName['photo.jpg'].ai.verdict, 'the good file after the bad ones is scanned');
});

test('a check that hangs is stopped after --file-timeout; the worker is replaced and the scan goes on', () => {
  const dir = path.join(work, 'hang');
  mkdirSync(dir);
  copyFileSync(corpus('photo.jpg'), path.join(dir, 'a-hang-me.jpg'));
  copyFileSync(corpus('photo.jpg'), path.join(dir, 'b-fine.jpg'));
  copyFileSync(corpus('gradient.png'), path.join(dir, 'c-fine.png'));
  const out = path.join(work, 'hang.jsonl');
  const started = Date.now();
  const r = scan([dir, '--checks', 'provenance,marks', '--jobs', '1', '--file-timeout', '3', '--out', out],
    { env: { FILIGRANE_SCAN_TEST_HANG: 'hang-me' } });
  assert.equal(r.status, 2, r.stderr);
  assert.ok(Date.now() - started < 60_000);
  const [hung, fine, alsoFine] = readJsonl(out);
  assert.equal(hung.provenance.error.code, 'timeout');
  assert.match(hung.provenance.error.message, /provenance check did not finish within 3 s/);
  assert.equal(hung.marks.error.code, 'not_run');
  assert.equal(fine.marks.sd.found, false);
  assert.ok(alsoFine.provenance && !alsoFine.provenance.error);
});

test('--shard I/N splits the input into disjoint shares that cover it', () => {
  const dir = imageFolder('shards', 24);
  const paths = (r) => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).path);
  const all = paths(scan([dir, '--checks', 'provenance', '--quiet']));
  assert.equal(all.length, 24);
  const shares = [0, 1, 2].map((i) => paths(scan([dir, '--checks', 'provenance', '--quiet', '--shard', `${i}/3`])));
  assert.ok(shares.every((s) => s.length > 0 && s.length < all.length), JSON.stringify(shares));
  assert.deepEqual(shares.flat().sort(), [...all].sort());
  // Each share keeps the input order, and the same share comes out twice.
  for (const share of shares) assert.deepEqual(share, all.filter((p) => share.includes(p)));
  assert.deepEqual(paths(scan([dir, '--checks', 'provenance', '--quiet', '--shard', '1/3'])), shares[1]);
});

test('folders: symbolic links out of the tree are not followed; links inside are', () => {
  const dir = path.join(work, 'links');
  mkdirSync(path.join(dir, 'inner'), { recursive: true });
  copyFileSync(corpus('photo.jpg'), path.join(dir, 'inner', 'real.jpg'));
  symlinkSync(path.join(dir, 'inner', 'real.jpg'), path.join(dir, 'inside-link.jpg'));
  symlinkSync(corpus('gradient.png'), path.join(dir, 'outside-link.png'));
  symlinkSync(path.join(root, 'tests', 'corpus'), path.join(dir, 'outside-folder'));
  symlinkSync(path.join(dir, 'inner'), path.join(dir, 'loop'));
  // The results file inside the scanned folder is not scanned itself.
  const out = path.join(dir, 'results.jsonl');
  const r = scan([dir, '--checks', 'provenance', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const paths = readJsonl(out).map((l) => path.relative(dir, l.path));
  assert.deepEqual(paths, ['inner/real.jpg', 'inside-link.jpg']);
  assert.match(r.stderr, /outside-link\.png: symbolic link out of the tree/);
});

test('marks: with --key-file, Filigrane\'s own photo mark is found and named', () => {
  const dir = path.join(work, 'marked');
  mkdirSync(dir);
  const key = path.join(work, 'site.key');
  assert.equal(spawnSync(CLI, ['screen', 'keygen', key], { cwd: root }).status, 0);
  const mark = spawnSync(CLI, ['mark', '--key-file', key, '--payload', '00000000deadbeef', corpus('photo.jpg'), path.join(dir, 'marked.png')], { cwd: root, encoding: 'utf8' });
  assert.equal(mark.status, 0, mark.stderr);
  copyFileSync(corpus('gradient.png'), path.join(dir, 'plain.png'));
  const r = scan([dir, '--checks', 'marks', '--key-file', key, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const [marked, plain] = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(marked.marks.filigrane.found, true);
  assert.equal(marked.marks.filigrane.marks[0].payload, '00000000deadbeef');
  assert.equal(marked.marks.filigrane.marks[0].keyId, 'k1');
  assert.equal(plain.marks.filigrane.found, false);
  assert.equal(plain.marks.sd.found, false);
});

test('wrong usage exits 64; existing results are never overwritten without --resume', () => {
  assert.equal(scan(['tests/corpus/photo.jpg', '--checks', 'ai,frobnicate']).status, 64);
  assert.equal(scan(['tests/corpus/photo.jpg', '--shard', '3/3']).status, 64);
  assert.equal(scan(['tests/corpus/photo.jpg', '--resume']).status, 64);
  assert.equal(scan([]).status, 64);
  const out = path.join(work, 'exists.jsonl');
  writeFileSync(out, '{"path":"x"}\n');
  const r = scan(['tests/corpus/photo.jpg', '--out', out]);
  assert.equal(r.status, 64);
  assert.match(r.stderr, /already holds results/);
  assert.equal(readFileSync(out, 'utf8'), '{"path":"x"}\n');
});

test('--summary counts verdicts, cue kinds and errors and writes an HTML report that loads nothing', () => {
  const dir = imageFolder('summary', 3);
  copyFileSync(corpus('malformed/png-cut-50.png'), path.join(dir, 'zz-damaged.png'));
  copyFileSync(corpus('redact/meta.png'), path.join(dir, 'meta.png'));
  const out = path.join(work, 'summary.jsonl');
  assert.equal(scan([dir, '--checks', 'provenance,ai,cues', '--out', out, '--quiet']).status, 2);
  const r = spawnSync(CLI, ['scan', '--summary', out, '--json'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.files, 5);
  assert.equal(s.failed, 1);
  assert.equal(Object.values(s.verdicts).reduce((a, b) => a + b, 0), 5);
  assert.equal(s.errors['ai: corrupt_data'], 1);
  assert.equal(s.metadata['generator-prompt'], 1, JSON.stringify(s.metadata));
  assert.ok(s.flagged >= 1);
  const html = readFileSync(s.html, 'utf8');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:/);
  assert.match(html, /<img src="data:image\/jpeg;base64,/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  assert.match(html, /zz-damaged\.png/);
  const text = spawnSync(CLI, ['scan', '--summary', out], { cwd: root, encoding: 'utf8' });
  assert.match(text.stdout, /AI verdict\n/);
  assert.match(text.stdout, /ai: corrupt_data +1/);
});

const dask = spawnSync('/usr/bin/python3', ['-c', 'import distributed'], { encoding: 'utf8' });
test('Dask (python3-distributed): a scheduler and two workers on 127.0.0.1 give the same lines as one scan',
  { skip: dask.status === 0 ? false : `python3-distributed is not installed (make scan-deps): ${dask.stderr?.trim().split('\n').pop()}` }, () => {
    const dir = imageFolder('dask', 6);
    const direct = path.join(work, 'dask-direct.jsonl');
    assert.equal(scan([dir, '--checks', 'provenance,marks', '--out', direct, '--quiet']).status, 0);
    const out = path.join(work, 'dask.jsonl');
    const r = spawnSync('/usr/bin/python3', ['tools/dask_scan.py', dir, '--out', out, '--checks', 'provenance,marks', '--workers', '2', '--shards', '3'],
      { cwd: root, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /6 file\(s\) from 3 shard\(s\) on 2 worker thread\(s\)/);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(direct, 'utf8'));
  });
