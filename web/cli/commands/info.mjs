// filigrane info FILE: decode an image and print what the core found, as JSON.
import { engine, parseCommandArgs, printJson, readInput } from '../cli-support.mjs';

export default {
  name: 'info',
  summary: 'decode an image and print its size, format and metadata summary as JSON',
  usage: 'info [--max-megapixels N] FILE',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { 'max-megapixels': { type: 'string' } },
      { positionals: [1, 1] });
    const file = positionals[0];
    const maxPixels = values['max-megapixels'] ? Number(values['max-megapixels']) * 1e6 : undefined;
    const bytes = await readInput(file);
    const core = await engine();
    printJson({ file, ...core.info(bytes, maxPixels ? { maxPixels } : {}) });
  },
};
