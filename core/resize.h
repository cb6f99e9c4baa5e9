// Resampling of RGBA images.
#pragma once

#include <cstdint>

#include "image.h"
#include "status.h"

namespace filigrane {

enum class ResizeFilter {
  kBox,       // area average: best for large integer-ish reductions
  kBilinear,  // triangle filter
  kBicubic,   // Catmull-Rom (Keys, a = -0.5)
  kLanczos3,  // windowed sinc, radius 3: sharpest, default
};

// Resizes `src` to width x height with a separable filter whose support is
// widened by the reduction factor when shrinking (so downscaling antialiases,
// as Pillow and libvips do). Works on premultiplied alpha internally so
// transparent pixels do not bleed their colour. `src` is not modified; the
// result owns its pixels. Fails with kInvalidArgument for an empty source
// and with check_dimensions()'s status for the target size.
Result<Image> resize(const Image& src, uint32_t width, uint32_t height,
                     ResizeFilter filter = ResizeFilter::kLanczos3, const ImageLimits& limits = {});

}  // namespace filigrane
