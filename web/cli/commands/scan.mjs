// filigrane scan: a whole archive (files, folders, a list on stdin) through
// provenance, AI, cues and mark checks; one JSON line per file; resumable,
// shardable; and --summary for the counts and an HTML report.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { keysToTry } from '../../lib/leak-check.mjs';
import { loadKeyFile } from '../../screenmark/server/handler.mjs';
import { UsageError, parseCommandArgs } from '../cli-support.mjs';
import { parseShard } from '../scan/inputs.mjs';
import { CHECKS, runScan } from '../scan/run-scan.mjs';
import { runSummary } from '../scan/summary.mjs';

export default {
  name: 'scan',
  summary: 'scan files, folders or a list (-) with every check; one JSON line per file; resumable, shardable; --summary for a report',
  usage: 'scan INPUT... [--checks provenance,ai,cues,marks] [--out results.jsonl] [--resume] [--jobs N] [--shard I/N]\n'
    + '                [--file-timeout SECONDS] [--max-file-mb MB] [--thorough] [--key-file FILE | --key K] [--quiet]\n'
    + '       scan --summary results.jsonl [--html report.html] [--max-thumbnails N] [--json]\n\n'
    + 'INPUT: files, folders (walked recursively; no symbolic link is followed out of the tree) or - for a\n'
    + 'newline-separated list of paths on standard input. Each line: path, size, sha256, format and each check\'s\n'
    + 'result or {"error": {code, message}}; lines come in input order (a folder: path order).\n'
    + '--checks      any of provenance, ai, cues, marks (default: all four)\n'
    + '--out FILE    the results (default: standard output); never overwritten: continue it with --resume\n'
    + '--resume      skip files whose path and sha256 already have a line in --out (a partial last line is cut)\n'
    + '--jobs N      worker threads, each with its own engine and models (default: the number of cores)\n'
    + '--shard I/N   only the files whose path hashes to I of N (0 <= I < N): run N copies to split the work\n'
    + '--file-timeout stop a file\'s checks after this many seconds and report it (default 60)\n'
    + '--max-file-mb files above this size are reported as too_large without being read (default 512)\n'
    + '--thorough    cues: the full face scan and second text reading (slower)\n'
    + '--key-file/--key  marks: also look for Filigrane\'s own screen and photo marks with these keys\n'
    + '--summary     counts per verdict, cue kind and error of a results file, and an HTML report with\n'
    + '              thumbnails of the flagged files (made here; the report loads nothing from the network)\n\n'
    + 'Exit codes: 0 every file scanned without error; 2 at least one line records an error (the scan still\n'
    + 'went through every file); 1 internal error; 64 wrong usage; 130 / 143 stopped by SIGINT / SIGTERM\n'
    + '(every line written is whole: run again with --resume).',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      checks: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, jobs: { type: 'string' },
      shard: { type: 'string' }, 'file-timeout': { type: 'string' }, 'max-file-mb': { type: 'string' },
      thorough: { type: 'boolean' }, 'key-file': { type: 'string' }, key: { type: 'string', multiple: true },
      quiet: { type: 'boolean' }, summary: { type: 'string' }, html: { type: 'string' },
      'max-thumbnails': { type: 'string' }, json: { type: 'boolean' },
    });
    if (values.summary !== undefined) {
      if (positionals.length) throw new UsageError('--summary takes the results file alone');
      const maxThumbnails = values['max-thumbnails'] === undefined ? 200 : Number(values['max-thumbnails']);
      if (!Number.isInteger(maxThumbnails) || maxThumbnails < 0) throw new UsageError('--max-thumbnails must be a whole number >= 0');
      return runSummary({ results: values.summary, html: values.html ?? null, maxThumbnails, json: Boolean(values.json) });
    }
    if (!positionals.length) throw new UsageError('give at least one file, folder or - (a list of paths on standard input)');
    const checks = (values.checks ?? CHECKS.join(',')).split(',').map((c) => c.trim()).filter(Boolean);
    const unknown = checks.filter((c) => !CHECKS.includes(c));
    if (unknown.length || !checks.length) throw new UsageError(`--checks takes any of ${CHECKS.join(', ')} (got "${values.checks}")`);
    const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError('--jobs must be a whole number from 1 to 256');
    const shard = values.shard === undefined ? null : parseShard(values.shard);
    if (values.shard !== undefined && !shard) throw new UsageError('--shard must be I/N with 0 <= I < N (for example 0/4)');
    const timeout = values['file-timeout'] === undefined ? 60 : Number(values['file-timeout']);
    if (!(timeout > 0)) throw new UsageError('--file-timeout must be a number of seconds above 0');
    const maxMb = values['max-file-mb'] === undefined ? 512 : Number(values['max-file-mb']);
    if (!(maxMb > 0)) throw new UsageError('--max-file-mb must be a number above 0');
    if (values.resume && !values.out) throw new UsageError('--resume needs --out FILE (the results to continue)');
    if (values.out && !values.resume && existsSync(values.out) && statSync(values.out).size > 0) {
      throw new UsageError(`${values.out} already holds results: add --resume to continue it, or remove it to start again`);
    }
    if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('- (the list on standard input) can be given once');
    if ((values['key-file'] || values.key?.length) && !checks.includes('marks')) throw new UsageError('--key-file and --key are for the marks check');
    const keyring = values['key-file'] ? await loadKeyFile(values['key-file']) : null;
    const keys = (keyring || values.key?.length) ? await keysToTry({ keyring, plainKeys: values.key ?? [] }) : [];
    // WebAssembly runs on V8's baseline compiler only: measured here, the
    // optimising tier's background compiles of ONNX Runtime cost as much as
    // they saved over a scan, held the process for seconds at exit when two
    // or more workers had run models, and added about 60% to peak memory.
    if (process.env.FILIGRANE_SCAN_WASM_OPTIMISE !== '1') setFlagsFromString('--liftoff-only');
    return runScan({
      inputs: positionals, checks, out: values.out ?? null, resume: Boolean(values.resume), jobs, shard,
      timeoutMs: timeout * 1000, maxFileBytes: Math.round(maxMb * 1e6), thorough: Boolean(values.thorough), keys, quiet: Boolean(values.quiet),
    });
  },
};
