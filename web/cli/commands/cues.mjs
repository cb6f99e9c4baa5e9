// filigrane cues / redact: sensitive-content cues (faces, nudity, personal
// text, metadata) and one-step redaction that also strips all metadata.
import { writeFile } from 'node:fs/promises';
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
  summary: 'blur, pixelate or fill faces, personal data or nudity; the output has no metadata',
  usage: 'redact IN OUT [--faces] [--pii] [--nsfw] [--style blur|pixelate|fill] [--strip-metadata]',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      faces: { type: 'boolean' }, pii: { type: 'boolean' }, nsfw: { type: 'boolean' },
      style: { type: 'string' }, 'strip-metadata': { type: 'boolean' }, quality: { type: 'string' },
    }, { positionals: [2, 2] });
    const style = values.style ?? 'blur';
    if (!['blur', 'pixelate', 'fill'].includes(style)) throw new UsageError('--style must be blur, pixelate or fill');
    const [input, output] = positionals;
    const format = /\.jpe?g$/i.test(output) ? 'jpeg' : 'png';
    const bytes = await readInput(input);
    const core = await engine();
    const chosen = { faces: Boolean(values.faces), pii: Boolean(values.pii), nsfw: Boolean(values.nsfw) };
    let result;
    if (!chosen.faces && !chosen.pii && !chosen.nsfw) {
      if (!values['strip-metadata']) throw new UsageError('choose --faces, --pii, --nsfw and/or --strip-metadata');
      // Metadata only: re-encoding through the core writes pixels and nothing else.
      result = { ...core.redactRegions(bytes, { regions: [], format, quality: Number(values.quality ?? 90) }), regions: 0 };
    } else {
      result = await core.redactCues(bytes, { ...chosen, style, format, quality: Number(values.quality ?? 90) });
    }
    await writeFile(output, result.bytes);
    process.stderr.write(`wrote ${path.basename(output)}: ${result.regions} region(s) redacted (${style}), no metadata\n`);
  },
};
