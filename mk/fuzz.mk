# Faster and seeded fuzzing on top of `make fuzz` (Makefile): the core is
# compiled once into build/fuzz/obj, each harness only links against it.
#   make fuzz-build                     every tests/fuzz/fuzz_*.cpp -> build/fuzz/bin/
#   make fuzz-run FUZZ_SECONDS=600      each harness that long, FUZZ_PARALLEL at a time,
#                                       seeded with tests/corpus/malformed (all folders) except
#                                       fuzz_watermark_decoders (bytes are pixels there; files are
#                                       slow seeds, and libFuzzer runs every seed before it checks
#                                       the time limit)
#   make fuzz-replay                    every malformed file once through every harness;
#                                       fails on any crash or sanitizer report
# Crashing inputs land in tests/corpus/malformed/fuzz/<harness>-crash-*; logs and
# final stats in build/fuzz/logs/. bench/fuzz.md is written by hand from those.
FUZZ_OBJ_DIR := $(FUZZ_DIR)/obj
FUZZ_BIN_DIR := $(FUZZ_DIR)/bin
FUZZ_SECONDS ?= 600
FUZZ_PARALLEL ?= 2
FUZZ_FLAGS := -std=c++20 -g -O1 -I. -isystem /usr/include/stb $(CODEC_INCLUDES)
FUZZ_HARNESSES := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.cpp)))
FUZZ_OBJS := $(patsubst %.cpp,$(FUZZ_OBJ_DIR)/%.o,$(FUZZ_CORE))
FUZZ_SEEDS := tests/corpus/malformed  # libFuzzer reads folders recursively
FUZZ_ENV := UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/fuzz/ubsan.supp ASAN_OPTIONS=detect_leaks=1

.PHONY: fuzz-build fuzz-run fuzz-replay fuzz-clang
.SECONDARY: $(FUZZ_OBJS)  # keep the compiled core between runs
fuzz-clang:
	@command -v clang++-14 >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq clang-14 libclang-rt-14-dev; }

$(FUZZ_OBJ_DIR)/%.o: %.cpp | fuzz-clang
	@mkdir -p $(dir $@)
	clang++-14 $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

$(FUZZ_BIN_DIR)/%: tests/fuzz/%.cpp $(FUZZ_OBJS)
	@mkdir -p $(FUZZ_BIN_DIR)
	clang++-14 $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined $< $(FUZZ_OBJS) -o $@

fuzz-build: $(addprefix $(FUZZ_BIN_DIR)/,$(FUZZ_HARNESSES))

fuzz-run: fuzz-build
	mkdir -p $(FUZZ_DIR)/logs tests/corpus/malformed/fuzz
	@printf '%s\n' $(FUZZ_HARNESSES) | xargs -P $(FUZZ_PARALLEL) -I{} sh -c '\
	  mkdir -p $(FUZZ_DIR)/{}-corpus; seeds="$(FUZZ_SEEDS)"; \
	  [ {} = fuzz_watermark_decoders ] && seeds=""; \
	  $(FUZZ_ENV) nice -n 19 $(FUZZ_BIN_DIR)/{} -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 \
	    -print_final_stats=1 -artifact_prefix=tests/corpus/malformed/fuzz/{}- \
	    $(FUZZ_DIR)/{}-corpus $$seeds > $(FUZZ_DIR)/logs/{}.log 2>&1; \
	  echo "== {}: exit $$?; $$(grep -E "^stat::number_of_executed_units" $(FUZZ_DIR)/logs/{}.log)"'

# The watermark harness reads bytes as pixels (seconds per input): not replayed.
fuzz-replay: fuzz-build
	@for h in $(filter-out fuzz_watermark_decoders,$(FUZZ_HARNESSES)); do \
	  find tests/corpus/malformed -type f -print0 | xargs -0 env $(FUZZ_ENV) $(FUZZ_BIN_DIR)/$$h -runs=1 \
	    > $(FUZZ_DIR)/$$h-replay.log 2>&1 || { echo "$$h: failed, see $(FUZZ_DIR)/$$h-replay.log"; exit 1; }; \
	  echo "$$h: $$(grep -c '^Executed' $(FUZZ_DIR)/$$h-replay.log) files replayed cleanly"; \
	done
