#include "image.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace filigrane {

Status check_dimensions(uint64_t width, uint64_t height, const ImageLimits& limits) {
  if (width == 0 || height == 0) {
    return InvalidArgument("image has zero width or height");
  }
  if (width > ImageLimits::kMaxSide || height > ImageLimits::kMaxSide) {
    return TooLarge("image is " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels; each side may be at most " + std::to_string(ImageLimits::kMaxSide));
  }
  const uint64_t pixels = width * height;  // both <= 2^16: no overflow in 64 bits
  if (pixels > limits.max_pixels) {
    return TooLarge("image is " + std::to_string(width) + " x " + std::to_string(height) + " (" +
                    std::to_string(pixels / 1'000'000) + " megapixels); the limit is " +
                    std::to_string(limits.max_pixels / 1'000'000) + " megapixels");
  }
  return Status::Ok();
}

Result<Image> Image::create(uint32_t width, uint32_t height, const ImageLimits& limits,
                            uint32_t fill_rgba) {
  Status s = check_dimensions(width, height, limits);
  if (!s.ok()) return s;
  std::vector<uint8_t> px;
  try {
    px.resize(static_cast<size_t>(width) * height * kChannels);
  } catch (const std::bad_alloc&) {
    return Internal("out of memory allocating a " + std::to_string(width) + " x " +
                    std::to_string(height) + " image");
  }
  const uint8_t fill[4] = {uint8_t(fill_rgba >> 24), uint8_t(fill_rgba >> 16),
                           uint8_t(fill_rgba >> 8), uint8_t(fill_rgba)};
  if (fill_rgba != 0) {
    for (size_t i = 0; i < px.size(); i += kChannels) std::memcpy(&px[i], fill, kChannels);
  }
  return Image(width, height, std::move(px));
}

Result<Image> Image::from_rgba(uint32_t width, uint32_t height, const uint8_t* rgba, size_t size,
                               const ImageLimits& limits) {
  Status s = check_dimensions(width, height, limits);
  if (!s.ok()) return s;
  const size_t expected = static_cast<size_t>(width) * height * kChannels;
  if (rgba == nullptr || size != expected) {
    return InvalidArgument("pixel buffer has " + std::to_string(size) + " bytes; expected " +
                           std::to_string(expected) + " for " + std::to_string(width) + " x " +
                           std::to_string(height) + " RGBA");
  }
  Result<Image> img = create(width, height, limits);
  if (!img.ok()) return img;
  std::memcpy(img.value().data(), rgba, expected);
  return img;
}

bool Image::is_opaque() const {
  for (size_t i = 3; i < pixels_.size(); i += kChannels) {
    if (pixels_[i] != 255) return false;
  }
  return true;
}

Result<Image> crop(const Image& image, uint32_t x, uint32_t y, uint32_t width, uint32_t height) {
  if (width == 0 || height == 0 || uint64_t{x} + width > image.width() || uint64_t{y} + height > image.height()) {
    return InvalidArgument("the crop must be a non-empty rectangle inside the image");
  }
  Result<Image> out = Image::create(width, height);
  if (!out.ok()) return out;
  const size_t row_bytes = static_cast<size_t>(width) * Image::kChannels;
  for (uint32_t row = 0; row < height; ++row) {
    std::copy_n(image.pixel(x, y + row), row_bytes, out.value().row(row));
  }
  return out;
}

}  // namespace filigrane
