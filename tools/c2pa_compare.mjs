// Compares Filigrane's own manifest reading (c2pa.manifests[], from the C++
// core) with c2pa-rs's reader JSON (@contentauth/c2pa-wasm) on every C2PA file
// in ../shared/data/provenance: per manifest, ingredient count, claim
// generator, signer and signing time; and per file, whether Filigrane calls
// valid what c2pa-rs calls invalid. Used by tests/node/c2pa-story.test.mjs and,
// run directly, writes its section of bench/ai.md:
//   node tools/c2pa_compare.mjs [--write bench/ai.md]
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READER_SETTINGS = JSON.stringify({ verify: { remote_manifest_fetch: false, ocsp_fetch: false } });
const MIME = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

let c2paModule = null;
async function c2pa() {
  if (c2paModule) return c2paModule;
  const require = createRequire(path.join(root, 'package.json'));
  const mod = await import(require.resolve('@contentauth/c2pa-wasm'));
  mod.initSync({ module: new WebAssembly.Module(readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm'))) });
  c2paModule = mod;
  return mod;
}

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (MIME[path.extname(name).toLowerCase()]) out.push(p);
  }
  return out;
}

const time = (t) => (t ? Date.parse(t) : null);

/**
 * Why a field may differ, said once per kind (bench/ai.md lists each). A
 * difference is "explained" only when one of these rules covers it exactly.
 */
const EXPLANATIONS = {
  'claim-generator-v2': 'c2pa-rs leaves `claim_generator` empty for a v2 claim (which has only `claim_generator_info`); Filigrane joins the info entries into "name/version"',
  'time-bad-signature': 'the claim signature of this manifest does not verify (claimSignature.mismatch, recorded or found), and c2pa-rs then gives no signing time; Filigrane still reports the time its RFC 3161 token states, and the node says the signature fails',
};

function explain(field, ours, theirs, readerManifest, node) {
  if (field === 'claim_generator' && !theirs && ours && (readerManifest?.claim_version === 2 || readerManifest?.claim_generator_info?.length)) return 'claim-generator-v2';
  if (field === 'signed_at' && ours && !theirs && (node?.validation?.codes ?? []).includes('claimSignature.mismatch')) return 'time-bad-signature';
  return null;
}

/** One row per manifest: {file, label, fields: {...ours, ...theirs}, differences[], explained, reasons[]}. */
export async function compareWithReader(core, provenanceDir) {
  const mod = await c2pa();
  const rows = [];
  for (const file of filesUnder(provenanceDir)) {
    const bytes = new Uint8Array(readFileSync(file));
    let ours;
    try {
      ours = await core.provenanceReport(bytes);
    } catch {
      continue;
    }
    if (!ours.c2pa?.embedded) continue;
    let json = null;
    let readerError = null;
    try {
      const reader = await mod.WasmReader.fromBytes(MIME[path.extname(file).toLowerCase()], bytes, READER_SETTINGS);
      json = JSON.parse(reader.json());
      reader.free();
    } catch (err) {
      readerError = String(err?.message ?? err).slice(0, 80);
    }
    const readerState = String(json?.validation_state ?? '').toLowerCase() || (readerError ? 'error' : '');
    const relative = path.relative(provenanceDir, file);
    for (const m of ours.c2pa.manifests) {
      const r = json?.manifests?.[m.label] ?? null;
      const theirs = r ? {
        ingredients: (r.ingredients ?? []).length,
        claim_generator: r.claim_generator ?? null,
        signer: r.signature_info?.issuer ?? null,
        signed_at: r.signature_info?.time ?? null,
      } : null;
      const mine = { ingredients: m.ingredients.length, claim_generator: m.claim_generator, signer: m.signer, signed_at: m.signed_at };
      const differences = [];
      const reasons = [];
      if (!theirs) {
        differences.push(readerError ? `c2pa-rs could not read the file (${readerError})` : 'manifest absent from c2pa-rs\'s reading');
        reasons.push(readerError ? 'reader-error' : 'absent');
      } else {
        for (const field of ['ingredients', 'claim_generator', 'signer', 'signed_at']) {
          const same = field === 'signed_at' ? time(mine[field]) === time(theirs[field]) : (mine[field] ?? null) === (theirs[field] ?? null);
          if (same) continue;
          differences.push(`${field}: Filigrane ${JSON.stringify(mine[field])}, c2pa-rs ${JSON.stringify(theirs[field])}`);
          reasons.push(explain(field, mine[field], theirs[field], r, m));
        }
      }
      rows.push({
        file: relative, label: m.label, active: m.active, mine, theirs, differences,
        reasons, explained: reasons.every((x) => x && x !== 'absent'),
        readerState, readerError,
        filigraneResult: m.validation?.result ?? null,
        ownCheck: !m.own_check ? null : m.own_check.hash_matches === false ? 'does not match'
          : m.own_check.unprotected_bytes > 0 ? `matches, but ${m.own_check.unprotected_bytes.toLocaleString('en-US')} bytes besides the manifest are excluded (${m.own_check.unprotected_parts.join(', ')})`
            : m.own_check.hash_matches ? 'matches' : 'not recomputed',
        filigraneValid: m.active && ['valid', 'unknown-signer'].includes(m.validation?.result),
        readerInvalid: m.active && readerState === 'invalid',
      });
    }
  }
  return rows;
}

function cell(v) {
  if (v === null || v === undefined) return '—';
  return String(v).replace(/\|/g, '\\|');
}

/** The Markdown section for bench/ai.md. */
export function markdown(rows, { date, machine }) {
  const manifests = rows.length;
  const files = new Set(rows.map((r) => r.file)).size;
  const same = (field) => rows.filter((r) => r.theirs && (field === 'signed_at'
    ? time(r.mine[field]) === time(r.theirs[field]) : (r.mine[field] ?? null) === (r.theirs[field] ?? null))).length;
  const withReader = rows.filter((r) => r.theirs).length;
  const lines = [
    '<!-- c2pa-compare:start (written by node tools/c2pa_compare.mjs --write bench/ai.md) -->',
    '## Content Credentials tree against c2pa-rs\'s own reader',
    '',
    `Written by \`node tools/c2pa_compare.mjs --write bench/ai.md\` on ${date} (${machine}). Every C2PA file in \`../shared/data/provenance\` (${files} files, ${manifests} manifests): Filigrane's own reading (the C++ core's \`c2pa.manifests[]\`) against the JSON of c2pa-rs's reader (\`@contentauth/c2pa-wasm\` 0.15.0), manifest by manifest.`,
    '',
    '| field | equal to c2pa-rs | of manifests c2pa-rs read |',
    '|---|---|---|',
    ...['ingredients', 'claim_generator', 'signer', 'signed_at'].map((f) => `| ${f === 'ingredients' ? 'ingredient count' : f} | ${same(f)} | ${withReader} |`),
    '',
    `- Files Filigrane calls valid (or signed by an unknown signer) that c2pa-rs calls invalid: **${rows.filter((r) => r.filigraneValid && r.readerInvalid).length}**.`,
    `- Manifests c2pa-rs could not read at all: ${rows.filter((r) => !r.theirs).length} (listed below).`,
    '',
    '### Every difference, explained',
    '',
    '| file | manifest | difference | why |',
    '|---|---|---|---|',
  ];
  const why = {
    ...EXPLANATIONS,
    'reader-error': 'c2pa-rs refuses the whole file (its error in the difference column); Filigrane still reads the manifest and reports the validation as "could not be checked"',
    absent: 'not explained',
  };
  for (const r of rows.filter((x) => x.differences.length)) {
    r.differences.forEach((d, i) => lines.push(`| ${cell(r.file)} | ${cell(r.label.slice(-12))} | ${cell(d)} | ${cell(why[r.reasons[i]] ?? 'not explained')} |`));
  }
  lines.push('', '### Validation: c2pa-rs beside Filigrane (active manifests)', '',
    'Filigrane\'s result never upgrades c2pa-rs\'s: `unknown-signer` is c2pa-rs\'s Valid with a signer on no trust list, `not-valid` is Invalid for a reason that is not a change to the file (or, for the Truepic photos, an exclusion c2pa-rs rejects while the hash itself matches), `unchecked` is a file c2pa-rs refuses to read. The last column is Filigrane\'s own recomputation of the data hash over the file minus the declared exclusions (— where the manifest has no data hash: PNG box hashes, BMFF).',
    '', '| file | c2pa-rs state | Filigrane says | own data-hash check |', '|---|---|---|---|');
  for (const r of rows.filter((x) => x.active)) lines.push(`| ${cell(r.file)} | ${cell(r.readerState || '—')} | ${cell(r.filigraneResult)} | ${cell(r.ownCheck)} |`);
  lines.push('', '<!-- c2pa-compare:end -->');
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { createFiligraneNode } = await import('../web/lib/node.mjs');
  const { sharedData } = await import('../tests/node/shared-data.mjs');
  const dir = sharedData('provenance');
  if (!dir) {
    console.error('../shared/data/provenance is absent');
    process.exit(2);
  }
  const rows = await compareWithReader(await createFiligraneNode(), dir);
  const { cpus } = await import('node:os');
  const text = markdown(rows, { date: new Date().toISOString().slice(0, 10), machine: `${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores` });
  const at = process.argv.indexOf('--write');
  if (at > 0) {
    const target = path.resolve(process.argv[at + 1]);
    const old = existsSync(target) ? readFileSync(target, 'utf8') : '';
    const re = /<!-- c2pa-compare:start[\s\S]*?<!-- c2pa-compare:end -->/;
    writeFileSync(target, re.test(old) ? old.replace(re, text) : `${old.trimEnd()}\n\n${text}\n`);
    console.error(`wrote ${target}`);
  } else {
    console.log(text);
  }
}
