// Content Credentials in words: a sentence for every validation status code
// c2pa-rs (the official validator, @contentauth/c2pa-wasm 0.15.0) can report,
// the four validation results a person is shown, and actions and source
// types as people say them. The code list was taken from the validator's own
// WebAssembly (every status code string it contains); a code it adds later
// still gets a sentence (`describeCode` falls back to the family's words).

/** code -> one sentence, written for a person who has never heard of C2PA. */
export const CODE_SENTENCES = Object.freeze({
  // The claim and its signature
  'claim.missing': 'The Content Credentials refer to a claim that is not in the file.',
  'claim.multiple': 'The manifest holds more than one claim, which the standard forbids.',
  'claim.malformed': 'The claim (the signed summary of the Content Credentials) is damaged or badly formed.',
  'claim.hardBindings.missing': 'The claim is not tied to the image\'s bytes (it has no hash of the file), so it could belong to any image.',
  'claim.required.missing': 'The claim lacks a field the standard requires.',
  'claim.cbor.invalid': 'The claim could not be decoded.',
  'claimSignature.missing': 'The claim\'s signature is missing.',
  'claimSignature.mismatch': 'The signature does not match the claim: the Content Credentials were altered after signing.',
  'claimSignature.outsideValidity': 'The claim was signed when the signing certificate was not valid (before it started or after it expired).',
  'claimSignature.validated': 'The signature over the claim checks out.',
  'claimSignature.insideValidity': 'The claim was signed while the signing certificate was valid.',
  // The signer's certificate
  'signingCredential.untrusted': 'The signer\'s certificate does not chain to an authority on a trust list this check uses, so who signed cannot be confirmed.',
  'signingCredential.trusted': 'The signer\'s certificate chains to a trusted authority.',
  'signingCredential.invalid': 'The signer\'s certificate is not valid for signing Content Credentials.',
  'signingCredential.revoked': 'The signer\'s certificate was revoked by its issuer.',
  'signingCredential.expired': 'The signer\'s certificate had expired.',
  'signingCredential.ocsp.revoked': 'The certificate authority reports the signer\'s certificate as revoked.',
  'signingCredential.ocsp.unknown': 'The certificate authority does not know the signer\'s certificate.',
  'signingCredential.ocsp.notRevoked': 'The certificate authority confirms the signer\'s certificate was not revoked.',
  'signingCredential.ocsp.skipped': 'Revocation of the signer\'s certificate was not checked (that needs the network; nothing leaves this device).',
  'signingCredential.ocsp.inaccessible': 'Revocation of the signer\'s certificate could not be checked.',
  // Time-stamps
  'timeStamp.validated': 'The time-stamp on the signature checks out.',
  'timeStamp.trusted': 'The time-stamp comes from a trusted time-stamping authority.',
  'timeStamp.untrusted': 'The time-stamp comes from an authority not on a trust list, so the signing time cannot be confirmed.',
  'timeStamp.mismatch': 'The time-stamp does not match the signature it claims to date.',
  'timeStamp.malformed': 'The time-stamp is badly formed.',
  'timeStamp.outsideValidity': 'The time-stamp was made outside its authority\'s certificate validity.',
  'timeOfSigning.insideValidity': 'The signing time falls within the certificate\'s validity.',
  'timeOfSigning.outsideValidity': 'The signing time falls outside the certificate\'s validity.',
  // Assertions (the statements the claim signs)
  'assertion.hashedURI.match': 'A signed statement in the Content Credentials is unchanged.',
  'assertion.hashedURI.mismatch': 'A statement in the Content Credentials was changed after signing.',
  'assertion.mismatch': 'A statement in the Content Credentials does not match what was signed.',
  'assertion.missing': 'A statement the claim lists is missing from the file.',
  'assertion.multipleHardBindings': 'The claim has more than one hash of the file, which the standard forbids.',
  'assertion.undeclared': 'The Content Credentials hold a statement the claim does not list (added after signing).',
  'assertion.inaccessible': 'A statement the claim lists could not be read.',
  'assertion.notRedacted': 'A statement marked as removed is still present.',
  'assertion.outsideManifest': 'The claim points to a statement outside its own manifest.',
  'assertion.selfRedacted': 'A manifest tries to remove one of its own statements.',
  'assertion.required.missing': 'A statement the standard requires is missing.',
  'assertion.timestamp.malformed': 'A time-stamp statement is badly formed.',
  'assertion.duplicateSignerPayload': 'An identity statement appears twice.',
  'assertion.cbor.invalid': 'A statement could not be decoded.',
  'assertion.json.invalid': 'A statement is not valid JSON.',
  'assertion.action.ingredientMismatch': 'An editing step names an ingredient that does not match the listed ingredients.',
  'assertion.action.malformed': 'The list of editing steps is badly formed.',
  'assertion.action.redacted': 'An editing step was removed, which the standard forbids.',
  'assertion.action.redactionMismatch': 'A removal step does not match what was removed.',
  'assertion.action.softBindingMissing': 'An editing step needs a watermark or fingerprint statement that is missing.',
  'assertion.hardBinding.redacted': 'The hash that ties the claim to the file was removed.',
  'assertion.external-reference.malformed': 'A reference to external data is badly formed.',
  'assertion.metadata.disallowed': 'The metadata statement holds fields the standard does not allow.',
  'assertion.cloud-data.hardBinding': 'A statement stored in the cloud tries to replace the hash of the file.',
  'assertion.cloud-data.actions': 'A statement stored in the cloud tries to carry editing steps.',
  'assertion.cloud-data.labelMismatch': 'A statement stored in the cloud does not match its label.',
  'assertion.cloud-data.malformed': 'A statement stored in the cloud is badly formed.',
  // Hard bindings: does the file still match?
  'assertion.dataHash.match': 'The image\'s bytes match the hash that was signed.',
  'assertion.dataHash.mismatch': 'The image\'s bytes do not match the signed hash, or the hash skips a part of the file it should cover: the file changed after signing or was signed incorrectly.',
  'assertion.dataHash.malformed': 'The signed hash of the file is badly formed.',
  'assertion.dataHash.additionalExclusionsPresent': 'The signed hash leaves out more of the file than the Content Credentials themselves.',
  'assertion.bmffHash.match': 'The file\'s boxes match the hash that was signed.',
  'assertion.bmffHash.mismatch': 'The file\'s boxes do not match the signed hash: the file changed after signing.',
  'assertion.bmffHash.malformed': 'The signed hash of the file\'s boxes is badly formed.',
  'assertion.bmffHash.additionalExclusionsPresent': 'The signed hash leaves out boxes it should cover.',
  'assertion.boxesHash.match': 'The file\'s parts match the hash that was signed.',
  'assertion.boxesHash.mismatch': 'The file\'s parts do not match the signed hash: the file changed after signing.',
  'assertion.boxesHash.malformed': 'The signed hash of the file\'s parts is badly formed.',
  'assertion.boxesHash.unknownBox': 'The file has a part the signed hash does not know.',
  'assertion.boxesHash.additionalExclusionsPresent': 'The signed hash leaves out parts it should cover.',
  'assertion.collectionHash.match': 'The files of the collection match the signed hash.',
  'assertion.collectionHash.mismatch': 'A file of the collection changed after signing.',
  'assertion.collectionHash.incorrectFileCount': 'The collection does not have the number of files that was signed.',
  'assertion.collectionHash.invalidURI': 'The collection names a file in a way the standard forbids.',
  'assertion.collectionHash.malformed': 'The signed hash of the collection is badly formed.',
  // Ingredients (the files this one was made from)
  'ingredient.unknownProvenance': 'This ingredient has no Content Credentials of its own, so its origin is not recorded.',
  'ingredient.malformed': 'An ingredient\'s record is badly formed.',
  'ingredient.hashedURI.mismatch': 'An ingredient\'s record was changed after signing.',
  'ingredient.manifest.missing': 'The Content Credentials of an ingredient are missing from the file.',
  'ingredient.manifest.mismatch': 'The Content Credentials of an ingredient do not match what was signed.',
  'ingredient.manifest.validated': 'The Content Credentials of an ingredient check out.',
  'ingredient.claimSignature.missing': 'An ingredient\'s signature is missing.',
  'ingredient.claimSignature.mismatch': 'An ingredient\'s signature does not match its claim.',
  'ingredient.claimSignature.validated': 'An ingredient\'s signature checks out.',
  // The manifest store
  'manifest.inaccessible': 'The Content Credentials are stored elsewhere (online) and were not fetched: nothing leaves this device.',
  'manifest.missing': 'The Content Credentials the file refers to are missing.',
  'manifest.mismatch': 'The Content Credentials do not match the ones referenced.',
  'manifest.multipleParents': 'The history names more than one parent file, which the standard forbids.',
  'manifest.update.invalid': 'An update manifest changes what an update may not change.',
  'manifest.update.wrongParents': 'An update manifest has the wrong parent.',
  'manifest.compressed.invalid': 'The compressed Content Credentials could not be read.',
  'manifest.timestamp.invalid': 'A time-stamp manifest is not valid.',
  'manifest.timestamp.wrongParents': 'A time-stamp manifest has the wrong parent.',
  'manifest.unknownProvenance': 'The Content Credentials\' origin is not recorded.',
  'manifest.validated': 'The Content Credentials check out.',
  // Other
  'algorithm.unsupported': 'The Content Credentials use a signing or hash algorithm the validator does not support.',
  'algorithm.deprecated': 'The Content Credentials use an outdated algorithm.',
  'general.error': 'The validator hit an error while checking the Content Credentials.',
  'hashedURI.match': 'A signed reference inside the Content Credentials is unchanged.',
  'hashedURI.mismatch': 'A reference inside the Content Credentials was changed after signing.',
  'hashedURI.missing': 'A reference inside the Content Credentials points to nothing.',
  'com.adobe.prerelease': 'The Content Credentials were made with a pre-release version of the standard.',
  // Identity assertions (Creator Assertions Working Group)
  'cawg.identity.well-formed': 'The creator identity statement is well formed.',
  'cawg.identity.hard_binding_missing': 'The creator identity statement is not tied to the file\'s hash.',
  'cawg.identity.pad.invalid': 'The creator identity statement\'s padding is not valid.',
  'cawg.identity.sig_type.unknown': 'The creator identity statement uses an unknown kind of signature.',
  'cawg.ica.credential_valid': 'The creator\'s identity credential checks out.',
  'cawg.ica.did_unavailable': 'The creator\'s identity could not be looked up (that needs the network).',
  'cawg.ica.invalid_alg': 'The creator\'s identity credential uses an unsupported algorithm.',
  'cawg.ica.invalid_content_type': 'The creator\'s identity credential has the wrong content type.',
  'cawg.ica.invalid_cose_sign1': 'The creator\'s identity credential\'s signature is badly formed.',
  'cawg.ica.invalid_did_document': 'The creator\'s identity document is not valid.',
  'cawg.ica.invalid_issuer': 'The issuer of the creator\'s identity credential is not valid.',
  'cawg.ica.invalid_verifiable_credential': 'The creator\'s identity credential is not valid.',
  'cawg.ica.signature_mismatch': 'The creator\'s identity credential\'s signature does not match.',
  'cawg.ica.signer_payload.mismatch': 'The creator\'s identity credential signs something other than this file\'s claim.',
  'cawg.ica.time_stamp.invalid': 'The creator\'s identity credential\'s time-stamp is not valid.',
  'cawg.ica.time_stamp.validated': 'The creator\'s identity credential\'s time-stamp checks out.',
  'cawg.ica.untrusted_issuer': 'The creator\'s identity credential comes from an issuer not on a trust list.',
  'cawg.ica.valid_from.invalid': 'The creator\'s identity credential was not yet valid.',
  'cawg.ica.valid_from.missing': 'The creator\'s identity credential has no start date.',
  'cawg.ica.valid_until.invalid': 'The creator\'s identity credential had expired.',
  'cawg.x509.credential.invalid': 'The creator\'s identity certificate is not valid.',
  'cawg.x509.credential.trusted': 'The creator\'s identity certificate chains to a trusted authority.',
  'cawg.x509.credential.untrusted': 'The creator\'s identity certificate is not on a trust list this check uses.',
  'cawg.x509.algorithm.unsupported': 'The creator\'s identity signature uses an unsupported algorithm.',
  'cawg.x509.signature.mismatch': 'The creator\'s identity signature does not match.',
  'cawg.x509.signature.validated': 'The creator\'s identity signature checks out.',
  'cawg.x509.signature.outside_validity': 'The creator\'s identity was signed outside its certificate\'s validity.',
  'cawg.x509.time_stamp.trusted': 'The creator identity\'s time-stamp comes from a trusted authority.',
  'cawg.x509.time_stamp.untrusted': 'The creator identity\'s time-stamp comes from an authority not on a trust list.',
  'cawg.x509.time_stamp.validated': 'The creator identity\'s time-stamp checks out.',
  'cawg.x509.time_stamp.malformed': 'The creator identity\'s time-stamp is badly formed.',
  'cawg.x509.time_stamp.mismatch': 'The creator identity\'s time-stamp does not match.',
  'cawg.x509.time_stamp.outside_validity': 'The creator identity\'s time-stamp was made outside its authority\'s validity.',
});

const FAMILY_SENTENCES = [
  [/^cawg\./, 'A check of the creator identity statement reported a problem.'],
  [/^ingredient\./, 'A check of an ingredient\'s Content Credentials reported a problem.'],
  [/^assertion\./, 'A check of a statement in the Content Credentials reported a problem.'],
  [/^signingCredential\./, 'A check of the signer\'s certificate reported a problem.'],
  [/^timeStamp\./, 'A check of the signing time-stamp reported a problem.'],
  [/^(claim|claimSignature)\./, 'A check of the signed claim reported a problem.'],
];

/** The sentence for a status code (never the raw code alone). */
export function describeCode(code) {
  if (CODE_SENTENCES[code]) return CODE_SENTENCES[code];
  for (const [pattern, sentence] of FAMILY_SENTENCES) if (pattern.test(code)) return sentence;
  return 'The validator reported a problem it did not explain.';
}

/** Codes that only say a signer or time-stamp is not on a trust list: not a change to the file. */
export const TRUST_ONLY_CODES = new Set([
  'signingCredential.untrusted', 'timeStamp.untrusted', 'cawg.x509.credential.untrusted', 'cawg.ica.untrusted_issuer',
  'cawg.x509.time_stamp.untrusted', 'cawg.ica.did_unavailable',
]);

/** Codes that say the file or the credentials changed after signing. */
const TAMPER_CODES = /(mismatch|\.missing$|undeclared|notRedacted|selfRedacted|redacted$|additionalExclusionsPresent|incorrectFileCount)/;

/**
 * The result a person sees for one manifest: 'valid', 'unknown-signer',
 * 'tampered', 'not-valid' (fails a check that is not a change) or 'unchecked', with a short label and the reasons as sentences.
 * `failures`: c2pa-rs failure codes for this manifest.
 */
export function validationInWords({ state, failures = [], detail = null }) {
  const serious = failures.filter((c) => !TRUST_ONLY_CODES.has(c));
  const reasons = [...new Set(failures)].map(describeCode);
  if (state === 'unverified' || state === 'unchecked') {
    return { result: 'unchecked', label: 'Could not be checked', sentence: `Could not be checked: ${detail ?? 'the validator did not run'}.`, reasons };
  }
  if (state === 'invalid' || serious.length) {
    const tampered = serious.some((c) => TAMPER_CODES.test(c));
    return {
      result: tampered ? 'tampered' : 'not-valid',
      label: tampered ? 'Tampered after signing' : 'Not valid',
      sentence: tampered
        ? 'Tampered after signing: the file or its Content Credentials no longer match what was signed.'
        : 'Not valid: the Content Credentials fail a required check.',
      reasons,
    };
  }
  if (state === 'trusted') return { result: 'valid', label: 'Valid', sentence: 'Valid: the signature holds and the signer is on a trust list.', reasons };
  if (failures.some((c) => c === 'signingCredential.untrusted')) {
    return {
      result: 'unknown-signer',
      label: 'Signed by an unknown signer',
      sentence: 'Signed by an unknown signer: nothing was changed after signing, but the signer is not on a trust list this check uses.',
      reasons,
    };
  }
  return { result: 'valid', label: 'Valid', sentence: 'Valid: the signature holds and nothing was changed after signing.', reasons };
}

const ACTION_WORDS = {
  'c2pa.created': 'created',
  'c2pa.opened': 'opened',
  'c2pa.placed': 'placed into a composition',
  'c2pa.edited': 'edited',
  'c2pa.edited.metadata': 'metadata edited',
  'c2pa.cropped': 'cropped',
  'c2pa.resized': 'resized',
  'c2pa.color_adjustments': 'colour adjusted',
  'c2pa.filtered': 'filtered',
  'c2pa.drawing': 'drawn on',
  'c2pa.orientation': 'rotated or flipped',
  'c2pa.converted': 'converted to another format',
  'c2pa.transcoded': 'transcoded',
  'c2pa.repackaged': 'repackaged',
  'c2pa.published': 'published',
  'c2pa.removed': 'something removed',
  'c2pa.redacted': 'something redacted',
  'c2pa.unknown': 'changed in an unrecorded way',
  'c2pa.watermarked': 'watermarked',
  'c2pa.watermarked.bound': 'watermarked',
  'c2pa.produced': 'produced',
  'c2pa.translated': 'translated',
  'c2pa.copied': 'copied',
  'c2pa.deleted': 'deleted',
};

const SOURCE_TYPE_WORDS = {
  trainedAlgorithmicMedia: 'generated by AI',
  compositeWithTrainedAlgorithmicMedia: 'a composite with AI-generated parts',
  algorithmicallyEnhanced: 'enhanced by an algorithm',
  digitalCapture: 'captured by a camera',
  computationalCapture: 'captured by a camera with computational processing',
  negativeFilm: 'scanned from a film negative',
  positiveFilm: 'scanned from a film slide',
  print: 'scanned from a print',
  algorithmicMedia: 'computer-generated without a trained model',
  compositeSynthetic: 'a composite of synthetic elements',
  composite: 'a composite',
  minorHumanEdits: 'AI-generated with minor human edits',
  humanEdits: 'edited by a person',
  digitalArt: 'digital art made by a person',
  virtualRecording: 'a recording of a virtual scene',
  compositeCapture: 'a composite of camera captures',
  screenCapture: 'a screen capture',
  dataDrivenMedia: 'made from data',
};

/** IPTC digital source type URI or term -> words ("generated by AI"); null when absent. */
export function sourceTypeInWords(uri) {
  if (!uri) return null;
  const term = String(uri).replace(/^.*[/#]/, '');
  return SOURCE_TYPE_WORDS[term] ?? term;
}

/** A tool name without the version noise ("Adobe Firefly", "Truepic Lens SDK"). */
export function toolName(claimGenerator) {
  if (!claimGenerator) return null;
  const first = String(claimGenerator).split(/\s+(?=[^\s/]+\/)/)[0];
  return first.replace(/[/_]\d[\w.+-]*$/, '').replace(/_/g, ' ').trim() || claimGenerator;
}

/**
 * Actions in words: "Created with Adobe Firefly (generated by AI)",
 * "Edited: cropped, colour adjusted". `actions`: [{action, digital_source_type, software_agent}].
 */
export function actionsInWords(actions = [], claimGenerator = null) {
  const sentences = [];
  const created = actions.find((a) => a.action === 'c2pa.created');
  const tool = created?.software_agent || toolName(claimGenerator);
  if (created) {
    const how = sourceTypeInWords(created.digital_source_type);
    sentences.push(`Created${tool ? ` with ${tool}` : ''}${how ? ` (${how})` : ''}`);
  }
  if (actions.some((a) => a.action === 'c2pa.opened')) sentences.push('Opened from an earlier file');
  const edits = [...new Set(actions.filter((a) => !['c2pa.created', 'c2pa.opened'].includes(a.action))
    .map((a) => ACTION_WORDS[a.action] ?? String(a.action).replace(/^c2pa\./, '').replace(/[._]/g, ' ')))];
  if (edits.length) sentences.push(`Edited: ${edits.join(', ')}`);
  return sentences;
}
