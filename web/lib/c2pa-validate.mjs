// C2PA signature validation through the official c2pa-rs WebAssembly build
// (@contentauth/c2pa-wasm, MIT). Filigrane's own core parses manifests; this
// module only answers "do the signature and hashes hold?". The 9 MB module is
// loaded lazily, only when the core found a manifest store.
//
// States follow the C2PA tools: `valid` (signature and hashes hold; the
// signer may still be unknown to any trust list), `trusted` (valid and the
// signer chains to a configured anchor), `invalid` (a failure code such as
// assertion.dataHash.mismatch), `unverified` (could not be checked: remote
// manifest not fetched, unsupported algorithm, validator unavailable).
// Filigrane never reports `valid` where c2pa-rs reports Invalid.

/** Reader settings: never fetch remote manifests, OCSP or trust lists. */
const READER_SETTINGS = JSON.stringify({ verify: { remote_manifest_fetch: false, ocsp_fetch: false } });

const MIME_BY_FORMAT = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', heic: 'image/heic', heif: 'image/heif',
  gif: 'image/gif', tiff: 'image/tiff',
};

/** Codes that only say the signer is unknown to a trust list: not a failure of the file. */
const TRUST_CODES = new Set(['signingCredential.untrusted']);

function codesOf(list) {
  return Array.isArray(list) ? list.map((s) => String(s?.code ?? s)).filter(Boolean) : [];
}

/**
 * What the tree and the comparison need from c2pa-rs's reader JSON: per
 * manifest the fields people see, and every status entry with the manifest
 * its URL points into.
 */
export function readerSummary(json) {
  const manifests = {};
  for (const [label, m] of Object.entries(json?.manifests ?? {})) {
    manifests[label] = {
      title: m.title ?? null,
      claim_generator: m.claim_generator ?? null,
      claim_generator_info: m.claim_generator_info ?? [],
      signer: m.signature_info?.issuer ?? null,
      signer_common_name: m.signature_info?.common_name ?? null,
      signed_at: m.signature_info?.time ?? null,
      thumbnail: m.thumbnail?.identifier ?? null,
      ingredients: (m.ingredients ?? []).map((i) => ({
        title: i.title ?? null, relationship: i.relationship ?? null, manifest: i.active_manifest ?? null,
        thumbnail: i.thumbnail?.identifier ?? null,
      })),
    };
  }
  const entry = (s) => ({ code: String(s?.code ?? ''), explanation: s?.explanation ?? null, url: s?.url ?? null });
  const results = json?.validation_results;
  // What the importer of each ingredient recorded about it (validation_status
  // lists may hold success codes too; only failures count here).
  const SUCCESS = /\.(validated|match|trusted|insideValidity|notRevoked|well-formed|credential_valid)$|ocsp\.skipped|unknownProvenance/;
  const recorded = Object.values(json?.manifests ?? {}).flatMap((m) => (m.ingredients ?? []).flatMap((i) => [
    ...(i.validation_status ?? []), ...(i.validation_results?.activeManifest?.failure ?? []),
  ])).filter((s) => !SUCCESS.test(String(s?.code ?? '')));
  const failures = [
    ...(results?.activeManifest?.failure ?? []),
    ...(results?.ingredientDeltas ?? []).flatMap((d) => d?.validationDeltas?.failure ?? []),
    ...(json?.validation_status ?? []),
    ...recorded,
  ].map(entry).filter((e) => e.code);
  return { active_manifest: json?.active_manifest ?? null, manifests, failures };
}

/** Maps a c2pa-rs reader JSON to Filigrane's validation object. */
export function validationFromReaderJson(json) {
  const state = String(json?.validation_state ?? '').toLowerCase();
  const active = json?.validation_results?.activeManifest;
  const failures = codesOf(active?.failure ?? json?.validation_status);
  const informational = codesOf(active?.informational);
  const failureCodes = failures.filter((c) => !TRUST_CODES.has(c));
  const signerTrusted = state === 'trusted';
  // c2pa-rs's own state decides; codes decide only when it gives none.
  // (Identity-assertion codes such as cawg.ica.did_unavailable leave it Valid.)
  let result;
  if (state === 'invalid' || (!state && failureCodes.length > 0)) result = 'invalid';
  else if (state === 'trusted') result = 'trusted';
  else if (state === 'valid') result = 'valid';
  else result = 'unverified';
  const explanations = {};
  for (const s of active?.failure ?? json?.validation_status ?? []) {
    if (s?.code && s?.explanation && !explanations[s.code]) explanations[s.code] = String(s.explanation);
  }
  return {
    state: result,
    codes: failures,
    explanations,
    informational_codes: informational,
    signer_trusted: signerTrusted,
    validator: 'c2pa-rs (@contentauth/c2pa-wasm)',
    detail: null,
  };
}

/** A validation object for a file that could not be checked, with the reason in words. */
export function unverified(detail, codes = []) {
  return {
    state: 'unverified', codes, informational_codes: [], signer_trusted: false,
    validator: 'c2pa-rs (@contentauth/c2pa-wasm)', detail,
  };
}

/** Maps a reader exception to an unverified reading (c2pa-rs error names are stable). */
export function validationFromReaderError(err) {
  const text = String(err?.message ?? err);
  if (/RemoteManifest/i.test(text)) return unverified('the Content Credentials are stored remotely and were not fetched (nothing leaves the device)', ['manifest.inaccessible']);
  if (/UnknownAlgorithm|algorithm/i.test(text)) return unverified('the manifest is signed with an algorithm the validator does not support', ['algorithm.unsupported']);
  if (/JumbfNotFound|ProvenanceMissing/i.test(text)) return unverified('the validator found no manifest it can check', ['claim.missing']);
  if (/Prerelease/i.test(text)) return unverified('the manifest was made with a pre-release version of the standard', ['com.adobe.prerelease']);
  return unverified(`the validator could not read the manifest (${text.slice(0, 160)})`);
}

function readThumbnails(reader, summary) {
  const ids = Object.values(summary.manifests)
    .flatMap((m) => [m.thumbnail, ...m.ingredients.map((i) => i.thumbnail)]).filter(Boolean);
  const out = {};
  let total = 0;
  for (const id of [...new Set(ids)].slice(0, 32)) {
    try {
      const data = reader.resourceToBytes(id);
      if (total + data.byteLength > 4 * 1024 * 1024) break;
      total += data.byteLength;
      out[id] = data;
    } catch {
      // A missing or unreadable thumbnail leaves its node without a picture.
    }
  }
  return out;
}

/**
 * Creates a validator. `loadWasm` resolves to the initialised
 * @contentauth/c2pa-wasm module (host-specific: file read in Node, fetch in
 * the worker); it is called at most once, on the first validation.
 */
export function createC2paValidator({ loadWasm }) {
  let modulePromise = null;
  return {
    /** @returns {Promise<object>} the validation object; never throws. */
    /**
     * @param {{thumbnails?: boolean}} [options] thumbnails: also return the
     *   claim and ingredient thumbnails' bytes (`reader.thumbnail_data`, by identifier; at most 32, 4 MB)
     */
    async validate(bytes, format, { thumbnails = false } = {}) {
      const mime = MIME_BY_FORMAT[format];
      if (!mime) return unverified(`validation of ${format || 'this'} files is not supported`);
      try {
        modulePromise ??= loadWasm();
        const c2pa = await modulePromise;
        const reader = await c2pa.WasmReader.fromBytes(mime, bytes, READER_SETTINGS);
        try {
          const json = JSON.parse(reader.json());
          const summary = readerSummary(json);
          if (thumbnails) summary.thumbnail_data = readThumbnails(reader, summary);
          // `reader` is consumed by analysis.mjs (tree, comparison) and never reaches the JSON output.
          return Object.defineProperty(validationFromReaderJson(json), 'reader', { value: summary, enumerable: false });
        } finally {
          reader.free();
        }
      } catch (err) {
        if (err?.code === 'model_unavailable') return unverified(err.message);
        return validationFromReaderError(err);
      }
    },
  };
}
