// Image: the one pixel container the core passes around.
//
// Layout: 8-bit RGBA, interleaved, rows top to bottom, tightly packed
// (stride = width * 4 bytes), straight (non-premultiplied) alpha, sRGB.
// Ownership: an Image owns its pixels (a std::vector); copies are deep,
// moves are cheap. Views into an Image are invalid once it is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace filigrane {

// Resource limits checked before any allocation.
struct ImageLimits {
  static constexpr uint64_t kDefaultMaxPixels = 100'000'000;  // 100 megapixels
  static constexpr uint32_t kMaxSide = 1u << 16;               // 65536 px per side

  uint64_t max_pixels = kDefaultMaxPixels;
};

// Checks width and height against `limits` without allocating: both non-zero,
// each side <= kMaxSide, width*height <= max_pixels (computed in 64 bits, so it
// cannot overflow). Returns kInvalidArgument for a zero side, kTooLarge otherwise.
Status check_dimensions(uint64_t width, uint64_t height, const ImageLimits& limits);

class Image {
 public:
  static constexpr int kChannels = 4;

  Image() = default;  // empty: width() == 0

  // Allocates a width x height image filled with `fill` (RGBA, byte order R,G,B,A).
  // Fails (no allocation) with check_dimensions()'s status.
  static Result<Image> create(uint32_t width, uint32_t height, const ImageLimits& limits = {},
                              uint32_t fill_rgba = 0);

  // Copies `size` bytes of tightly packed RGBA8 from `rgba`. Fails with
  // kInvalidArgument when size != width*height*4 or `rgba` is null.
  static Result<Image> from_rgba(uint32_t width, uint32_t height, const uint8_t* rgba,
                                 size_t size, const ImageLimits& limits = {});

  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  bool empty() const { return width_ == 0 || height_ == 0; }
  size_t stride() const { return static_cast<size_t>(width_) * kChannels; }
  size_t byte_size() const { return pixels_.size(); }

  uint8_t* data() { return pixels_.data(); }
  const uint8_t* data() const { return pixels_.data(); }
  uint8_t* row(uint32_t y) { return pixels_.data() + y * stride(); }
  const uint8_t* row(uint32_t y) const { return pixels_.data() + y * stride(); }
  uint8_t* pixel(uint32_t x, uint32_t y) { return row(y) + static_cast<size_t>(x) * kChannels; }
  const uint8_t* pixel(uint32_t x, uint32_t y) const {
    return row(y) + static_cast<size_t>(x) * kChannels;
  }

  // True when every alpha byte is 255.
  bool is_opaque() const;

 private:
  Image(uint32_t w, uint32_t h, std::vector<uint8_t> px) : width_(w), height_(h), pixels_(std::move(px)) {}
  uint32_t width_ = 0;
  uint32_t height_ = 0;
  std::vector<uint8_t> pixels_;
};

// The pixels of the rectangle (x, y, width, height) as a new image. Fails
// with kInvalidArgument when the rectangle is empty or not inside `image`
// (checked in 64 bits, before allocating).
Result<Image> crop(const Image& image, uint32_t x, uint32_t y, uint32_t width, uint32_t height);

}  // namespace filigrane
