// What truth.jsonl (../shared/data/provenance) says about one file, as checks
// Filigrane's provenance report must pass. Shared by the Node test and
// `make eval-ai`, so both hold the reader to the same expectations.
import { classifySourceType } from '../../web/lib/verdict.mjs';

const VALID = new Set(['valid', 'trusted']);

/**
 * @returns {Array<{what: string, expected: string, got: string, ok: boolean}>}
 *   one entry per expectation the source states for this file.
 */
export function checkAgainstTruth(row, report) {
  const e = row.expected ?? {};
  const checks = [];
  const push = (what, expected, got, ok) => checks.push({ what, expected: String(expected), got: String(got), ok });
  if (typeof e.c2pa_present === 'boolean') push('c2pa.present', e.c2pa_present, report.c2pa?.present, report.c2pa?.present === e.c2pa_present);
  if (typeof e.claim_generator === 'string') push('c2pa.claim_generator', e.claim_generator, report.c2pa?.claim_generator, report.c2pa?.claim_generator === e.claim_generator);
  if (Array.isArray(e.digital_source_type)) {
    const want = e.digital_source_type.map((t) => String(t).trim());
    const got = [report.c2pa?.digital_source_type, ...(report.c2pa?.active?.digital_source_types ?? [])].filter(Boolean).map((t) => String(t).trim());
    push('c2pa.digital_source_type', want.join(' '), got.join(' ') || null, want.every((t) => got.includes(t)));
  } else if (e.digital_source_type === null && report.c2pa?.present) {
    const got = report.c2pa?.digital_source_type ?? null;
    push('c2pa.digital_source_type', 'none', got, got === null || classifySourceType(got) !== 'trained');
  }
  const state = report.c2pa?.validation?.state ?? null;
  if (e.validation_state === 'Valid' || e.active_manifest_valid === true) {
    push('c2pa.validation', 'valid', state, VALID.has(state));
  } else if (e.validation_state === 'Invalid' || e.valid === false) {
    // Never valid where the C2PA tools say invalid; "unverified" is allowed.
    push('c2pa.validation', 'not valid', state, state !== null && !VALID.has(state));
  }
  return checks;
}
