// Batch normaliser for the detector's Python training/eval: runs the exact
// browser/CLI normalisation (web/lib/ai-detector.mjs on the WebAssembly core),
// optionally after augmentation steps, and writes the result as PNG.
// Usage: node models/ai-detector/normalise.mjs jobs.json
//   jobs.json: [{"src": path, "out": path.png, "steps": [{"width", "height", "format": "jpeg"|"png", "quality"}]}]
// Each step is a core Lanczos-3 resize + re-encode applied before the normalisation.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createFiligraneNode } from '../../web/lib/node.mjs';
import { normaliseForDetector } from '../../web/lib/ai-detector.mjs';

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const ops = await createFiligraneNode();
let done = 0;
for (const job of jobs) {
  if (existsSync(job.out)) continue;
  let bytes = new Uint8Array(readFileSync(job.src));
  for (const s of job.steps ?? []) {
    bytes = ops.resize(bytes, { width: s.width, height: s.height, filter: 'lanczos3', format: s.format, quality: s.quality ?? 90 });
  }
  const img = normaliseForDetector(ops, bytes);
  writeFileSync(job.out, ops.encode(img, { format: 'png' }));
  done++;
}
console.log(`normalised ${done} of ${jobs.length}`);
