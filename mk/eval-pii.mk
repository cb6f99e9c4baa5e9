# Personal text cues: planted fake e-mails, phones, cards and IBANs on pages
# rendered by headless Chromium, read by web/lib/ocr.mjs (PP-OCRv4 + core/text);
# recall, precision and redaction per condition in bench/cues-text.md.
# EVAL_PII_ARGS: e.g. --pages 6 for a quick run.
EVAL_PII_ARGS ?=
.PHONY: eval-pii
eval-pii: build-wasm npm-deps
	mkdir -p $(BENCH_DIR)
	node tools/eval_pii.mjs $(BENCH_DIR)/cues-text.md $(EVAL_PII_ARGS)
