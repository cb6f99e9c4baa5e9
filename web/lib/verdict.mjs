// The AI-image verdict: evidence fused as log-odds with stated weights.
//
// Each piece of evidence adds `weight` (natural-log odds that the image is
// AI-generated) to a neutral prior of 0 (probability 0.5). The weights:
//
//   declared AI source type in valid C2PA (trainedAlgorithmicMedia)    +6.0
//   the same in C2PA whose signature or hashes fail                     +2.0
//   composite with AI parts in valid C2PA                               +4.0
//   declared digital capture in valid C2PA (a camera's signature)       -6.0
//   camera make and model in the signed EXIF of valid C2PA, no capture
//     action declared (capture apps of 2023)                          -3.0
//   either, where c2pa-rs rejects only the hash's exclusion range and
//     Filigrane's own recomputation shows the picture data as signed    -2.0
//   XMP / IPTC DigitalSourceType trainedAlgorithmicMedia (unsigned)     +4.0
//   generator text (A1111 parameters, ComfyUI, NovelAI, InvokeAI, ...)  +4.0
//   generator name in EXIF Software / XMP CreatorTool                   +3.0
//   Stable Diffusion invisible mark decoded                             +4.0
//   pixel detector (listed only when better than chance): its calibrated log-odds, scaled so that its own
//     likely-ai / likely-real thresholds land on the verdict's bands,
//     capped at +-2.0, then multiplied by its measured quality
//     clamp((AUC on unseen images - 0.6) / 0.2, 0, 1): a detector not
//     clearly above chance counts for nothing, one at AUC >= 0.8 fully <= +-2.0
//   camera make and model in EXIF (anyone can write them)               -1.0
//
// probability = sigmoid(sum). Bands: probability >= 0.95 with at least one
// decisive reason (declared provenance, generator metadata or a generator
// mark) gives `ai`; >= 0.75 `likely-ai`; <= 0.25 `likely-real`; otherwise
// `unknown`. The detector's cap (sigmoid(2) = 0.88) keeps a pixel score alone
// from ever reaching `ai`.
//
// For people the result is said in words first (`headline`), and every
// reason carries a strength word (decisive / strong / weak / none); the
// weights stay in the JSON. A detector at chance is not a reason at all: the
// verdict's `pixels_note` says once why pixels cannot decide today.
import { sourceTypeInWords, toolName } from './c2pa-words.mjs';

export const WEIGHTS = Object.freeze({
  c2paTrainedValid: 6.0,
  c2paTrainedInvalid: 2.0,
  c2paCompositeValid: 4.0,
  c2paCapture: -6.0,
  c2paCaptureDisputed: -2.0,
  c2paCameraExif: -3.0,
  declaredXmp: 4.0,
  generatorText: 4.0,
  generatorSoftware: 3.0,
  sdWatermark: 4.0,
  detectorCap: 2.0,
  camera: -1.0,
});

export const BANDS = Object.freeze({ ai: 0.95, likelyAi: 0.75, likelyReal: 0.25 });

/** How much a reason says, in one word (what the page shows instead of log-odds). */
export const STRENGTH = Object.freeze({
  c2pa: (w) => (w >= WEIGHTS.c2paTrainedValid ? 'decisive' : w >= WEIGHTS.c2paCompositeValid ? 'strong' : 'weak'),
  'c2pa-capture': () => 'decisive',
  'c2pa-capture-disputed': () => 'strong',
  'c2pa-camera-exif': () => 'strong',
  'c2pa-info': () => 'none',
  xmp: () => 'strong',
  'generator-metadata': () => 'strong',
  'generator-software': () => 'strong',
  watermark: () => 'strong',
  detector: (w) => (w === 0 ? 'none' : 'weak'),
  'camera-exif': () => 'weak',
});

const DECISIVE = new Set(['c2pa', 'xmp', 'generator-metadata', 'generator-software', 'watermark']);

const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

/** 'trained' | 'composite' | 'capture' | 'algorithmic' | 'other' | null for an IPTC source type URI or term. */
export function classifySourceType(value) {
  if (!value) return null;
  const term = String(value).trim().replace(IPTC, '').replace(/^.*[/#]/, '');
  if (term === 'trainedAlgorithmicMedia') return 'trained';
  if (term === 'compositeWithTrainedAlgorithmicMedia') return 'composite';
  if (term === 'digitalCapture' || term === 'negativeFilm' || term === 'positiveFilm' || term === 'print') return 'capture';
  if (term === 'algorithmicMedia' || term === 'compositeSynthetic') return 'algorithmic';
  return 'other';
}

const GENERATOR_NAMES = /(stable[ -]?diffusion|midjourney|dall[-·. ]?e|firefly|imagen|gemini|flux|novelai|comfyui|automatic1111|invokeai|fooocus|leonardo|ideogram|openai|chatgpt|sora|runway|kandinsky|playground ?ai)/i;

const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const logit = (p) => Math.log(p / (1 - p));
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

/**
 * The detector's contribution: its calibrated log-odds scaled piecewise so
 * that its likely-ai threshold maps to the verdict's likely-ai band and its
 * likely-real threshold to the likely-real band, capped at +-detectorCap.
 */
export function detectorWeight(probability, calibration, auc = null) {
  const p = clamp(probability, 1e-6, 1 - 1e-6);
  const hi = calibration?.likely_ai_min_probability ?? 0.9;
  const lo = calibration?.likely_real_max_probability ?? 0.3;
  const z = logit(p);
  const mid = (logit(hi) + logit(lo)) / 2;
  const target = logit(BANDS.likelyAi);
  const scaled = z >= mid
    ? ((z - mid) / (logit(hi) - mid)) * target
    : ((z - mid) / (mid - logit(lo))) * target;
  return clamp(scaled, -WEIGHTS.detectorCap, WEIGHTS.detectorCap) * detectorQualityFactor(auc);
}

/**
 * 0 for a detector not clearly better than chance on unseen images (AUC
 * below 0.6: on 30 AI and 30 real photos the AUC's standard error is about
 * 0.075, so 0.53 cannot be told from a coin toss), rising to 1 at AUC 0.8;
 * unmeasured is not assumed good: 0.
 */
export const CHANCE_AUC = 0.6;
export function detectorQualityFactor(auc) {
  if (!Number.isFinite(auc)) return 0;
  return clamp((auc - CHANCE_AUC) / (0.8 - CHANCE_AUC), 0, 1);
}

function describeSourceType(kind) {
  return {
    trained: 'made by a generative AI model',
    composite: 'a composite that includes AI-generated parts',
    capture: 'captured by a camera',
    algorithmic: 'computer-generated without a trained model',
  }[kind] ?? 'of another declared origin';
}

/**
 * Fuses the evidence into a verdict.
 * @param {{provenance?: object, sdmark?: object|null, detector?: object|null, calibration?: object}} evidence
 *   provenance: the provenance JSON (with c2pa.validation when checked);
 *   sdmark: detectSdMark's report; detector: {probability, band, auc?}.
 * @returns {{verdict: string, probability: number, log_odds: number, reasons: Array<{kind: string, detail: string, weight: number}>}}
 */
export function fuseVerdict({ provenance = null, sdmark = null, detector = null, calibration = null } = {}) {
  const reasons = [];
  const add = (kind, detail, weight) => {
    const w = Math.round(weight * 100) / 100;
    reasons.push({ kind, detail, weight: w, strength: (STRENGTH[kind] ?? (() => 'weak'))(w) });
  };
  let pixelsNote = null;

  const c2pa = provenance?.c2pa;
  if (c2pa?.present) {
    const state = c2pa.validation?.state ?? 'unverified';
    const types = [c2pa.digital_source_type, ...(c2pa.active?.digital_source_types ?? [])].map(classifySourceType);
    // A signed stds.exif camera make/model in a manifest without ingredients or
    // declared source type (2023 capture apps wrote no actions) counts as a capture claim too.
    const activeNode = (c2pa.manifests ?? []).find((m) => m.active);
    const signedCamera = activeNode?.camera && !(activeNode.ingredients ?? []).length ? activeNode.camera : null;
    const kind = types.includes('trained') ? 'trained' : types.includes('composite') ? 'composite'
      : types.includes('capture') ? 'capture' : types.includes('algorithmic') ? 'algorithmic'
        : signedCamera ? 'camera-exif' : null;
    const facts = [c2pa.active?.claim_generator && `made with ${c2pa.active.claim_generator}`,
      c2pa.active?.signer && `signed by ${c2pa.active.signer}`].filter(Boolean).join(', ');
    const who = facts ? ` (${facts})` : '';
    const invalid = state === 'invalid';

    const stateWords = invalid ? 'whose signature or hashes do not hold, so the file changed after signing,'
      : state === 'unverified' ? 'that could not be verified' : state === 'trusted' ? 'with a valid, trusted signature'
        : 'with a valid signature (signer not on a trust list)';
    if (kind === 'trained') {
      add('c2pa', `Content Credentials${who} ${stateWords} declare the image ${describeSourceType(kind)}`,
        invalid ? WEIGHTS.c2paTrainedInvalid : WEIGHTS.c2paTrainedValid);
    } else if (kind === 'composite') {
      add('c2pa', `Content Credentials${who} ${stateWords} declare the image ${describeSourceType(kind)}`,
        invalid ? WEIGHTS.c2paTrainedInvalid : WEIGHTS.c2paCompositeValid);
    } else if (kind === 'capture' && !invalid && state !== 'unverified') {
      add('c2pa-capture', `Content Credentials${who} ${stateWords} declare the image ${describeSourceType(kind)}`, WEIGHTS.c2paCapture);
    } else if (kind === 'camera-exif' && !invalid && state !== 'unverified') {
      add('c2pa-camera-exif', `Content Credentials${who} ${stateWords} record the camera (${signedCamera}) in their signed EXIF, though they declare no capture action`, WEIGHTS.c2paCameraExif);
    } else if ((kind === 'capture' || kind === 'camera-exif') && invalid && bindingOnlyDisputed(c2pa)) {
      add('c2pa-capture-disputed', `Content Credentials${who} ${kind === 'capture' ? `declare the image ${describeSourceType(kind)}` : `record the camera (${signedCamera}) in their signed EXIF`}; the official validator rejects them because the signed hash also leaves out ${c2pa.validation.own_check.unprotected_bytes.toLocaleString('en-US')} bytes of the file's header, while Filigrane's own recomputation shows the picture data exactly as signed`, WEIGHTS.c2paCaptureDisputed);
    } else {
      add('c2pa-info', `Content Credentials${who} ${stateWords}${kind ? ` declare the image ${describeSourceType(kind)}` : ' declare no AI source'}`, 0);
    }
  }

  const xmpKind = classifySourceType(provenance?.xmp?.digital_source_type ?? provenance?.iptc?.digital_source_type);
  const c2paDeclaredAi = reasons.some((r) => r.kind === 'c2pa' && r.weight > 0);
  if ((xmpKind === 'trained' || xmpKind === 'composite') && !c2paDeclaredAi) {
    add('xmp', `the file's XMP/IPTC metadata (unsigned) declares it ${describeSourceType(xmpKind)}`, WEIGHTS.declaredXmp);
  }

  const generator = provenance?.generator;
  if (generator?.tool || generator?.parameters_present || generator?.prompt_present || generator?.workflow_present) {
    const where = generator.source ? ` in ${generator.source}` : '';
    add('generator-metadata', `image-generator settings${where}${generator.tool ? ` written by ${generator.tool}` : ''}`, WEIGHTS.generatorText);
  } else {
    const software = [provenance?.exif?.software, provenance?.xmp?.creator_tool].find((s) => s && GENERATOR_NAMES.test(s));
    if (software) add('generator-software', `the file names an image generator as its software: "${software}"`, WEIGHTS.generatorSoftware);
  }

  if (sdmark?.found) {
    add('watermark', `the invisible ${sdmark.kind ?? 'Stable Diffusion'} generator mark was decoded (${sdmark.agreeingBits} of ${sdmark.bits} bits agree)`, WEIGHTS.sdWatermark);
  }

  if (detector && Number.isFinite(detector.probability)) {
    if (detectorQualityFactor(detector.auc) === 0) {
      // Not evidence: a score from a detector at chance suggests knowledge it does not have.
      pixelsNote = pixelsCannotDecide(detector.auc);
    } else {
      const w = detectorWeight(detector.probability, calibration, detector.auc);
      const pct = Math.round(detector.probability * 100);
      add('detector', `Filigrane's pixel detector scores the image ${pct}% AI-like (a weak signal on its own)`, w);
    }
  }

  const exif = provenance?.exif;
  if (exif?.make && exif?.model && !reasons.some((r) => DECISIVE.has(r.kind) && r.weight > 0)) {
    add('camera-exif', `camera make and model in EXIF: ${exif.make} ${exif.model} (easy to forge)`, WEIGHTS.camera);
  }

  const logOdds = reasons.reduce((sum, r) => sum + r.weight, 0);
  const probability = sigmoid(logOdds);
  const decisive = reasons.some((r) => DECISIVE.has(r.kind) && r.weight > 0);
  let verdict = 'unknown';
  if (probability >= BANDS.ai && decisive) verdict = 'ai';
  else if (probability >= BANDS.likelyAi) verdict = 'likely-ai';
  else if (probability <= BANDS.likelyReal) verdict = 'likely-real';
  reasons.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return {
    verdict,
    headline: headlineOf(verdict, reasons, provenance, sdmark),
    probability: Math.round(probability * 10000) / 10000,
    log_odds: Math.round(logOdds * 100) / 100,
    reasons,
    pixels_note: pixelsNote,
  };
}

/** True when c2pa-rs's only failures are the data hash and a trust list, and Filigrane's own hash check matched. */
function bindingOnlyDisputed(c2pa) {
  const codes = (c2pa.validation?.codes ?? []).filter((c) => c !== 'signingCredential.untrusted' && c !== 'timeStamp.untrusted');
  const own = c2pa.validation?.own_check;
  return codes.length > 0 && codes.every((c) => c === 'assertion.dataHash.mismatch') && own?.hash_matches === true && own.unprotected_bytes > 0;
}

/** The sentence said once, in the details, when the pixel detector is at chance. */
export function pixelsCannotDecide(auc) {
  const measured = Number.isFinite(auc) ? ` it ranked an AI image above a real one ${Math.round(auc * 100)}% of the time,` : ' it has not been measured,';
  return `Pixels alone cannot decide today: on AI and real photos it had never seen,${measured} no better than a coin toss, because today's generators leave no trace a small model on this device can learn reliably. Its score is therefore not counted.`;
}

/** The tool that made the active manifest, as people name it ("Adobe Firefly"). */
function c2paTool(c2pa) {
  const created = c2pa?.active?.actions?.find((a) => a.action === 'c2pa.created');
  return created?.software_agent || toolName(c2pa?.active?.claim_generator) || null;
}

/** One headline in plain words, chosen from the strongest reason. */
function headlineOf(verdict, reasons, provenance, sdmark) {
  const c2pa = provenance?.c2pa;
  const top = reasons.find((r) => r.strength !== 'none');
  const tool = c2paTool(c2pa);
  const signer = c2pa?.active?.signer_organization || c2pa?.active?.signer || null;
  const kinds = new Set(reasons.map((r) => r.kind));
  const tampered = c2pa?.present && c2pa.validation?.state === 'invalid' && !kinds.has('c2pa-capture-disputed');
  if (kinds.has('c2pa') && reasons.find((r) => r.kind === 'c2pa').strength !== 'weak') {
    const type = sourceTypeInWords(c2pa.digital_source_type ?? c2pa.active?.digital_source_types?.[0]);
    const what = /composite/.test(type ?? '') ? 'Partly made with AI' : 'Made with AI';
    return `${what} — declared by ${tool ? `${tool}'s` : 'the file\'s'} signed Content Credentials`;
  }
  const camera = (c2pa?.manifests ?? []).find((m) => m.active)?.camera;
  const byWhom = [signer, camera].filter(Boolean).join(', ');
  if (kinds.has('c2pa-capture')) return `Camera photo — signed by the camera${byWhom ? ` (${byWhom})` : ''}`;
  if (kinds.has('c2pa-camera-exif')) return `Camera photo — signed by ${signer ?? 'the camera'}${camera ? ` for a ${camera}` : ''}`;
  if (kinds.has('c2pa-capture-disputed')) {
    return `Probably a camera photo — signed by ${signer ?? 'the camera'}${camera ? ` (${camera})` : ''}, but the signature leaves part of the file unprotected`;
  }
  if (kinds.has('c2pa')) return 'Declared as made with AI, but the Content Credentials were changed after signing';
  if (top?.kind === 'generator-metadata') return `Made with AI — the file carries image-generator settings${provenance?.generator?.tool ? ` from ${provenance.generator.tool}` : ''}`;
  if (top?.kind === 'watermark') return `Made with AI — the invisible ${sdmark?.kind ?? 'Stable Diffusion'} generator mark is in the pixels`;
  if (top?.kind === 'xmp') return 'Probably made with AI — the file\'s metadata (unsigned) says so';
  if (top?.kind === 'generator-software') return 'Probably made with AI — the file names an image generator as its software';
  if (tampered) return 'The Content Credentials were changed after signing — what they say cannot be relied on';
  if (c2pa?.present && c2pa.validation?.state === 'unverified') return 'Content Credentials found, but they could not be checked here';
  if (c2pa?.present) return `No AI declared — signed Content Credentials${tool ? ` from ${tool}` : ''} list no AI source`;
  if (top?.kind === 'detector') return verdict === 'likely-ai' ? 'Possibly made with AI — only the pixel detector suggests it' : 'No sign of AI in the pixel detector, but nothing proves it either';
  if (kinds.has('camera-exif')) {
    return 'No sign of AI, but nothing proves it either: this file carries no Content Credentials or generator marks, and camera details in EXIF are easy to forge';
  }
  return 'No sign of AI, but nothing proves it either: this file carries no Content Credentials, generator marks or camera signature';
}

/** How good the pixel signal measured, in words (from the model card's AUC on unseen images). */
export function describeDetectorQuality(auc) {
  if (!Number.isFinite(auc)) return 'The pixel detector has not been measured on unseen images.';
  const pct = Math.round(auc * 100);
  const words = auc >= 0.9 ? 'usually tells them apart' : auc >= 0.8 ? 'tells them apart more often than not, with clear mistakes'
    : auc >= 0.65 ? 'is only somewhat better than a coin toss' : 'is no better than a coin toss';
  return `On AI and real photos it had never seen, the pixel detector ranked an AI image above a real one ${pct}% of the time: it ${words}.`;
}
