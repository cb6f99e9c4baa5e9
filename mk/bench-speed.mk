# End-to-end speed a person waits for (issue 20): photo mark PNG/JPEG out,
# Inspect, dense-page OCR, in Chromium through the page's library ->
# bench/speed.md. BEFORE_SITE=DIR (a build/site made from an earlier commit)
# adds its figures beside, measured in the same run on the same bytes.
BENCH_TARGETS += bench-speed
BEFORE_SITE ?=
.PHONY: bench-speed
bench-speed: build-wasm site
	mkdir -p $(BENCH_DIR)
	node tools/bench_speed.mjs $(BENCH_DIR)/speed.md $(if $(BEFORE_SITE),--before-site $(BEFORE_SITE))
