#!/usr/bin/env node
// Filigrane's command line: the same WebAssembly module and JS library as the
// page, run under Node. Exit codes: 0 success, 1 internal failure, 2 bad input
// (unreadable, damaged, unsupported or too large), 64 wrong usage.
import { FiligraneError } from '../lib/errors.mjs';
import { commands } from './commands/index.mjs';
import { UsageError } from './cli-support.mjs';
import { releaseModelSessions } from '../lib/models.mjs';

const EXIT = { ok: 0, internal: 1, input: 2, usage: 64 };
const INPUT_CODES = new Set(['invalid_argument', 'unsupported_format', 'corrupt_data', 'too_large', 'not_found', 'unreadable', 'invalid_key_file', 'insecure_key_file']);

function helpText() {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Filigrane: private, on-device image watermarking, provenance and redaction.',
    '',
    'Usage: filigrane <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "filigrane <command> --help" for a command\'s options.',
    'Exit codes: 0 ok, 1 internal error, 2 bad input, 64 wrong usage.',
  ].join('\n');
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText() + '\n');
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version') {
    process.stdout.write('filigrane 0.1.0\n');
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; run "filigrane --help"`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: filigrane ${command.usage}\n\n${command.summary}\n`);
    return EXIT.ok;
  }
  // A command may return its own exit code (scan: 2 when some file failed).
  return (await command.run(rest)) ?? EXIT.ok;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`filigrane: ${err.message}\n`);
    process.exitCode = EXIT.usage;
  } else if (err instanceof FiligraneError) {
    process.stderr.write(`filigrane: ${err.userMessage}\n`);
    process.exitCode = INPUT_CODES.has(err.code) ? EXIT.input : EXIT.internal;
  } else {
    process.stderr.write(`filigrane: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = EXIT.internal;
  }
}

// Exit as soon as the work is done: the output is already written (renamed
// into place), and ONNX Runtime's sessions and threads must not keep the
// process alive (a script with a timeout would lose a finished result).
await releaseModelSessions().catch(() => {});
await new Promise((resolve) => process.stdout.write('', () => process.stderr.write('', resolve)));
process.exit();
