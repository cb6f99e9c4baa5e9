# Face detection (BlazeFace back-256, tiled) on the 24 shared people photos:
# recall, precision, per-photo counts and speed in Node -> bench/cues-faces.md.
# Needs the WebAssembly module built with the faces feature (or FILIGRANE_WASM_NODE
# pointing at one) and ../shared.
EVAL_FACES_ARGS ?=
.PHONY: eval-faces
eval-faces: build-wasm npm-deps
	mkdir -p $(BENCH_DIR)
	node tools/eval_faces.mjs --out $(BENCH_DIR)/cues-faces.md $(EVAL_FACES_ARGS)
