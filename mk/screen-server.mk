# Issue 17: the server-rendered screen mark (bench/screen-server.md):
# screenshots of the demo page through the tile endpoint at DPR 1 and 2 after
# PNG, JPEG 50, scale 0.5-2 and a 512 x 512 crop; the tile endpoint's latency,
# throughput and memory for 1,000 requests over 100 viewers. Never fails the build.
.PHONY: bench-screen-server
bench-screen-server: build-wasm npm-deps
	mkdir -p $(BENCH_DIR)
	node tools/bench_screen_server.mjs $(BENCH_DIR)/screen-server.md || echo "bench-screen-server did not finish (see above)"
BENCH_TARGETS += bench-screen-server

# The photo mark's operating range (issue 17): marked size x attack -> exact
# payload on Kodak and the ai-dev reals; bench/mark-range.md and a section of
# bench/mark.md (after bench-mark, which rewrites that file).
.PHONY: bench-mark-range
bench-mark-range: build-wasm
	mkdir -p $(BENCH_DIR)
	node tools/bench_mark_range.mjs $(BENCH_DIR)/mark-range.md --into $(BENCH_DIR)/mark.md || echo "bench-mark-range did not finish (see above)"
BENCH_TARGETS += bench-mark-range
