// The dark-mode toggle. theme.js applied the stored choice (or the system's)
// before the page painted; this keeps the button in step, stores a choice the
// person makes, and follows the system while they have made none.
const KEY = 'filigrane-theme';
const systemDark = matchMedia('(prefers-color-scheme: dark)');

function stored() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

export function setupTheme(button) {
  const apply = (theme) => {
    document.documentElement.dataset.theme = theme;
    button.setAttribute('aria-pressed', String(theme === 'dark'));
  };
  apply(stored() ?? (systemDark.matches ? 'dark' : 'light'));
  systemDark.addEventListener('change', (e) => { if (!stored()) apply(e.matches ? 'dark' : 'light'); });
  button.addEventListener('click', () => {
    const theme = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    try { localStorage.setItem(KEY, theme); } catch { /* not remembered, still applied */ }
    apply(theme);
  });
}
