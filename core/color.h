// Colour conversions shared by the watermark and redaction code.
#pragma once

#include <cstdint>
#include <vector>

#include "image.h"
#include "status.h"

namespace filigrane {

// A single-channel float image, row-major, tightly packed; owns its data.
struct Plane {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<float> data;
  float& at(uint32_t x, uint32_t y) { return data[static_cast<size_t>(y) * width + x]; }
  float at(uint32_t x, uint32_t y) const { return data[static_cast<size_t>(y) * width + x]; }
};

// Full-range BT.601 (JPEG/JFIF) conversions, values in 0..255.
inline float luma_bt601(float r, float g, float b) { return 0.299f * r + 0.587f * g + 0.114f * b; }
inline void rgb_to_ycbcr(float r, float g, float b, float& y, float& cb, float& cr) {
  y = luma_bt601(r, g, b);
  cb = 128.0f - 0.168736f * r - 0.331264f * g + 0.5f * b;
  cr = 128.0f + 0.5f * r - 0.418688f * g - 0.081312f * b;
}
inline void ycbcr_to_rgb(float y, float cb, float cr, float& r, float& g, float& b) {
  r = y + 1.402f * (cr - 128.0f);
  g = y - 0.344136f * (cb - 128.0f) - 0.714136f * (cr - 128.0f);
  b = y + 1.772f * (cb - 128.0f);
}

// Rounds and clamps a float to a byte.
inline uint8_t to_byte(float v) {
  return static_cast<uint8_t>(v <= 0.0f ? 0 : v >= 255.0f ? 255 : static_cast<int>(v + 0.5f));
}

// BT.601 luma of every pixel (alpha ignored). Fails with kInvalidArgument
// for an empty image.
Result<Plane> luma_plane(const Image& image);

// Composites `image` over an opaque background colour (straight alpha,
// rounded as (c*a + bg*(255-a) + 127) / 255) and returns an opaque copy.
// Fails with kInvalidArgument for an empty image.
Result<Image> flatten_over(const Image& image, uint8_t bg_r, uint8_t bg_g, uint8_t bg_b);

}  // namespace filigrane
