# Scanning an archive (issue 19): the Dask fan-out needs Debian's
# python3-distributed, installed only for the targets that use it (the Node
# tier runs tools/dask_scan.py on a small folder; bench-scan times it).
SCAN_APT_PACKAGES := python3-distributed
.PHONY: scan-deps bench-scan
scan-deps:
	$(call apt_install,$(SCAN_APT_PACKAGES))
test-node: scan-deps

# 200 mixed shared images: files/s at --jobs 1 and 2 (all checks, provenance
# only), peak memory, the same through Dask with 2 workers, and the ai check
# per file against one process per file (bench/scan.md).
BENCH_TARGETS += bench-scan
bench-scan: build-wasm models scan-deps
	mkdir -p $(BENCH_DIR)
	node tools/bench_scan.mjs $(BENCH_DIR)/scan.md
