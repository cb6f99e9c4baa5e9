// filigrane cues / redact: sensitive-content cues (faces, nudity, personal
// text, metadata) and one-step redaction that also strips all metadata.
import { rename, rm, writeFile } from 'node:fs/promises';
import { FiligraneError } from '../../lib/errors.mjs';
import { validateBoxes } from '../../lib/redact-boxes.mjs';
import path from 'node:path';
import { UsageError, engine, parseCommandArgs, printJson, readInput } from '../cli-support.mjs';

export const cues = {
  name: 'cues',
  summary: 'find faces, nudity, personal data in text and revealing metadata; prints JSON',
  usage: 'cues [--no-faces] [--no-nsfw] [--no-text] [--thorough] IN',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      'no-faces': { type: 'boolean' }, 'no-nsfw': { type: 'boolean' }, 'no-text': { type: 'boolean' },
      thorough: { type: 'boolean' },
    }, { positionals: [1, 1] });
    const core = await engine();
    const found = await core.cues(await readInput(positionals[0]), {
      faces: !values['no-faces'], nsfw: !values['no-nsfw'], text: !values['no-text'], thorough: Boolean(values.thorough),
    });
    printJson({ file: positionals[0], ...found });
  },
};

export const redact = {
  name: 'redact',
  summary: 'cover faces, personal data, codes, nudity or your own boxes; the output has no metadata',
  usage: 'redact IN OUT [--faces] [--pii] [--nsfw] [--boxes FILE.json] [--style fill|blur|pixelate] [--strip-metadata] [--quality N]\n'
    + '       redact IN --dry-run [--faces] [--pii] [--nsfw] [--boxes FILE.json]   (prints the boxes as JSON, writes nothing)\n\n'
    + 'Personal text, codes and --boxes are always covered with a solid fill; --style applies to faces and nudity\n'
    + '(blurred or pixelated text can be read back). --boxes takes a list of {x, y, width, height, kind?} in\n'
    + 'displayed pixels, or the JSON that --dry-run prints (edit it, then redact with --boxes alone).',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      faces: { type: 'boolean' }, pii: { type: 'boolean' }, nsfw: { type: 'boolean' },
      style: { type: 'string' }, 'strip-metadata': { type: 'boolean' }, quality: { type: 'string' },
      boxes: { type: 'string' }, 'dry-run': { type: 'boolean' },
    }, { positionals: [1, 2] });
    const dryRun = Boolean(values['dry-run']);
    if (dryRun && positionals.length !== 1) throw new UsageError('--dry-run takes the input file only (it writes nothing)');
    if (!dryRun && positionals.length !== 2) throw new UsageError('expected IN and OUT files (or --dry-run with IN alone)');
    const style = values.style ?? 'fill';
    if (!['blur', 'pixelate', 'fill'].includes(style)) throw new UsageError('--style must be fill, blur or pixelate');
    const quality = Number(values.quality ?? 90);
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new UsageError('--quality must be a whole number 1..100');
    const [input, output] = positionals;
    const format = output && /\.jpe?g$/i.test(output) ? 'jpeg' : 'png';
    const bytes = await readInput(input);
    const core = await engine();
    const header = core.header(bytes);
    const extra = values.boxes ? validateBoxes(await readBoxFile(values.boxes), header) : [];
    const chosen = { faces: Boolean(values.faces), pii: Boolean(values.pii), nsfw: Boolean(values.nsfw) };
    const detect = chosen.faces || chosen.pii || chosen.nsfw;
    if (!detect && extra.length === 0 && !values['strip-metadata'] && !(values.boxes && !dryRun)) {
      throw new UsageError('choose --faces, --pii, --nsfw, --boxes FILE.json and/or --strip-metadata');
    }
    let result;
    if (dryRun) {
      const found = detect ? await core.cues(bytes, { faces: chosen.faces, nsfw: chosen.nsfw, text: chosen.pii, thorough: true }) : null;
      for (const u of found?.unavailable ?? []) throw new FiligraneError(u.code, u.message);
      const boxes = [...(found ? core.proposeBoxes(found, chosen) : []), ...extra];
      printJson({ file: input, width: header.width, height: header.height, style, boxes,
        ...(found?.codes ? { codes: found.codes } : {}) });
      return;
    }
    if (detect) {
      // One decode: the pixels the cues were found in are the ones covered.
      result = await core.redactCues(bytes, { ...chosen, style, format, quality, regions: extra });
    } else {
      // Boxes or metadata only: re-encoding through the core writes pixels and nothing else.
      result = core.redactBoxes(bytes, extra, { style, format, quality });
    }
    await writeAtomically(output, result.bytes);
    process.stderr.write(`wrote ${path.basename(output)}: ${result.regions} region(s) covered`
      + ` (text, codes and drawn boxes: solid fill; faces: ${style}), no metadata\n`);
  },
};

/** Boxes from a JSON file: a list of boxes, or {boxes: [...]} as --dry-run prints it. */
async function readBoxFile(file) {
  const text = new TextDecoder().decode(await readInput(file));
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new FiligraneError('invalid_argument', `the box file ${file} is not valid JSON (${err.message})`);
  }
  const list = Array.isArray(parsed) ? parsed : parsed?.boxes;
  if (!Array.isArray(list)) throw new FiligraneError('invalid_argument', `the box file ${file} holds no list of boxes (expected [...] or {"boxes": [...]})`);
  return list;
}

/**
 * Writes `bytes` under a temporary name beside `target`, then renames it: a
 * reader never sees a partial file, and a failure leaves any file at
 * `target` (the input included) as it was.
 */
async function writeAtomically(target, bytes) {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, target);
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new FiligraneError('unwritable', `cannot write ${target} (${err.code ?? err.message})`);
  }
}
