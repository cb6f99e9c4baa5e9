// Personal data that lives in words rather than in checksummed numbers, found
// in recognised text (word gaps kept): e-mail addresses written to dodge
// scrapers, web addresses carrying tokens or personal paths, names after
// labels ("Name:", "From:", "To:", "Passenger:") and postal addresses.
// The core's matchers (core/text/pii.cpp) stay the ones for e-mail, phone,
// card, IBAN, IP and dates of birth, where checksums and digit grammars do the
// work; these are word patterns with Unicode letter classes, which JavaScript
// regular expressions express directly (std::regex has no \p{L}).
// Each match says why it was flagged.

const L = '\\p{L}';
const NAME_WORD = `(?:\\p{Lu}[\\p{Ll}'’-]+|\\p{Lu}{2,}[\\p{Lu}'’-]*|\\p{Lu}\\.)`;
const TITLE = '(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|M)\\.?\\s+)?';

// Any letter case for a pattern's ASCII letters (the name after a label must
// keep its case test, so the whole expression cannot use the i flag).
const anyCase = (pattern) => pattern.replace(/\\.|[a-z]/g, (c) => (c.length === 1 ? `[${c}${c.toUpperCase()}]` : c));

// Labels after which a person's name follows.
const PERSON_LABELS = anyCase('(?:full\\s*name|first\\s*name|last\\s*name|surname|given\\s*names?|name|passenger(?:\\s*name)?|traveller|traveler|'
  + 'guest|patient|customer|recipient|sender|ship\\s*to|deliver\\s*to|bill\\s*to|sold\\s*to|attn|attention|'
  + 'account\\s*holder|card\\s*holder|cardholder|holder|contact|employee|signed|from|to|cc|bcc|reply-to|'
  + 'nom|prénom|empfänger|absender|naam)');
const NAME_LABEL = new RegExp(`(?<![${L}])(${PERSON_LABELS})\\s*[:：]\\s*(${TITLE}(?:${NAME_WORD})(?:[\\s/,]+${NAME_WORD}){0,3}|${TITLE}${NAME_WORD}\\s*/\\s*${NAME_WORD})`, 'gu');
// A label alone in its box (the value is in the box beside or below it).
export const LONE_LABEL = new RegExp(`^\\s*${PERSON_LABELS}\\s*[:：]?\\s*$`, 'u');
const ROUTE_LABELS = /^(?:from|to)$/i;
// A value that reads as a name: two to four name words, or SURNAME/GIVEN.
// (The recogniser drops the gap in large bold type: "PabloSchmidt" counts too.)
const NAME_VALUE = new RegExp(`^\\s*${TITLE}(?:${NAME_WORD}(?:[\\s,]+${NAME_WORD}){1,3}|${NAME_WORD}\\s*/\\s*${NAME_WORD}(?:\\s+${NAME_WORD})?|\\p{Lu}\\p{Ll}+\\p{Lu}\\p{Ll}+)\\s*$`, 'u');

const TLDS = 'com|org|net|edu|gov|io|co|uk|de|fr|nl|be|ch|at|it|es|pt|se|no|dk|fi|pl|cz|eu|info|me|dev|app|ca|au|us|jp|br|mx|in|ru|ie';
const AT = '(?:\\s*[\\[({<]\\s*at\\s*[\\])}>]\\s*|\\s+at\\s+|\\s*\\(a\\)\\s*|\\s*\\[a\\]\\s*)';
const DOT = '(?:\\s*[\\[({<]\\s*dot\\s*[\\])}>]\\s*|\\s+dot\\s+|\\.)';
const OBFUSCATED_EMAIL = new RegExp(
  `(?<![\\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})${AT}([A-Za-z0-9-]{1,63}(?:${DOT}[A-Za-z0-9-]{1,63})*)${DOT}(${TLDS})(?![A-Za-z0-9])`, 'gi');
// "apenwarr on gmail.com": a handle, "on" or "at", and a known mail provider.
const PROVIDER_EMAIL = new RegExp(
  '(?<![\\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{1,63})\\s+(?:on|at|@)\\s+((?:gmail|googlemail|yahoo|ymail|outlook|hotmail|live|msn|icloud|me|mac|'
  + 'proton|protonmail|pm|gmx|web|aol|yandex|mail|fastmail|zoho|tutanota|tuta|hey|posteo|mailbox|orange|free|laposte|t-online|btinternet|comcast)'
  + '\\s*(?:\\.|\\s+dot\\s+)\\s*[a-z]{2,6}(?:\\.[a-z]{2})?)(?![A-Za-z0-9])', 'gi');
// All gaps lost: "evagarcia94atprotondotcom" (known providers only).
const GLUED_EMAIL = new RegExp(
  '(?<![A-Za-z0-9])([a-z0-9][a-z0-9._-]{1,40}?)at(gmail|googlemail|outlook|hotmail|yahoo|icloud|proton|protonmail|gmx|aol|yandex|fastmail|posteo)dot(com|net|org|de|fr|me|ch)(?![A-Za-z0-9])', 'gi');
// Words that precede "at <place>" in ordinary prose.
const NOT_HANDLES = new Set(['look', 'looking', 'meet', 'me', 'us', 'him', 'her', 'them', 'it', 'this', 'that', 'here', 'there', 'home',
  'work', 'works', 'worked', 'working', 'stay', 'staying', 'arrive', 'arrived', 'arriving', 'live', 'lives', 'lived', 'study', 'studied',
  'available', 'found', 'seen', 'shop', 'buy', 'find', 'visit', 'join', 'hosted', 'posted', 'published', 'read', 'more', 'info', 'online',
  'is', 'are', 'was', 'were', 'be', 'and', 'or', 'the', 'a', 'an', 'me', 'you', 'we', 'they', 'i', 'go', 'went', 'sign', 'up', 'log', 'in',
  'click', 'tap', 'email', 'e-mail', 'mail', 'write', 'contact', 'reach', 'ping', 'message', 'dm']);

// A URL may be read as two boxes split after "?", "&", "=" or "/": one space there is kept in it.
const URL_CANDIDATE = /(?:https?:\/\/|www\.)(?:[^\s<>"']|(?<=[?&=/])\s(?=[^\s<>"']))+|(?<![@\w.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,12}\/[^\s<>"']+/gi;
const TOKEN_KEYS = /[?&#;](?:token|access_token|id_token|refresh_token|auth|authorization|key|api_key|apikey|sig|signature|session|sessionid|sid|code|otp|pass|password|pwd|reset|invite|secret|jwt|ticket|uid|user|userid|email|e)=[^&#\s]{3,}/i;
const PERSONAL_PATH = /\/(?:users?|home|u|profile|profiles|people|in|member|members|account|accounts|author|~)\/[^/?#\s]{2,}|\/~[A-Za-z0-9._-]{2,}|[A-Za-z]:\\Users\\[^\\\s]{2,}/i;
// A path or query value that looks like a random secret: 20+ characters mixing letters and digits.
const RANDOM_SEGMENT = /[/=]([A-Za-z0-9_-]{20,})(?=$|[/?&#.])/g;
const LOCAL_PATH = /(?:^|\s)(?:\/home\/[A-Za-z0-9._-]{2,}|\/Users\/[A-Za-z0-9._-]{2,}|[A-Za-z]:\\Users\\[A-Za-z0-9._ -]{2,})/;

const STREET_SUFFIX = 'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Row|Mews|Gardens|Grove|Walk';
const ADDRESS_PATTERNS = [
  // 221B Baker Street, 1600 Amphitheatre Pkwy
  // (The recogniser drops gaps: "5587OakDrive", "Senditto973ElmAvenue".)
  new RegExp(`(?<!\\d)\\d{1,5}[A-Za-z]?,?\\s*(?:${NAME_WORD}\\s*){1,3}?(?:${STREET_SUFFIX})(?![\\p{Ll}])\\.?(?:\\s*,?\\s*(?:Apt|Suite|Unit|Flat|#)\\.?\\s*\\w+)?`, 'u'),
  // 12 rue de la Paix, 3 bis avenue Foch
  new RegExp(`(?<!\\d)\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s*(?:rue|avenue|av\\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours)\\s*\\p{Lu}[${L}'’ -]{2,40}`, 'iu'),
  // Hauptstraße 5, Keizersgracht 123, Via Roma 10
  new RegExp(`(?<![${L}])[\\p{Lu}][${L}-]*(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|straat|laan|gracht|plein|kade|steeg|vägen|gatan|gade|vej)\\s*\\d{1,4}[a-z]?(?!\\d)`, 'u'),
  new RegExp(`(?<![${L}])(?:Via|Viale|Piazza|Corso|Calle|Avenida|Rua|Plaza|Paseo|Carrer)\\s+[${L}'’ ]{2,40},?\\s*\\d{1,4}(?!\\d)`, 'u'),
  // Springfield, IL 62704
  new RegExp(`(?<![${L}])\\p{Lu}[\\p{Ll}]+(?:\\s\\p{Lu}[\\p{Ll}]+)*,\\s*(?:AL|AK|AZ|AR|CA|C[O0]|CT|DE|FL|GA|H[Il1]|[Il1]D|[Il1]L|[Il1]N|[Il1]A|KS|KY|LA|ME|MD|MA|M[Il1]|MN|MS|M[O0]|MT|NE|NV|NH|NJ|NM|NY|NC|ND|[O0]H|[O0]K|[O0]R|PA|R[Il1]|SC|SD|TN|TX|UT|VT|VA|WA|WV|W[Il1]|WY|DC)\\s*\\d{5}(?:-\\d{4})?(?!\\d)`, 'u'),
  // UK postcodes (SW1A 1AA)
  // (a 1 read as l or I: "SWlA 6AA")
  /(?<![A-Za-z0-9])(?:[A-PR-UWYZ][A-HK-Y]?[\dlI][A-HJKPSTUW\dl]?)\s?\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])/,
  // A postcode and a town after a comma, ending the text or before another comma: "…, 80331 München"
  new RegExp(`,\\s*(?:[A-Z]{1,2}-)?\\d{5}\\s*\\p{Lu}[\\p{Ll}]+(?:[\\s-]\\p{Lu}[\\p{Ll}]+){0,2}(?=\\s*(?:,|$))`, 'u'),
  // A line that is a postcode and a town: 75008 Paris, D-10115 Berlin, 1017 AB Amsterdam
  new RegExp(`^\\s*(?:[A-Z]{1,2}-)?(?:\\d{5}|\\d{4}\\s?[A-Z]{2}|\\d{4})\\s*\\p{Lu}[\\p{Ll}]+(?:[\\s-]\\p{Lu}[\\p{Ll}]+){0,2}(?:\\s+(?:CEDEX|Cedex)(?:\\s\\d{1,2})?)?\\s*$`, 'u'),
  /(?<![A-Za-z])(?:P\.?\s?O\.?\s?Box|Postfach|Boîte postale|BP)\s+\d{1,6}(?!\d)/i,
];

function push(out, kind, match, index, why) {
  out.push({ kind, begin: index, end: index + match.length, value: match.trim(), why });
}

/**
 * Word-level personal data in one text (word gaps kept, as spacedText()
 * gives): [{kind, begin, end, value, why}] with begin/end in UTF-16 units.
 * kinds: Set of wanted kinds (all four when absent).
 */
export function findPersonalWords(text, kinds = null) {
  const want = (k) => !kinds || kinds.has(k);
  // The recogniser reads German ß as Greek β or as B (same length: positions hold).
  // A zero before lower-case letters is a capital O ("0ak Drive"). Same length: positions hold.
  const s = String(text).replace(/β/g, 'ß').replace(/(stra|Stra|STRA)[BS8](e|E)/g, '$1ß$2')
    .replace(/(^|[^\p{L}\p{N}])0(?=\p{Ll}{2})/gu, '$1O')
    .replace(/(?<=\d)[oO](?=\d)/g, '0');  // and a letter o between digits is a zero ("130o1")
  const out = [];
  if (want('email_obfuscated')) {
    for (const m of s.matchAll(OBFUSCATED_EMAIL)) {
      const spelled = /\bat\b|\bdot\b|\(a\)|\[a\]/i.test(m[0].slice(m[1].length));
      const plainWords = !/[\[({<]/.test(m[0]);
      if (!spelled) continue;  // name@example.com is the core's e-mail matcher's
      if (plainWords && NOT_HANDLES.has(m[1].toLowerCase())) continue;
      push(out, 'email_obfuscated', m[0], m.index, 'e-mail address written with "at"/"dot" instead of @ and .');
    }
    for (const m of s.matchAll(GLUED_EMAIL)) {
      if (out.some((o) => o.begin <= m.index && o.end > m.index)) continue;
      push(out, 'email_obfuscated', m[0], m.index, 'e-mail address written with "at"/"dot" instead of @ and .');
    }
    for (const m of s.matchAll(PROVIDER_EMAIL)) {
      if (NOT_HANDLES.has(m[1].toLowerCase()) || out.some((o) => o.begin <= m.index && o.end > m.index)) continue;
      push(out, 'email_obfuscated', m[0], m.index, `a name next to the mail provider ${m[2].replace(/\s+/g, '')}`);
    }
  }
  if (want('url_token')) {
    const glued = s;
    for (const m of glued.matchAll(URL_CANDIDATE)) {
      const url = m[0].replace(/[).,;:!?]+$/, '').replace(/\s/g, '');
      let why = null;
      if (TOKEN_KEYS.test(url)) why = 'web address with a token, key or session in it';
      else if (PERSONAL_PATH.test(url)) why = 'web address with a personal path (a user or profile name)';
      else {
        for (const r of url.matchAll(RANDOM_SEGMENT)) {
          if (/\d/.test(r[1]) && /[A-Za-z]/.test(r[1])) { why = 'web address with a long random code (a private link)'; break; }
        }
      }
      if (why) out.push({ kind: 'url_token', begin: m.index, end: m.index + m[0].length, value: url, why });
    }
    const local = s.match(LOCAL_PATH);
    if (local) push(out, 'url_token', local[0], local.index, 'file path with a user name in it');
  }
  if (want('labelled_name')) {
    for (const m of s.matchAll(NAME_LABEL)) {
      const label = m[1].toLowerCase().replace(/\s+/g, ' ');
      const value = m[2];
      // After "From:" or "To:" a route ("From: London") is no name: ask for two name words.
      if (ROUTE_LABELS.test(label) && !NAME_VALUE.test(value.replace(/\s*<.*$/, ''))) continue;
      push(out, 'labelled_name', m[0], m.index, `name after the label "${m[1]}"`);
    }
  }
  if (want('postal_address')) {
    for (const re of ADDRESS_PATTERNS) {
      const m = s.match(re);
      if (m && !out.some((o) => o.begin < m.index + m[0].length && o.end > m.index)) push(out, 'postal_address', m[0], m.index, 'postal address (street, postcode or town)');
    }
  }
  return out.sort((a, b) => a.begin - b.begin);
}

/** True when a text box reads as a name on its own (the value beside or below a lone label). */
export function looksLikeName(text, label = '') {
  // "From" / "To" alone above a value is a route on tickets and labels far more often than a person.
  if (ROUTE_LABELS.test(String(label).trim().replace(/\s*[:：]$/, ''))) return false;
  // Beside a label, a second word the recogniser read in lower case ("Kenji silva") still counts.
  return NAME_VALUE.test(String(text)) || /^\s*\p{Lu}\p{Ll}+\s+\p{L}\p{Ll}+\s*$/u.test(String(text));
}

export const WORD_KINDS = Object.freeze(['email_obfuscated', 'url_token', 'labelled_name', 'postal_address']);
