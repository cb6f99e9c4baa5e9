# Phone (issue 14): the offline pack's size and measured download, every
# feature with the network off after "Ready offline", the camera viewfinder
# with Chromium's fake camera (frames per second, per-cue latency), and
# screenshots (bench/phone-*.png). Writes bench/phone.md.
.PHONY: bench-phone
BENCH_TARGETS += bench-phone
bench-phone: build-wasm site
	mkdir -p $(BENCH_DIR)
	node tools/bench_phone.mjs $(BENCH_DIR)/phone.md || echo "bench-phone did not finish (see above)"
