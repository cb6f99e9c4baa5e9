// filigrane screen keygen|serve|overlay|apply|decode: the screen-content watermark.
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import { FiligraneError } from '../../lib/errors.mjs';
import { formatKeyFile, newKeyEntry, nextKeyId } from '../../lib/mark-keys.mjs';
import { loadKeyFile } from '../../screenmark/server/handler.mjs';
import { startScreenmarkDemo } from '../../screenmark/server/demo.mjs';
import { viewerTimePayload } from '../../lib/core-ops.mjs';
import { straightFromPremultiplied } from '../../lib/pixels.mjs';
import { UsageError, engine, parseCommandArgs, printJson, readInput } from '../cli-support.mjs';

const MARK_OPTIONS = {
  key: { type: 'string' },
  payload: { type: 'string' },
  viewer: { type: 'string' },
  time: { type: 'string' },
  strength: { type: 'string' },
  dpr: { type: 'string' },
};

function requireKey(values) {
  if (!values.key) throw new UsageError('--key is required');
  return values.key;
}

// --payload HEX, or --viewer N [--time ISO-8601] (default: now).
function payloadFrom(values) {
  if (values.payload !== undefined) return values.payload;
  if (values.viewer === undefined) throw new UsageError('give --payload HEX or --viewer ID [--time ISO]');
  const date = values.time ? new Date(values.time) : new Date();
  if (Number.isNaN(date.getTime())) throw new UsageError(`--time "${values.time}" is not a date`);
  return viewerTimePayload(values.viewer, date);
}

function numberOption(values, name, fallback) {
  if (values[name] === undefined) return fallback;
  const n = Number(values[name]);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number`);
  return n;
}

// Strength is given in 8-bit levels of overlay alpha (default 3.5), like the table in the README.
const strengthFrom = (values) => numberOption(values, 'strength', 0) / 255;

/** Writes `text` to a file that must not exist yet, readable by its owner only. */
async function writeNewSecretFile(file, text) {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (err) {
    if (err.code === 'EEXIST') throw new FiligraneError('invalid_argument', `${file} already exists; Filigrane never overwrites a key file`);
    throw new FiligraneError('unreadable', `cannot create ${file} (${err.code ?? 'error'})`);
  }
  try {
    await handle.chmod(0o600); // whatever the umask
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

const SUBCOMMANDS = {
  // New key file (one key, k1), or --add: a new current key k<n+1>, older keys kept for decoding.
  async keygen(args) {
    const { values, positionals } = parseCommandArgs(args, { add: { type: 'boolean' }, id: { type: 'string' } }, { positionals: [1, 1] });
    const [file] = positionals;
    if (!values.add) {
      const entry = newKeyEntry(values.id ?? 'k1');
      await writeNewSecretFile(file, formatKeyFile([entry]));
      process.stderr.write(`wrote ${file} (key ${entry.id}, readable by you only)\n`);
      return;
    }
    const ring = await loadKeyFile(file);
    const id = values.id ?? nextKeyId(ring.entries);
    if (ring.entries.some((e) => e.id === id)) throw new UsageError(`key id ${id} is already in ${file}`);
    const entry = newKeyEntry(id);
    const temp = `${file}.new-${process.pid}`;
    await writeNewSecretFile(temp, formatKeyFile([...ring.entries, entry], id));
    try {
      await rename(temp, file);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw new FiligraneError('unreadable', `cannot replace ${file} (${err.code ?? 'error'})`);
    }
    process.stderr.write(`added key ${id} to ${file}; new marks use it, older keys still decode\n`);
  },
  async serve(args) {
    const { values } = parseCommandArgs(args, { 'key-file': { type: 'string' }, port: { type: 'string' }, strength: { type: 'string' } },
      { positionals: [0, 0] });
    if (!values['key-file']) throw new UsageError('--key-file is required (create one with "filigrane screen keygen FILE")');
    const port = values.port === undefined ? 8090 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a whole number from 0 to 65535');
    const keys = await loadKeyFile(values['key-file']);
    const core = await engine();
    const demo = await startScreenmarkDemo({
      keys, port, engine: core, strength: strengthFrom(values),
      onViewer: (viewerId) => process.stdout.write(`viewer ${viewerId} assigned to a new browser session\n`),
    });
    process.stdout.write(`screen-mark demo on ${demo.url} (key ${keys.current}; tiles at ${demo.url}screenmark/tile); Ctrl-C stops it\n`);
    await new Promise((resolve) => {
      const stop = () => demo.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
  async overlay(args) {
    const { values, positionals } = parseCommandArgs(args, {
      ...MARK_OPTIONS, width: { type: 'string' }, height: { type: 'string' },
    }, { positionals: [1, 1] });
    const core = await engine();
    const overlay = core.screenOverlay({
      key: requireKey(values), payload: payloadFrom(values), strength: strengthFrom(values),
      width: numberOption(values, 'width', NaN), height: numberOption(values, 'height', NaN), dpr: numberOption(values, 'dpr', 1),
    });
    const png = core.encode({ width: overlay.width, height: overlay.height, rgba: straightFromPremultiplied(overlay.rgba) });
    await writeFile(positionals[0], png);
  },
  async apply(args) {
    const { values, positionals } = parseCommandArgs(args, MARK_OPTIONS, { positionals: [2, 2] });
    const [input, output] = positionals;
    const bytes = await readInput(input);
    const core = await engine();
    const png = core.screenApply(bytes, {
      key: requireKey(values), payload: payloadFrom(values), strength: strengthFrom(values), dpr: numberOption(values, 'dpr', 1),
    });
    await writeFile(output, png);
  },
  async decode(args) {
    const { values, positionals } = parseCommandArgs(args, { key: { type: 'string' }, map: { type: 'boolean' } },
      { positionals: [1, 1] });
    const bytes = await readInput(positionals[0]);
    const core = await engine();
    const report = core.screenDecode(bytes, { key: requireKey(values) });
    if (!values.map) delete report.map;
    printJson({ file: positionals[0], ...report });
  },
};

export default {
  name: 'screen',
  summary: 'screen-content watermark: key files, the demo server, overlay, apply onto a capture, decode viewer and time',
  usage: [
    'screen keygen [--add] [--id ID] FILE   (a new key file, mode 0600; --add: a new current key in FILE)',
    '       filigrane screen serve --key-file FILE [--port N]   (demo site on 127.0.0.1: page, module, tile endpoint)',
    '       filigrane screen overlay --key K (--payload HEX | --viewer ID [--time ISO]) --width W --height H [--dpr D] [--strength LEVELS] OUT.png',
    '       filigrane screen apply   --key K (--payload HEX | --viewer ID [--time ISO]) [--strength LEVELS] [--dpr D] IN OUT.png',
    '       filigrane screen decode  --key K [--map] IN',
  ].join('\n'),
  async run(args) {
    const [sub, ...rest] = args;
    const handler = SUBCOMMANDS[sub];
    if (!handler || !Object.hasOwn(SUBCOMMANDS, sub)) throw new UsageError('use "screen keygen", "screen serve", "screen overlay", "screen apply" or "screen decode"');
    await handler(rest);
  },
};
