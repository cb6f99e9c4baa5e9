# Nudity cue (issue 6): nsfwjs's MobileNetV2 (npm, TensorFlow.js) converted to
# ONNX by Filigrane's own converter. The output is deterministic and must match
# the sha256 pinned in models/nsfw-mobilenet-v2/model.json (--check).
NSFW_ONNX := build/models/nsfw-mobilenet-v2.onnx
NSFW_MODEL_JSON := models/nsfw-mobilenet-v2/model.json

.PHONY: models-nsfw eval-nsfw
models-nsfw: $(NSFW_ONNX)

# node_modules/.package-lock.json changes whenever npm ci installs another nsfwjs.
$(NSFW_ONNX): tools/tfjs_to_onnx.mjs tools/onnx-writer.mjs $(NSFW_MODEL_JSON) node_modules/.package-lock.json
	node tools/tfjs_to_onnx.mjs --nsfwjs mobilenet_v2 --out $@ --check $(NSFW_MODEL_JSON)

# Fidelity against nsfwjs on TensorFlow.js and benign flag rates over the 178
# shared benign images (about 1 s per image for tfjs's CPU backend, more on a busy machine).
eval-nsfw: models-nsfw build-wasm
	mkdir -p $(BENCH_DIR)
	node tools/eval_nsfw.mjs $(BENCH_DIR)/cues-nsfw.md --json build/eval-nsfw.json
