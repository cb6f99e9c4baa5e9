// filigrane provenance FILE: C2PA, XMP, IPTC, EXIF and generator metadata as JSON.
import { engine, parseCommandArgs, printJson, readInput } from '../cli-support.mjs';

export default {
  name: 'provenance',
  summary: 'read Content Credentials (C2PA), XMP/IPTC source type, EXIF and generator text as JSON',
  usage: 'provenance FILE',
  // C2PA signatures are checked with the official validator (c2pa-rs) when a manifest is present.
  async run(args) {
    const { positionals } = parseCommandArgs(args, {}, { positionals: [1, 1] });
    const core = await engine();
    printJson({ file: positionals[0], ...(await core.provenanceReport(await readInput(positionals[0]))) });
  },
};
