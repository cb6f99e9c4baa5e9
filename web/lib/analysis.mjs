// Asynchronous analyses that combine the core with models and validators:
// the full provenance report (core parse + C2PA signature check) and the AI
// verdict (provenance + generator mark + pixel detector, fused in verdict.mjs).
// Shared by the browser worker and Node, like core-ops.mjs.
import { buildManifestList, recomputeDataHash } from './c2pa-tree.mjs';
import { createC2paValidator } from './c2pa-validate.mjs';
import { FiligraneError } from './errors.mjs';
import { modelEntry, modelSession, ortRuntime } from './models.mjs';
import { describeDetectorQuality, fuseVerdict } from './verdict.mjs';

export const DETECTOR_MODEL = 'ai-detector';

/** Errors that mean the file itself is bad: reported as such, never hidden in a verdict. */
const INPUT_ERRORS = new Set(['invalid_argument', 'unsupported_format', 'corrupt_data', 'too_large']);

/** Adds the keys other tools rely on (issue contract) next to the core's detailed fields. */
export function withContractKeys(report) {
  const c2pa = report.c2pa ?? {};
  const exif = report.exif ?? {};
  const texts = report.generator?.texts ?? [];
  return {
    ...report,
    c2pa: { ...c2pa, claim_generator: c2pa.active?.claim_generator ?? null, validation: c2pa.validation ?? null },
    exif: { ...exif, gps: Boolean(exif.gps_present) },
    png_text: texts.filter((t) => String(t.where ?? '').startsWith('png')),
  };
}

/**
 * @param {{ops: object, loadC2paWasm: () => Promise<object>}} options
 *   ops: createCoreOps(module); loadC2paWasm: resolves to the initialised
 *   @contentauth/c2pa-wasm module (host-specific, called lazily).
 */
export function createAnalysis({ ops, loadC2paWasm }) {
  const validator = createC2paValidator({ loadWasm: loadC2paWasm });

  /**
   * @param {{validate?: boolean, thumbnails?: boolean}} [options] thumbnails:
   *   manifest and ingredient thumbnails get `data` (their bytes) for the page
   */
  async function provenanceReport(bytes, { validate = true, thumbnails = false } = {}) {
    const report = ops.provenance(bytes);
    if (report.c2pa?.present) {
      report.c2pa.validation = validate
        ? await validator.validate(ops.fileBytes(bytes), report.format, { thumbnails })
        : { state: 'unverified', codes: [], informational_codes: [], signer_trusted: false, validator: null, detail: 'validation was not requested' };
    }
    if (report.c2pa) {
      const core = report.c2pa.manifests ?? [];
      const activeLabel = report.c2pa.active?.label;
      const active = core.find((m) => m.label === activeLabel);
      const dataHashCheck = active?.data_hash
        ? await recomputeDataHash(ops.fileBytes(bytes), active.data_hash, report.c2pa.store_location, report.format) : null;
      report.c2pa.manifests = buildManifestList(report.c2pa, { validation: report.c2pa.validation, dataHashCheck });
      if (report.c2pa.validation && dataHashCheck) report.c2pa.validation.own_check = dataHashCheck;
    }
    return withContractKeys(report);
  }

  /** The pixel detector's reading, or {error} when the model cannot run here. */
  async function pixelDetector(bytes, { onProgress } = {}) {
    try {
      const [{ detectAiPixels }, entry, session, ort] = await Promise.all([
        import('./ai-detector.mjs'), modelEntry(DETECTOR_MODEL), modelSession(DETECTOR_MODEL, { onProgress }), ortRuntime(),
      ]);
      const reading = await detectAiPixels({ ops, session, ort, bytes, calibration: entry.calibration });
      const auc = entry.measured_auc?.ai_dev_unseen;
      return { ...reading, auc: auc ?? null, quality: describeDetectorQuality(auc), calibration: entry.calibration ?? null };
    } catch (err) {
      return { error: { code: err?.code ?? 'internal', message: String(err?.message ?? err) } };
    }
  }

  /**
   * @param {{detector?: boolean, pixels?: boolean, provenance?: boolean, thumbnails?: boolean, onProgress?: Function,
   *   precomputed?: {provenance?: object, sdmark?: object}}} [options]
   *   provenance: also return the full provenance report (`provenance`), so a
   *   page validates once; thumbnails: with the manifests' thumbnail bytes;
   *   precomputed: results of provenanceReport and/or detectSdMark a caller
   *   (the scan command) already has, so they are not computed twice
   */
  async function aiVerdict(bytes, {
    detector = true, pixels: readPixels = true, provenance: withProvenance = false, thumbnails = false, onProgress,
    precomputed = {},
  } = {}) {
    const provenance = precomputed.provenance ?? await provenanceReport(bytes, { thumbnails });
    // Decodes the pixels (a damaged file fails here, with its own error).
    // pixels: false gives the metadata-only verdict a page can show at once
    // (no full decode: no generator-mark check, no detector).
    const sdmark = readPixels ? (precomputed.sdmark ?? ops.detectSdMark(bytes)) : null;
    const pixels = readPixels && detector ? await pixelDetector(bytes, { onProgress }) : null;
    if (pixels?.error && INPUT_ERRORS.has(pixels.error.code)) {
      throw new FiligraneError(pixels.error.code, pixels.error.message);
    }
    const usable = pixels && !pixels.error ? pixels : null;
    const fused = fuseVerdict({ provenance, sdmark, detector: usable, calibration: usable?.calibration });
    return {
      ...fused,
      evidence: {
        c2pa: {
          present: provenance.c2pa.present,
          claim_generator: provenance.c2pa.claim_generator,
          digital_source_type: provenance.c2pa.digital_source_type ?? null,
          validation: provenance.c2pa.validation?.state ?? null,
        },
        xmp_digital_source_type: provenance.xmp?.digital_source_type ?? null,
        generator: provenance.generator?.tool ?? null,
        sd_watermark: sdmark ? { found: Boolean(sdmark.found), kind: sdmark.kind ?? null, bitAgreement: sdmark.bitAgreement ?? null, tooSmall: Boolean(sdmark.tooSmall) } : null,
        detector: pixels ? (pixels.error ? { error: pixels.error }
          : { probability: pixels.probability, band: pixels.band, auc: pixels.auc, quality: pixels.quality }) : null,
        camera: provenance.exif?.make ? `${provenance.exif.make} ${provenance.exif.model ?? ''}`.trim() : null,
      },
      pixels_checked: Boolean(readPixels),
      ...(withProvenance ? { provenance } : {}),
    };
  }

  // Each call decodes its file once, whatever it runs (ops.sharingDecode).
  return { provenanceReport: ops.sharingDecode(provenanceReport), aiVerdict: ops.sharingDecode(aiVerdict) };
}
