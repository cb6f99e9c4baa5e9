#include "color.h"

namespace filigrane {

Result<Plane> luma_plane(const Image& image) {
  if (image.empty()) return InvalidArgument("image is empty");
  Plane p{image.width(), image.height(), {}};
  p.data.resize(static_cast<size_t>(p.width) * p.height);
  const uint8_t* px = image.data();
  for (size_t i = 0; i < p.data.size(); ++i, px += 4) p.data[i] = luma_bt601(px[0], px[1], px[2]);
  return p;
}

Result<Image> flatten_over(const Image& image, uint8_t bg_r, uint8_t bg_g, uint8_t bg_b) {
  if (image.empty()) return InvalidArgument("image is empty");
  Image out = image;
  const uint8_t bg[3] = {bg_r, bg_g, bg_b};
  uint8_t* px = out.data();
  for (size_t i = 0; i < out.byte_size(); i += 4) {
    const unsigned a = px[i + 3];
    for (int c = 0; c < 3; ++c) px[i + c] = static_cast<uint8_t>((px[i + c] * a + bg[c] * (255 - a) + 127) / 255);
    px[i + 3] = 255;
  }
  return out;
}

}  // namespace filigrane
