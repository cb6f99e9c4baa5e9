# Issue 16's redaction numbers (bench/redaction.md): rendered screenshots of
# chat, e-mail, forms, shipping labels and boarding passes (recall/precision
# per kind, values readable by the OCR and codes decodable by Debian's zbarimg
# after redaction), face redaction strength, face boxes on people-free
# images, time and memory at 1/3/12 MP in the CLI and Chromium.
# EVAL_REDACTION_ARGS: e.g. --images 10 --skip speed for a quick run.
EVAL_REDACTION_ARGS ?=
.PHONY: eval-redaction
eval-redaction: build-wasm npm-deps site
	@command -v zbarimg >/dev/null || { echo "installing zbar-tools (zbarimg checks that no code survives)"; apt-get install -y zbar-tools; }
	mkdir -p $(BENCH_DIR)
	node tools/eval_redaction.mjs $(BENCH_DIR)/redaction.md $(EVAL_REDACTION_ARGS)
