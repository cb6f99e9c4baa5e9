// filigrane ai FILE: the AI-image verdict with its reasons, as JSON.
import { engine, parseCommandArgs, printJson, readInput } from '../cli-support.mjs';

export default {
  name: 'ai',
  summary: 'is this image AI-generated? verdict (ai, likely-ai, unknown, likely-real), probability and reasons',
  usage: 'ai FILE [--no-detector]',
  async run(args) {
    const { positionals, values } = parseCommandArgs(args, { 'no-detector': { type: 'boolean' } }, { positionals: [1, 1] });
    const core = await engine();
    const bytes = await readInput(positionals[0]);
    printJson({ file: positionals[0], ...(await core.aiVerdict(bytes, { detector: !values['no-detector'] })) });
  },
};
