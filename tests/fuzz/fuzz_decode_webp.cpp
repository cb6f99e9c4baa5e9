// libFuzzer harness for the WEBP decoder (issue 15): any bytes after the
// WEBP signature give an image within the limits or a clean error in words.
// Seeds: the WEBP files of build/formats-corpus (make formats-corpus) and
// tests/corpus/malformed. Provenance of the same files: fuzz_provenance.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  filigrane::DecodeOptions options;
  options.limits.max_pixels = 4'000'000;  // keeps each run fast; same code paths
  auto r = filigrane::decode_image(data, size, options);
  if (r.ok()) {
    const auto& img = r.value().image;
    if (uint64_t(img.width()) * img.height() > options.limits.max_pixels) std::abort();
    if (img.byte_size() != size_t(img.width()) * img.height() * 4) std::abort();
  } else if (r.status().message().empty()) {
    std::abort();
  }
  return 0;
}
