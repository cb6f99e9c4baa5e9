// `filigrane scan`: every file of the inputs through the chosen checks on
// --jobs worker threads, one JSON line per file in input order, resumable.
import path from 'node:path';
import { scanInputs } from './inputs.mjs';
import { ScanPool } from './pool.mjs';
import { closeResults, lineFailed, openResults, writeLine } from './output.mjs';

export const CHECKS = ['provenance', 'ai', 'cues', 'marks'];
// The order a worker runs them in (the AI verdict reuses provenance and the mark).
const RUN_ORDER = ['provenance', 'marks', 'ai', 'cues'];

/** Exit codes (README "Scanning an archive"). */
export const SCAN_EXIT = { ok: 0, internal: 1, someFailed: 2, usage: 64, interrupted: 130, terminated: 143 };

function lineFor(file, checks, outcome) {
  const line = { path: file, size: outcome.head?.size ?? null, sha256: outcome.head?.sha256 ?? null, format: outcome.head?.format ?? null };
  if (outcome.error) line.error = outcome.error;
  for (const name of checks) if (outcome.results?.[name]) line[name] = outcome.results[name];
  return line;
}

const secondsText = (s) => (s >= 5400 ? `${(s / 3600).toFixed(1)} h` : s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

/**
 * @param {{inputs: string[], checks: string[], out: string|null, resume: boolean, jobs: number,
 *          shard: {index, count}|null, timeoutMs: number, maxFileBytes: number, thorough: boolean,
 *          keys: object[], quiet: boolean, stdin?: NodeJS.ReadableStream, stderr?: NodeJS.WriteStream}} o
 * @returns {Promise<number>} exit code
 */
export async function runScan(o) {
  const stderr = o.stderr ?? process.stderr;
  const say = (text) => { if (!o.quiet) stderr.write(text); };
  const checks = CHECKS.filter((c) => o.checks.includes(c));
  const state = o.out ? await openResults(o.out, { resume: o.resume }) : { fd: 1, done: new Map(), lines: 0, failed: 0, cut: 0 };
  if (state.cut) say(`filigrane: cut a partial last line (${state.cut} bytes) from ${o.out}; that file is scanned again\n`);
  if (o.resume && state.lines) say(`filigrane: ${state.lines} file(s) already in ${o.out}; scanning the rest\n`);

  const pool = new ScanPool({
    size: o.jobs, timeoutMs: o.timeoutMs,
    workerData: { checks: RUN_ORDER.filter((c) => checks.includes(c)), thorough: o.thorough, keys: o.keys, maxFileBytes: o.maxFileBytes,
      testHangOn: process.env.FILIGRANE_SCAN_TEST_HANG ?? null },
  });
  const runChecks = RUN_ORDER.filter((c) => checks.includes(c));

  // Lines are written in input order: finished lines wait here for the ones
  // before them; the dispatcher stays at most `window` files ahead, so memory
  // stays bounded however large the input.
  const window = o.jobs * 8 + 16;
  const finished = new Map();
  let nextToWrite = 0;
  let wakeDispatcher = null;
  const stats = { written: 0, skipped: 0, failed: 0, started: Date.now(), total: null, seen: 0 };
  const skippedNotes = [];

  function complete(index, line) {
    finished.set(index, line);
    while (finished.has(nextToWrite)) {
      const ready = finished.get(nextToWrite);
      finished.delete(nextToWrite);
      nextToWrite++;
      if (ready === null) {
        stats.skipped++;
      } else {
        writeLine(state.fd, JSON.stringify(ready));
        stats.written++;
        if (lineFailed(ready)) stats.failed++;
      }
    }
    wakeDispatcher?.();
  }

  // Progress on a terminal only (a log file or pipe gets the closing line alone).
  const showProgress = !o.quiet && stderr.isTTY;
  const progress = () => {
    const elapsed = (Date.now() - stats.started) / 1000;
    const rate = stats.written / Math.max(elapsed, 1e-3);
    const left = stats.total !== null ? stats.total - stats.written - stats.skipped : null;
    const eta = left !== null && rate > 0 ? `, about ${secondsText(left / rate)} left` : '';
    const of = stats.total !== null ? ` of ${stats.total}` : '';
    stderr.write(`\r\x1b[K${stats.written + stats.skipped}${of} files (${stats.failed} failed${stats.skipped ? `, ${stats.skipped} already done` : ''}), ${rate.toFixed(2)} files/s${eta}`);
  };
  const ticker = showProgress ? setInterval(progress, 500) : null;
  if (showProgress && !o.inputs.includes('-')) {
    // Count in the background (a directory walk only) to say how long is left.
    (async () => {
      let n = 0;
      for await (const _ of scanInputs(o.inputs, { shard: o.shard })) n++;
      stats.total = n;
    })().catch(() => {});
  }

  let stopping = null;
  const stop = (signal) => {
    if (stopping) return;
    stopping = signal;
    wakeDispatcher?.();
    if (ticker) clearInterval(ticker);
    pool.close().finally(() => {
      if (o.out) closeResults(state.fd);
      stderr.write(`${showProgress ? '\n' : ''}filigrane: stopped by ${signal} after ${stats.written} new line(s); `
        + `${o.out ? `run the same command with --resume to go on` : 'nothing partial was written'}\n`);
      process.exit(signal === 'SIGINT' ? SCAN_EXIT.interrupted : SCAN_EXIT.terminated);
    });
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const running = new Set();
  const outResolved = o.out ? path.resolve(o.out) : null;
  let index = 0;
  try {
    for await (const item of scanInputs(o.inputs, { shard: o.shard, stdin: o.stdin, onSkip: (why, p) => skippedNotes.push(`${p}: ${why}`) })) {
      if (stopping) break;
      // The results file itself may sit in the folder being scanned.
      if (outResolved && path.resolve(item.path) === outResolved) continue;
      const at = index++;
      if (item.error) {
        complete(at, lineFor(item.path, checks, { error: item.error }));
        continue;
      }
      while (!stopping && at - nextToWrite >= window) await new Promise((resolve) => { wakeDispatcher = resolve; });
      await pool.acquire();
      if (stopping) break;
      const task = pool.run(item.path, { knownSha256: state.done.get(item.path) ?? null, checks: runChecks })
        .then((outcome) => { if (!stopping) complete(at, outcome.skipped ? null : lineFor(item.path, checks, outcome)); });
      running.add(task);
      task.finally(() => running.delete(task));
    }
    while (running.size) await Promise.race(running);
  } finally {
    if (!stopping) {
      if (ticker) clearInterval(ticker);
      await pool.close();
      if (o.out) closeResults(state.fd);
    }
  }
  if (stopping) await new Promise(() => {}); // stop() exits the process
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);

  const elapsed = (Date.now() - stats.started) / 1000;
  if (showProgress) stderr.write('\r\x1b[K');
  for (const note of skippedNotes) say(`filigrane: skipped ${note}\n`);
  const usage = process.resourceUsage();
  const peakMb = usage.maxRSS / 1024;
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6; // every thread of the process
  say(`filigrane: scanned ${stats.written} file(s) in ${elapsed.toFixed(1)} s (${(stats.written / Math.max(elapsed, 1e-3)).toFixed(2)} files/s, `
    + `${o.jobs} job(s))${stats.skipped ? `, ${stats.skipped} already in the output` : ''}, ${stats.failed} with errors; `
    + `peak memory ${Math.round(peakMb)} MB, CPU time ${cpuSeconds.toFixed(1)} s\n`);
  return stats.failed + state.failed > 0 ? SCAN_EXIT.someFailed : SCAN_EXIT.ok;
}
