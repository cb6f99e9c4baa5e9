# Speed of the cue models in Chromium (issue 6): faces + nudity on 12 MP, OCR on 1080p.
BENCH_TARGETS += bench-cues
.PHONY: bench-cues
bench-cues: build-wasm site
	node tools/bench_cues.mjs $(BENCH_DIR)/cues-speed.md
