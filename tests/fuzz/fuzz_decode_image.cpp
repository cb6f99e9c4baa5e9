// libFuzzer harness for image decoding: any bytes give an image or a clean
// error, never a crash, and never more pixels than the limit allows. JPEGs
// also go through the reduced-size decoder (core/jpeg_scaled.h) at every
// scale, directly and through decode_image's min_side.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/codec.h"
#include "core/jpeg_scaled.h"

namespace {

void check_image(const filigrane::Image& img, const filigrane::ImageLimits& limits) {
  if (uint64_t(img.width()) * img.height() > limits.max_pixels) std::abort();
  if (img.byte_size() != size_t(img.width()) * img.height() * 4) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  filigrane::DecodeOptions options;
  options.limits.max_pixels = 4'000'000;  // keeps each run fast; same code paths
  auto r = filigrane::decode_image(data, size, options);
  if (r.ok()) {
    check_image(r.value().image, options.limits);
  } else if (r.status().message().empty()) {
    std::abort();
  }

  if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) return 0;
  for (int denom : {1, 2, 4, 8}) {
    auto s = filigrane::decode_jpeg_scaled(data, size, denom, options.limits);
    if (s.ok()) {
      check_image(s.value(), options.limits);
      const auto& img = s.value();
      for (size_t i = 3; i < img.byte_size(); i += 4) {
        if (img.data()[i] != 255) std::abort();  // always opaque
      }
    } else if (s.status().message().empty()) {
      std::abort();
    }
  }
  options.min_side = 1 + data[size - 1] % 200;  // picks 1/8, 1/4, 1/2 or full size
  auto scaled = filigrane::decode_image(data, size, options);
  if (scaled.ok()) {
    const auto& d = scaled.value();
    check_image(d.image, options.limits);
    if (d.scale_denom != 1 && d.scale_denom != 2 && d.scale_denom != 4 && d.scale_denom != 8) std::abort();
    const uint32_t w = (d.header.width() + d.scale_denom - 1) / d.scale_denom;
    const uint32_t h = (d.header.height() + d.scale_denom - 1) / d.scale_denom;
    if (options.apply_orientation && (d.image.width() != w || d.image.height() != h)) std::abort();
  } else if (scaled.status().message().empty()) {
    std::abort();
  }
  return 0;
}
