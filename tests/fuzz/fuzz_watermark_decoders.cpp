// libFuzzer harness for the watermark decoders on garbage images: the input
// is a small width/height header followed by RGBA pixels, so every byte
// reaches the decoders (screen mark, image mark and Stable Diffusion mark). They must
// report found = false or a clean error, never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/imagemark/imagemark.h"
#include "core/screenmark/screenmark.h"
#include "core/sdmark/sdmark.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint32_t width = 1 + data[0] % 300;
  const uint32_t height = 1 + data[1] % 300;
  auto made = filigrane::Image::create(width, height);
  if (!made.ok()) std::abort();
  filigrane::Image img = std::move(made).value();
  const size_t n = std::min(img.byte_size(), size - 2);
  // Tile the fuzz bytes over the image so small inputs still fill it.
  for (size_t i = 0; i < img.byte_size() && n > 0; ++i) img.data()[i] = data[2 + i % n];
  auto screen = filigrane::screenmark::decode_screenmark(img, "fuzz-key");
  if (!screen.ok() && screen.status().message().empty()) std::abort();
  (void)filigrane::sdmark::match_sd_message(img);
  auto mark = filigrane::imagemark::detect(img, "fuzz-key");
  if (!mark.ok() && mark.status().message().empty()) std::abort();
  if (mark.ok() && mark.value().found) std::abort();  // garbage never carries this key's mark
  return 0;
}
