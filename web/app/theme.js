// Runs before the page paints (a classic script in <head>), so a dark-mode
// user never sees a white flash: the stored choice, else the system's.
(function applyTheme() {
  var stored = null;
  try { stored = localStorage.getItem('filigrane-theme'); } catch (e) { /* storage blocked: follow the system */ }
  var dark = stored ? stored === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
})();
