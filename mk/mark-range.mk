# The photo mark's operating range (issue 17): marked size x attack -> exact
# payload on Kodak and the ai-dev reals; bench/mark-range.md and a section of
# bench/mark.md (after bench-mark, which rewrites that file).
.PHONY: bench-mark-range
bench-mark-range: build-wasm
	mkdir -p $(BENCH_DIR)
	node tools/bench_mark_range.mjs $(BENCH_DIR)/mark-range.md --into $(BENCH_DIR)/mark.md || echo "bench-mark-range did not finish (see above)"
BENCH_TARGETS += bench-mark-range
