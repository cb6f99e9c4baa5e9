# Issue 18: Inspect as a person sees it. Screenshots (bench/inspect-*.png) and
# drop-to-headline time (bench/inspect.md) in Chromium; the manifest tree
# against c2pa-rs's own reader (its section of bench/ai.md).
.PHONY: bench-inspect bench-c2pa-tree
BENCH_TARGETS += bench-inspect bench-c2pa-tree
bench-inspect: site
	node tools/bench_inspect.mjs
bench-c2pa-tree: build
	node tools/c2pa_compare.mjs --write bench/ai.md
