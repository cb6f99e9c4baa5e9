# Web benchmarks (bench/web.md): first-visit transfer size of the app, time to
# interactive from a warm cache, and the extension on a 50-image page.
# Runs on the built site and extension; never fails the build.
.PHONY: bench-web
bench-web: extension
	mkdir -p $(BENCH_DIR)
	node tools/bench_web.mjs $(BENCH_DIR)/web.md || echo "bench-web did not finish (see above)"
BENCH_TARGETS += bench-web
