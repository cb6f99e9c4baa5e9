// The news-article-like page of the cue benchmark (tools/bench_cues.mjs),
// shared with the OCR test that reads a committed render of it
// (tests/corpus/text/article-1920x400.png): many lines of ordinary text at
// common sizes, a few with personal data.
export const ARTICLE_VOCABULARY = 'the council said on monday that the new library would open in spring after two years of work '
  + 'residents asked about parking bus routes and opening hours while the architect described the reading rooms '
  + 'children will find a garden and a workshop on the ground floor volunteers are welcome to join the team';
export function articleHtml() {
  const words = ARTICLE_VOCABULARY.split(' ');
  let seed = 7;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
  const sentence = (n) => Array.from({ length: n }, () => words[next() % words.length]).join(' ');
  const paras = [];
  for (let i = 0; i < 14; i++) paras.push(`<p>${sentence(28)}. ${sentence(22)}.</p>`);
  paras.splice(3, 0, '<p>Contact the organisers at events.desk@example.org or call +44 20 7946 0958.</p>');
  paras.splice(9, 0, '<p>Donations: IBAN GB82 WEST 1234 5698 7654 32, card 4111 1111 1111 1111 (test number).</p>');
  return `<!doctype html><html><body style="margin:0;background:#fff;color:#222;font:17px/1.5 sans-serif">
    <header style="background:#0b3d6b;color:#fff;padding:12px 48px;font-size:22px">City Herald — Local news</header>
    <main style="display:grid;grid-template-columns:1fr 1fr;gap:40px;padding:16px 48px">
      <article><h1 style="font:bold 30px serif;margin:8px 0">New library opens its doors in spring</h1>${paras.slice(0, 8).join('')}</article>
      <article style="font-family:serif">${paras.slice(8).join('')}</article>
    </main></body></html>`;
}
