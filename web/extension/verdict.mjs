// Turns the engine's reports on one image into the badge an extension shows:
// short visible text, a sentence for screen readers, and a kind for colour.
// Pure functions, so the offscreen document and tests share them.

const AI_SOURCE_TYPE = /algorithmicMedia|compositeSynthetic/i;

/** Short name of an IPTC digital source type URI (last path segment). */
function sourceTypeName(uri) {
  return String(uri).split('/').pop();
}

const VERDICT_WORDS = { ai: 'AI-generated', 'likely-ai': 'probably AI-generated', unknown: 'cannot tell', 'likely-real': 'probably not AI-generated' };

/** The engine's aiVerdict report ({verdict: ai|likely-ai|unknown|likely-real, probability}), read defensively. */
export function readAiVerdict(report) {
  if (!report || typeof report !== 'object' || typeof report.verdict !== 'string') return null;
  const probability = typeof report.probability === 'number' ? report.probability : null;
  return { verdict: report.verdict, probability, words: VERDICT_WORDS[report.verdict] ?? report.verdict };
}

/** The nudity report read loosely: a boolean flag, or a score of at least 0.5. */
export function readNudity(report) {
  if (!report || typeof report !== 'object') return null;
  const score = [report.score, report.probability, report.nudity].find((v) => typeof v === 'number');
  const flag = [report.flagged, report.nude, report.nsfw, report.found].find((v) => typeof v === 'boolean');
  return { flagged: flag ?? (score !== undefined && score >= 0.5), score: score ?? null };
}

/**
 * @param {object|null} provenance the provenance op's report (null when unreadable)
 * @param {object|null} ai the aiVerdict op's report, when the engine has one
 * @param {object|null} nudity the nudity op's report, when the engine has one
 * @returns {{kind: 'tampered'|'ai-declared'|'ai'|'c2pa'|'none', tampered: boolean, text: string, description: string, aiDeclared: boolean,
 *            c2pa: boolean, generator: string|null, nudity: boolean}}
 */
export function summarise(provenance, ai = null, nudity = null) {
  const parts = [];
  const p = provenance ?? {};
  const active = p.c2pa?.active ?? null;
  const sourceTypes = [p.c2pa?.digital_source_type, ...(active?.digital_source_types ?? []),
    p.xmp?.digital_source_type, p.iptc?.digital_source_type].filter(Boolean);
  const aiType = sourceTypes.find((t) => AI_SOURCE_TYPE.test(t));
  const generator = p.generator?.tool ?? null;
  const verdict = readAiVerdict(ai);
  const nude = readNudity(nudity);

  const pct = verdict?.probability == null ? '' : `${Math.round(verdict.probability * 100)}%`;
  if (aiType) {
    const where = p.c2pa?.digital_source_type || active?.digital_source_types?.length ? 'Content Credentials' : 'IPTC metadata';
    parts.push(['AI', `declared as made with generative AI (${sourceTypeName(aiType)} in its ${where})`]);
  }
  if (generator) parts.push([aiType ? null : 'AI', `generator text from ${generator}`]);
  if (verdict) {
    const declared = aiType || generator;
    const label = declared ? null : verdict.verdict === 'ai' ? 'AI' : verdict.verdict === 'likely-ai' ? `AI?${pct ? ` ${pct}` : ''}` : null;
    parts.push([label, `AI verdict: ${verdict.words}${pct ? ` (${pct})` : ''}`]);
  }
  // The official validator's result arrives with the AI verdict (full stage).
  const validation = ai?.evidence?.c2pa?.validation ?? p.c2pa?.validation?.state ?? null;
  const tampered = Boolean(p.c2pa?.present && validation === 'invalid');
  if (p.c2pa?.present) {
    const who = active?.claim_generator ? `, made with ${active.claim_generator}` : '';
    parts.push(tampered
      ? ['⚠ Tampered', `Content Credentials (C2PA) present${who}, but they fail the official check: the file or its credentials changed after signing`]
      : ['C2PA', `Content Credentials (C2PA) present${who}`]);
  }
  if (nude?.flagged) parts.push(['Nudity', 'may show nudity']);
  if (!parts.some(([label]) => label)) {
    // A format with no place for metadata (BMP) says so in the report's note.
    const none = p.note ? p.note.charAt(0).toLowerCase() + p.note.slice(1) : 'no provenance metadata could be read from this file';
    parts.unshift([provenance && !p.note ? 'No credentials' : 'No metadata',
      provenance && !p.note ? 'no Content Credentials, AI source type or generator text found' : none]);
  }
  const aiFlag = Boolean(verdict?.verdict === 'ai' || verdict?.verdict === 'likely-ai');
  // Colours (content.js and the popup's legend): tampered credentials warn
  // first, then AI declared by the file, then an AI verdict alone, then valid credentials.
  const kind = tampered ? 'tampered' : (aiType || generator) ? 'ai-declared' : aiFlag ? 'ai' : p.c2pa?.present ? 'c2pa' : 'none';
  return {
    kind,
    tampered,
    text: parts.map(([t]) => t).filter(Boolean).join(' · '),
    description: `Filigrane: ${parts.map(([, d]) => d).join('; ')}.`,
    aiDeclared: Boolean(aiType),
    c2pa: Boolean(p.c2pa?.present),
    generator,
    nudity: Boolean(nude?.flagged),
  };
}
