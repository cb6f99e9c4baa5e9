// filigrane check: who leaked this image? Tries every mark Filigrane makes
// (screen and photo) with every key of a key file (and any --key), and says
// in words what it found; --json for the whole report.
import { checkLeak, keysToTry } from '../../lib/leak-check.mjs';
import { loadKeyFile } from '../../screenmark/server/handler.mjs';
import { UsageError, engine, parseCommandArgs, printJson, readInput } from '../cli-support.mjs';

export default {
  name: 'check',
  summary: 'check a leaked image for every Filigrane mark (screen and photo) with every key; says who and when',
  usage: 'check (--key-file FILE | --key K) [--json] [--map] IMAGE',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      'key-file': { type: 'string' }, key: { type: 'string', multiple: true }, json: { type: 'boolean' }, map: { type: 'boolean' },
    }, { positionals: [1, 1] });
    if (!values['key-file'] && !values.key?.length) throw new UsageError('--key-file FILE (or --key K) is required');
    const keyring = values['key-file'] ? await loadKeyFile(values['key-file']) : null;
    const bytes = await readInput(positionals[0]);
    const keys = await keysToTry({ keyring, plainKeys: values.key ?? [] });
    const report = await checkLeak(await engine(), bytes, keys);
    if (!values.map) for (const mark of report.marks) delete mark.map;
    if (values.json) printJson({ file: positionals[0], ...report });
    else process.stdout.write(`${report.summary}\n`);
  },
};
