// filigrane mark / detect / sdmark: Filigrane's image watermark and the
// Stable Diffusion invisible-watermark messages.
import { writeFile } from 'node:fs/promises';
import { deriveMarkKeys } from '../../lib/mark-keys.mjs';
import { loadKeyFile } from '../../screenmark/server/handler.mjs';
import { UsageError, engine, parseCommandArgs, printJson, readInput } from '../cli-support.mjs';

export const mark = {
  name: 'mark',
  summary: 'embed an invisible keyed 64-bit mark in a photo (writes PNG)',
  usage: 'mark (--key K | --key-file FILE) --payload HEX [--psnr DB] [--payload-bits auto|32|64] IN OUT.png   '
    + '(--key-file: the file\'s current key; auto: the compact 32-bit layout, which survives on smaller copies, when HEX is below 2^32)',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      key: { type: 'string' }, 'key-file': { type: 'string' }, payload: { type: 'string' }, psnr: { type: 'string' },
      'payload-bits': { type: 'string' },
    }, { positionals: [2, 2] });
    const payloadBits = values['payload-bits'] ?? 'auto';
    if (!['auto', '32', '64'].includes(payloadBits)) throw new UsageError('--payload-bits must be auto, 32 or 64');
    if ((!values.key && !values['key-file']) || !values.payload) throw new UsageError('--key (or --key-file) and --payload are required');
    if (values.key && values['key-file']) throw new UsageError('give --key or --key-file, not both');
    if (values['key-file']) {
      const ring = await loadKeyFile(values['key-file']);
      values.key = (await deriveMarkKeys(ring)).find((m) => m.id === ring.current).photo;
    }
    const psnr = values.psnr === undefined ? 0 : Number(values.psnr);
    if (!Number.isFinite(psnr)) throw new UsageError('--psnr must be a number');
    const bytes = await readInput(positionals[0]);
    const core = await engine();
    const { bytes: png, psnr: measured, payloadBits: bits } = core.markImage(bytes, {
      key: values.key, payload: values.payload, psnr, payloadBits: payloadBits === 'auto' ? 'auto' : Number(payloadBits),
    });
    await writeFile(positionals[1], png);
    process.stderr.write(`marked ${positionals[1]} (PSNR ${measured.toFixed(2)} dB, ${bits}-bit layout)\n`);
  },
};

export const detect = {
  name: 'detect',
  summary: 'look for Filigrane\'s image mark of a key; prints JSON (found, payload, confidence)',
  usage: 'detect --key K [--map] IN',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { key: { type: 'string' }, map: { type: 'boolean' } },
      { positionals: [1, 1] });
    if (!values.key) throw new UsageError('--key is required');
    const core = await engine();
    const report = core.detectImageMark(await readInput(positionals[0]), { key: values.key });
    if (!values.map) delete report.map;
    printJson({ file: positionals[0], ...report });
  },
};

export const sdmark = {
  name: 'sdmark',
  summary: 'look for the invisible marks Stable Diffusion tools embed; prints JSON (found, kind, bit agreement)',
  usage: 'sdmark IN',
  async run(args) {
    const { positionals } = parseCommandArgs(args, {}, { positionals: [1, 1] });
    const core = await engine();
    printJson({ file: positionals[0], ...core.detectSdMark(await readInput(positionals[0])) });
  },
};
