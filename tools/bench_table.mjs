#!/usr/bin/env node
// Joins benchmark TSV files (target<TAB>kernel<TAB>ms) into one Markdown
// table with the WebAssembly-to-native ratio, plus the machine it ran on.
// Usage: node tools/bench_table.mjs TITLE OUT.md IN.tsv...
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [title, out, ...inputs] = process.argv.slice(2);
const rows = new Map();
const targets = new Set();
for (const file of inputs) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [target, kernel, ms] = line.split('\t');
    if (!kernel) continue;
    targets.add(target);
    if (!rows.has(kernel)) rows.set(kernel, {});
    rows.get(kernel)[target] = Number(ms);
  }
}
const cols = [...targets];
const ratio = cols.includes('native') && cols.includes('wasm-node');
const header = ['kernel', ...cols.map((c) => `${c} ms (median)`), ...(ratio ? ['wasm / native'] : [])];
const lines = [
  `# ${title}`,
  '',
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString()}`,
  '',
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
];
for (const [kernel, t] of rows) {
  const cells = cols.map((c) => (t[c] === undefined ? '—' : t[c].toFixed(2)));
  if (ratio) cells.push(t.native && t['wasm-node'] ? (t['wasm-node'] / t.native).toFixed(2) + '×' : '—');
  lines.push(`| ${kernel} | ${cells.join(' | ')} |`);
}
writeFileSync(out, lines.join('\n') + '\n');
process.stdout.write(lines.join('\n') + '\n');
