// libFuzzer harness for image decoding: any bytes give an image or a clean
// error, never a crash, and never more pixels than the limit allows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

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
