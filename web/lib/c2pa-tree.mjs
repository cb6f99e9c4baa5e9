// The Content Credentials story as Content Credentials Verify tells it: every
// manifest of the file's history (read by Filigrane's own core), each with
// its validation from c2pa-rs in words, and Filigrane's own recomputation of
// the active manifest's data hash, shown beside c2pa-rs's result where the
// two disagree. c2pa-rs's result is never overruled: a file it calls invalid
// is never called valid here.
import {
  TRUST_ONLY_CODES, actionsInWords, describeCode, sourceTypeInWords, toolName, validationInWords,
} from './c2pa-words.mjs';

const DIGESTS = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

const toHex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

/** JPEG segments inside [start, end), named for people ("EXIF metadata"). */
function jpegPartsIn(bytes, start, end) {
  const names = [];
  if (start === 0 && end > 0 && bytes[0] === 0xff && bytes[1] === 0xd8) names.push('the start-of-image marker');
  let pos = 2;
  while (pos + 4 <= bytes.length && bytes[pos] === 0xff) {
    const marker = bytes[pos + 1];
    if (marker === 0xda || marker === 0xd9) break;
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    const segEnd = pos + 2 + length;
    if (pos < end && segEnd > start) {
      const head = String.fromCharCode(...bytes.subarray(pos + 4, Math.min(pos + 16, bytes.length)));
      let name = null;
      if (marker === 0xe1 && head.startsWith('Exif')) name = `EXIF metadata (${(length + 2).toLocaleString('en-US')} bytes)`;
      else if (marker === 0xe1 && head.startsWith('http')) name = 'XMP metadata';
      else if (marker === 0xe0) name = 'the JFIF header';
      else if (marker === 0xe2 && head.startsWith('ICC')) name = 'the colour profile';
      else if (marker === 0xed) name = 'IPTC metadata';
      else if (marker === 0xeb) name = null;  // the Content Credentials themselves
      else name = `a header segment (FF ${marker.toString(16).toUpperCase()})`;
      if (name && !names.includes(name)) names.push(name);
    }
    if (length < 2) break;
    pos = segEnd;
  }
  return names;
}

/**
 * Recomputes a manifest's c2pa.hash.data over the file minus the exclusions it
 * declares, and says whether the exclusions cover exactly the Content
 * Credentials (what current c2pa-rs requires) or more of the file.
 * @returns {Promise<null|{hash_matches: boolean|null, exclusions_match_store: boolean|null,
 *   unprotected_bytes: number, unprotected_parts: string[], sentence: string}>}
 */
export async function recomputeDataHash(bytes, dataHash, storeLocation, format) {
  if (!dataHash) return null;
  // Without its own alg the assertion uses the claim's; among SHA-2 the digest length says which.
  const byLength = { 64: 'sha256', 96: 'sha384', 128: 'sha512' }[String(dataHash.hash ?? '').length];
  const alg = DIGESTS[String(dataHash.alg || byLength || 'sha256').toLowerCase()];
  const subtle = globalThis.crypto?.subtle;
  if (!alg || !subtle) {
    return { hash_matches: null, exclusions_match_store: null, unprotected_bytes: 0, unprotected_parts: [],
      sentence: `Filigrane could not recompute the signed hash (${alg ? 'no Web Crypto here' : `algorithm ${dataHash.alg}`}).` };
  }
  const ranges = [...dataHash.exclusions].sort((a, b) => a.start - b.start);
  let kept = 0;
  let pos = 0;
  for (const { start, length } of ranges) {
    if (start < pos || start + length > bytes.length) {
      return { hash_matches: false, exclusions_match_store: false, unprotected_bytes: 0, unprotected_parts: [],
        sentence: 'The signed hash declares exclusions that overlap or run past the end of the file.' };
    }
    kept += start - pos;
    pos = start + length;
  }
  kept += bytes.length - pos;
  const covered = new Uint8Array(kept);
  let at = 0;
  pos = 0;
  for (const { start, length } of ranges) {
    covered.set(bytes.subarray(pos, start), at);
    at += start - pos;
    pos = start + length;
  }
  covered.set(bytes.subarray(pos), at);
  const hashMatches = toHex(await subtle.digest(alg, covered)) === dataHash.hash;

  let unprotected = 0;
  const unprotectedParts = [];
  let matchesStore = null;
  if (storeLocation) {
    const s0 = storeLocation.start;
    const s1 = s0 + storeLocation.length;
    matchesStore = ranges.length === 1 && ranges[0].start === s0 && ranges[0].length === storeLocation.length;
    for (const { start, length } of ranges) {
      const end = start + length;
      const before = Math.max(0, Math.min(end, s0) - start);
      const after = Math.max(0, end - Math.max(start, s1));
      unprotected += before + after;
      if (format === 'jpeg' && before > 0) unprotectedParts.push(...jpegPartsIn(bytes, start, Math.min(end, s0)));
      if (format === 'jpeg' && after > 0) unprotectedParts.push(...jpegPartsIn(bytes, Math.max(start, s1), end));
    }
  }
  const fmt = (n) => n.toLocaleString('en-US');
  let sentence;
  if (!hashMatches) {
    sentence = 'Filigrane recomputed the signed hash over the file minus the parts it excludes: it does not match, so bytes of the file changed after signing (or the signer hashed them in a way Filigrane does not know).';
  } else if (unprotected > 0) {
    const what = unprotectedParts.length ? `: ${unprotectedParts.join(', ')}` : '';
    sentence = `Filigrane recomputed the signed hash over the file minus the parts it excludes: it matches, so the picture data is as signed. But the excluded range also leaves out ${fmt(unprotected)} bytes that are not Content Credentials${what}; those bytes could be changed without breaking the signature, which is why current validators reject this exclusion.`;
  } else {
    sentence = 'Filigrane recomputed the signed hash over the file minus the Content Credentials: it matches.';
  }
  return { hash_matches: hashMatches, exclusions_match_store: matchesStore, unprotected_bytes: unprotected, unprotected_parts: unprotectedParts, sentence };
}

/** The c2pa-rs failure codes whose URL points into manifest `label`. */
function failuresOf(label, reader) {
  const inside = `/c2pa/${label}/`;
  return [...new Set((reader?.failures ?? []).filter((f) => String(f.url ?? '').includes(inside)).map((f) => f.code))];
}

function nodeValidation(manifest, { isActive, validation, reader }) {
  if (!validation || !reader) {
    const words = validationInWords({ state: 'unchecked', detail: validation?.detail ?? 'the validator did not run' });
    return { ...words, codes: validation?.codes ?? [] };
  }
  const codes = isActive ? [...new Set([...(validation.codes ?? []), ...failuresOf(manifest.label, reader)])] : failuresOf(manifest.label, reader);
  // An ingredient manifest is judged by its own signature and statements; its
  // data hash belonged to the earlier file, which is no longer here.
  const state = isActive ? validation.state : (codes.some((c) => !TRUST_ONLY_CODES.has(c)) ? 'invalid' : 'valid');
  return { ...validationInWords({ state, failures: codes, detail: validation.detail }), codes };
}

/**
 * Builds c2pa.manifests[] (issue 18's fields) from the core's reading, with
 * c2pa-rs's validation in words per manifest and per ingredient. Active
 * manifest first, then the history depth-first.
 */
export function buildManifestList(c2pa, { validation = null, dataHashCheck = null } = {}) {
  const core = c2pa?.manifests ?? [];
  if (!core.length) return [];
  const reader = validation?.reader ?? null;
  const byLabel = new Map(core.map((m) => [m.label, m]));
  const activeLabel = c2pa.active?.label ?? core[core.length - 1].label;
  const order = [];
  const seen = new Set();
  const visit = (label) => {
    if (!byLabel.has(label) || seen.has(label)) return;
    seen.add(label);
    order.push(byLabel.get(label));
    for (const ingredient of byLabel.get(label).ingredients ?? []) if (ingredient.manifest) visit(ingredient.manifest);
  };
  visit(activeLabel);
  for (const m of core) if (!seen.has(m.label)) order.push(m);

  const validations = new Map(order.map((m) => [m.label, nodeValidation(m, { isActive: m.label === activeLabel, validation, reader })]));
  const thumbnailData = reader?.thumbnail_data ?? null;
  const readerThumb = (label, index) => {
    if (!thumbnailData) return undefined;
    const rm = reader.manifests?.[label];
    const id = index === null ? rm?.thumbnail : rm?.ingredients?.[index]?.thumbnail;
    return id ? thumbnailData[id] : undefined;
  };
  const withData = (thumbnail, data) => (thumbnail && data ? { ...thumbnail, data } : thumbnail ?? null);

  return order.map((m) => {
    const isActive = m.label === activeLabel;
    const node = {
      label: m.label,
      title: m.title ?? null,
      claim_generator: m.claim_generator ?? null,
      signer: m.signer ?? null,
      signed_at: m.signed_at ?? null,
      actions: m.actions ?? [],
      actions_in_words: actionsInWords(m.actions ?? [], m.claim_generator),
      digital_source_type: m.digital_source_type ?? null,
      digital_source_type_in_words: sourceTypeInWords(m.digital_source_type),
      tool: toolName(m.claim_generator),
      camera: m.camera_make || m.camera_model ? [m.camera_make, m.camera_model].filter(Boolean).join(' ') : null,
      thumbnail: withData(m.thumbnail, readerThumb(m.label, null)),
      active: isActive,
      validation: validations.get(m.label),
      ingredients: (m.ingredients ?? []).map((i, index) => ({
        title: i.title ?? null,
        relationship: i.relationship ?? null,
        manifest: i.manifest && byLabel.has(i.manifest) ? i.manifest : null,
        validation: i.manifest && validations.has(i.manifest)
          ? validations.get(i.manifest)
          : { result: 'none', label: 'No Content Credentials', sentence: 'This ingredient carries no Content Credentials of its own.', reasons: [], codes: i.recorded_codes ?? [] },
        thumbnail: withData(i.thumbnail, readerThumb(m.label, index)),
      })),
    };
    if (isActive && dataHashCheck) {
      node.own_check = dataHashCheck;
      const c2paSaysMismatch = (node.validation.codes ?? []).includes('assertion.dataHash.mismatch');
      if (c2paSaysMismatch && dataHashCheck.hash_matches) {
        const skipsPart = dataHashCheck.unprotected_bytes > 0;
        node.validation = {
          ...node.validation,
          result: 'not-valid',
          label: skipsPart ? 'Not valid: the signed hash skips part of the file' : 'Not valid',
          sentence: skipsPart
            ? 'Not valid under the current C2PA rules: the picture data is as signed, but the signature leaves part of the file unprotected.'
            : 'Not valid: the official validator rejects the signed hash, although Filigrane\'s recomputation of it matches.',
          disagreement: `The official validator (c2pa-rs) reports: "${validation?.explanations?.['assertion.dataHash.mismatch'] ?? describeCode('assertion.dataHash.mismatch')}". ${dataHashCheck.sentence} Filigrane keeps the validator's result.`,
        };
      }
    }
    return node;
  });
}
