#!/usr/bin/env node
// bench_core before and after in one table: TSV rows (target<TAB>kernel<TAB>ms)
// from interleaved rounds of the earlier build's binaries (targets suffixed
// "-before") and the current ones; each kernel keeps its fastest median over
// the rounds (the least disturbed by other work on a shared machine).
// Usage: node tools/bench_before_after.mjs OUT.md ROUNDS IN.tsv...
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [out, rounds, ...inputs] = process.argv.slice(2);
const best = new Map(); // kernel -> {target: ms}
for (const file of inputs) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [target, kernel, ms] = line.split('\t');
    if (!kernel) continue;
    if (!best.has(kernel)) best.set(kernel, {});
    const row = best.get(kernel);
    row[target] = Math.min(row[target] ?? Infinity, Number(ms));
  }
}
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const r = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const lines = [
  '# Core kernels, before and after issue 20',
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'CPU'}, ${os.cpus().length} cores shared with other agents (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end), Node ${process.version}; ${new Date().toISOString()}.`,
  `bench_core natively (g++ -O3) and as WebAssembly under Node, the build before issue 20 and this one, ${rounds} interleaved rounds; each cell is the fastest of the rounds' medians (ms). Native "before" allocated every image with a fresh mmap (glibc's default for large blocks), so each run faulted its pages in again; "after" keeps freed memory in the heap, as WebAssembly's heap does (tests/bench/bench_support.h). The PNG rows name the size each encoder produced.`,
  '',
  '| kernel | native before | native after | wasm before | wasm after | wasm / native before | wasm / native after |',
  '|---|---|---|---|---|---|---|',
];
for (const [kernel, t] of best) {
  lines.push(`| ${kernel} | ${f(t['native-before'])} | ${f(t.native)} | ${f(t['wasm-node-before'])} | ${f(t['wasm-node'])} | ${r(t['wasm-node-before'], t['native-before'])} | ${r(t['wasm-node'], t.native)} |`);
}
writeFileSync(out, lines.join('\n') + '\n');
process.stdout.write(lines.join('\n') + '\n');
