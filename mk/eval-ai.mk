# Issue 5's numbers: provenance vs truth.jsonl, fused verdicts on ai-dev, speed in Chromium.
# The detector's training-time table: /usr/bin/python3 models/ai-detector/eval.py (EVAL.md).
.PHONY: eval-ai
eval-ai: build-wasm site
	node tools/eval_ai.mjs $(BENCH_DIR)/ai.md
