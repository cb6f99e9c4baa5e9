# Issue 17: the server-rendered screen mark (bench/screen-server.md):
# screenshots of the demo page through the tile endpoint at DPR 1 and 2 after
# PNG, JPEG 50, scale 0.5-2 and a 512 x 512 crop; the tile endpoint's latency,
# throughput and memory for 1,000 requests over 100 viewers. Never fails the build.
.PHONY: bench-screen-server
bench-screen-server: build-wasm npm-deps
	mkdir -p $(BENCH_DIR)
	node tools/bench_screen_server.mjs $(BENCH_DIR)/screen-server.md || echo "bench-screen-server did not finish (see above)"
BENCH_TARGETS += bench-screen-server
