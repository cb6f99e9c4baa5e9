# bench-chromium: the core's kernels as WebAssembly in headless Chromium (and
# the same JavaScript under Node), ratio to native -> bench/chromium.md.
# bench-results: every bench/*.md gathered into bench/RESULTS.md (run last).
BENCH_TARGETS += bench-chromium
.PHONY: bench-chromium bench-results
bench-chromium: build site
	mkdir -p $(BENCH_DIR)
	$(NATIVE_DIR)/bench_core build/chromium-native.tsv
	node tools/bench_chromium.mjs $(BENCH_DIR)/chromium.md --native-tsv build/chromium-native.tsv

bench-results:
	node tools/bench_results.mjs $(BENCH_DIR) $(BENCH_DIR)/RESULTS.md
