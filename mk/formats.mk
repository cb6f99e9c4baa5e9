# Image decoders built from Debian's own source packages (issue 15): libwebp,
# libtiff and zlib (for TIFF's Deflate), compiled into the core for both
# native and WebAssembly by CMakeLists.txt. `apt-get source` runs against a
# private deb-src list under build/, so the machine's apt configuration is
# left alone; packages come from the bookworm release (pinned by suite, and
# checked by apt against Debian's signed Release file; Debian's patches applied
# by dpkg-source).
#   make third-party-src     fetch + unpack into build/third_party_src/{libwebp,tiff,zlib}
#   make formats-corpus      generate the format corpus with Debian's tools (build/formats-corpus)
#   make bench-formats       bench/formats.md
THIRD_PARTY_SRC := build/third_party_src
THIRD_PARTY_PACKAGES := libwebp tiff zlib libdeflate
THIRD_PARTY_SUITE := bookworm
THIRD_PARTY_APT := build/third_party_apt
THIRD_PARTY_APT_OPTS := -o Dir::Etc::SourceList=$(abspath $(THIRD_PARTY_APT))/sources.list \
  -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$(abspath $(THIRD_PARTY_APT))/lists \
  -o Dir::Cache=$(abspath $(THIRD_PARTY_APT))/cache -o APT::Sandbox::User=root
# Tools that make the format corpus and the reference decodes at test time.
APT_PACKAGES += webp libtiff-tools imagemagick libimage-exiftool-perl libjpeg-turbo-progs \
  libavif-bin libheif-examples python3-pil

.PHONY: third-party-src formats-corpus bench-formats
third-party-src: $(THIRD_PARTY_SRC)/.stamp
build-native build-wasm build-web test-asan fuzz-build fuzz: third-party-src

# Fetched once per build folder (edits to this file do not refetch; to move to
# newer sources, `rm -rf build/third_party_src` and build again), except that a
# package added to THIRD_PARTY_PACKAGES fetches the set again. Two steps: the
# download needs only apt-get (in every Debian), so `make run` runs it while the
# Debian packages install; unpacking needs dpkg-source (dpkg-dev) and waits.
THIRD_PARTY_DOWNLOAD := $(THIRD_PARTY_SRC)/download
.PHONY: third-party-download
third-party-download: $(THIRD_PARTY_DOWNLOAD)/.stamp
ifneq ($(wildcard $(THIRD_PARTY_SRC)/.stamp),)
ifneq ($(sort $(THIRD_PARTY_PACKAGES)),$(sort $(shell sed -n 's/:.*//p' $(THIRD_PARTY_SRC)/VERSIONS 2>/dev/null)))
$(shell rm -f $(THIRD_PARTY_SRC)/.stamp $(THIRD_PARTY_DOWNLOAD)/.stamp)
else ifeq ($(wildcard $(THIRD_PARTY_DOWNLOAD)/.stamp),)
# Unpacked before the download was a step of its own: nothing to fetch again.
$(shell mkdir -p $(THIRD_PARTY_DOWNLOAD) && touch -r $(THIRD_PARTY_SRC)/.stamp $(THIRD_PARTY_DOWNLOAD)/.stamp)
endif
endif
$(THIRD_PARTY_DOWNLOAD)/.stamp:
	rm -rf $(THIRD_PARTY_SRC) $(THIRD_PARTY_APT)
	mkdir -p $(THIRD_PARTY_APT)/lists/partial $(THIRD_PARTY_APT)/cache/archives/partial $(THIRD_PARTY_DOWNLOAD)
	printf 'deb-src http://deb.debian.org/debian %s main\n' $(THIRD_PARTY_SUITE) > $(THIRD_PARTY_APT)/sources.list
	apt-get $(THIRD_PARTY_APT_OPTS) -qq update
	cd $(THIRD_PARTY_DOWNLOAD) && apt-get $(THIRD_PARTY_APT_OPTS) -qq source --download-only \
	  $(addsuffix /$(THIRD_PARTY_SUITE),$(THIRD_PARTY_PACKAGES))
	touch $@
$(THIRD_PARTY_SRC)/.stamp: $(THIRD_PARTY_DOWNLOAD)/.stamp | apt-deps-run
	rm -rf $(addprefix $(THIRD_PARTY_SRC)/,$(THIRD_PARTY_PACKAGES) VERSIONS)
	@set -e; for p in $(THIRD_PARTY_PACKAGES); do \
	  dsc=$$(ls $(THIRD_PARTY_DOWNLOAD)/$${p}_*.dsc); \
	  dpkg-source --no-check -x $$dsc $(THIRD_PARTY_SRC)/$$p > /dev/null; \
	  echo "$$p: $$(basename $$dsc .dsc)" >> $(THIRD_PARTY_SRC)/VERSIONS; \
	done
	cat $(THIRD_PARTY_SRC)/VERSIONS
	touch $@

# The format corpus and its reference decodes, made at test time by Debian's
# tools (tools/make_formats_corpus.py); the three test tiers read it.
FORMATS_CORPUS := build/formats-corpus
formats-corpus: $(FORMATS_CORPUS)/manifest.tsv
$(FORMATS_CORPUS)/manifest.tsv: tools/make_formats_corpus.py | apt-deps
	/usr/bin/python3 tools/make_formats_corpus.py $(FORMATS_CORPUS)
test-native test-wasm test-asan test-node: formats-corpus

# The decoders' C sources for the fuzzers (clang, ASan + UBSan), as one static
# library that FUZZ_CORE links (mk/fuzz.mk and the Makefile's `make fuzz`).
CODEC_INCLUDES := -isystem core/third_party/tiff_config -isystem $(THIRD_PARTY_SRC)/tiff/libtiff \
  -isystem $(THIRD_PARTY_SRC)/zlib -isystem $(THIRD_PARTY_SRC)/libwebp/src -isystem $(THIRD_PARTY_SRC)/libdeflate
FUZZ_CXX += $(CODEC_INCLUDES)
FUZZ_CODECS_LIB := $(FUZZ_DIR)/libcodecs.a
FUZZ_CORE += $(FUZZ_CODECS_LIB)
fuzz fuzz-build: $(FUZZ_CODECS_LIB) fuzz-seeds
$(FUZZ_CODECS_LIB): $(THIRD_PARTY_SRC)/.stamp | fuzz-clang
	rm -rf $(FUZZ_DIR)/codecs && mkdir -p $(FUZZ_DIR)/codecs
	@set -e; cd $(THIRD_PARTY_SRC) && \
	files="$$(ls libwebp/src/dec/*.c libwebp/src/dsp/*.c libwebp/src/utils/*.c | grep -Ev '(enc|cost|ssim|_mips|_msa|_neon)[^/]*[.]c$$') \
	  libwebp/src/demux/demux.c \
	  $$(ls tiff/libtiff/tif_*.c | grep -Ev 'tif_(win32|jpeg|jpeg_12|ojpeg|jbig|lerc|lzma|webp|zstd|pixarlog)[.]c$$') \
	  $$(for n in adler32 compress crc32 deflate infback inffast inflate inftrees trees uncompr zutil; do echo zlib/$$n.c; done) \
	  $$(for n in deflate_compress zlib_compress adler32 crc32 utils x86/cpu_features; do echo libdeflate/lib/$$n.c; done)"; \
	printf '%s\n' $$files | xargs -P $(JOBS) -I{} sh -c 'clang-14 -g -O1 -w -fsanitize=fuzzer-no-link,address,undefined \
	  -I$(CURDIR)/core/third_party/tiff_config -Itiff/libtiff -Izlib -Ilibwebp -Ilibwebp/src -c {} \
	  -o $(CURDIR)/$(FUZZ_DIR)/codecs/$$(echo {} | tr / _).o'
	ar rcs $@ $(FUZZ_DIR)/codecs/*.o
# Seeds per decoder harness: the corpus files of its format, in the harness's
# own corpus folder (which fuzz-run and fuzz read first).
fuzz-seeds: formats-corpus
	mkdir -p $(FUZZ_DIR)/fuzz_decode_webp-corpus $(FUZZ_DIR)/fuzz_decode_tiff-corpus
	cp $(FORMATS_CORPUS)/*.webp $(FUZZ_DIR)/fuzz_decode_webp-corpus/
	cp $(FORMATS_CORPUS)/*.tif $(FUZZ_DIR)/fuzz_decode_tiff-corpus/
.PHONY: fuzz-seeds

# bench/formats.md: coverage per format and command, 12 MP decode speed
# (WebAssembly under Node vs the library's native tool), memory per decode.
BENCH_TARGETS += bench-formats
bench-formats: build-wasm models site
	/usr/bin/python3 tools/make_formats_corpus.py build/formats-bench --big
	mkdir -p $(BENCH_DIR)
	node tools/bench_formats.mjs build/formats-bench $(BENCH_DIR)/formats.md
