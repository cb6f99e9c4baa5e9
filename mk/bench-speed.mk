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

# bench_core of an earlier build beside this one, 3 interleaved rounds, the
# fastest median of each kernel kept -> bench/core-before-after.md.
# BEFORE_BUILD=DIR holds that build's native bench_core and bench_core.js/.wasm.
BEFORE_BUILD ?=
.PHONY: bench-core-before-after
bench-core-before-after: build
	@[ -n "$(BEFORE_BUILD)" ] || { echo "BEFORE_BUILD=DIR (an earlier build's bench_core, bench_core.js, bench_core.wasm) is needed"; exit 64; }
	rm -rf build/bench-cmp && mkdir -p build/bench-cmp
	for round in 1 2 3; do \
	  $(BEFORE_BUILD)/bench_core | sed 's/^native/native-before/' >> build/bench-cmp/nb.tsv; \
	  $(NATIVE_DIR)/bench_core >> build/bench-cmp/na.tsv; \
	  (cd $(BEFORE_BUILD) && node bench_core.js) | sed 's/^wasm-node/wasm-node-before/' >> build/bench-cmp/wb.tsv; \
	  node $(WASM_DIR)/bench_core.js >> build/bench-cmp/wa.tsv; \
	done
	node tools/bench_before_after.mjs $(BENCH_DIR)/core-before-after.md 3 build/bench-cmp/*.tsv
