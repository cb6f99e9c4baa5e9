// filigrane screen overlay|apply|decode: the screen-content watermark.
import { writeFile } from 'node:fs/promises';
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

const SUBCOMMANDS = {
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
  summary: 'screen-content watermark: overlay, apply onto a capture, decode viewer and time',
  usage: [
    'screen overlay --key K (--payload HEX | --viewer ID [--time ISO]) --width W --height H [--dpr D] [--strength LEVELS] OUT.png',
    '       filigrane screen apply   --key K (--payload HEX | --viewer ID [--time ISO]) [--strength LEVELS] [--dpr D] IN OUT.png',
    '       filigrane screen decode  --key K [--map] IN',
  ].join('\n'),
  async run(args) {
    const [sub, ...rest] = args;
    const handler = SUBCOMMANDS[sub];
    if (!handler) throw new UsageError('use "screen overlay", "screen apply" or "screen decode"');
    await handler(rest);
  },
};
