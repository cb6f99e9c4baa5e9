# The Chromium (Manifest V3) extension in build/extension/ (load it unpacked):
# web/extension (manifest, service worker, content script, offscreen engine
# host, settings) plus the built site's library, WebAssembly module and app,
# whose page becomes the extension's inspect.html. Built from build/site
# (`make site`), so the extension runs exactly the engine the site ships;
# the site's service worker and precache list are left out.
EXTENSION_DIR := build/extension

.PHONY: extension
extension: $(EXTENSION_DIR)/manifest.json

$(EXTENSION_DIR)/manifest.json: $(wildcard web/extension/*) $(SITE_DIR)/precache.json
	rm -rf $(EXTENSION_DIR)
	mkdir -p $(EXTENSION_DIR)
	cp -r $(SITE_DIR)/. $(EXTENSION_DIR)/
	rm -f $(EXTENSION_DIR)/sw.js $(EXTENSION_DIR)/precache.json $(EXTENSION_DIR)/index.html
	sed 's|</head>|  <script type="module" src="inspect-src.mjs"></script>\n</head>|' $(SITE_DIR)/index.html > $(EXTENSION_DIR)/inspect.html
	cp web/extension/manifest.json web/extension/*.html web/extension/*.mjs web/extension/*.js $(EXTENSION_DIR)/
	@echo "extension: load $(EXTENSION_DIR) unpacked (chrome://extensions, developer mode)"

$(SITE_DIR)/precache.json:
	@echo "$(SITE_DIR) is not built: run make site first"; exit 1
