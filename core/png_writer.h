// PNG output built for speed (per-row Sub/Up/Paeth choice, libdeflate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace filigrane {

// Fast deflate level: 1 is libdeflate's fastest; measured in bench-core.
constexpr int kPngDeflateLevel = 1;

// Encodes 8-bit RGBA rows `stride` bytes apart as an RGBA PNG, or as RGB
// (alpha dropped) when keep_alpha is false. The output holds IHDR, IDAT and
// IEND only.
Result<std::vector<uint8_t>> write_png_rgba(const uint8_t* rgba, uint32_t width, uint32_t height, size_t stride,
                                            bool keep_alpha, int level = kPngDeflateLevel);

}  // namespace filigrane
