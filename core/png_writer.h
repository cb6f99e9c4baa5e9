// PNG output built for speed (per-row Sub/Up/Paeth choice, libdeflate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
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

// The same bytes as write_png_rgba(rgba, width, height, width * 4, false) for
// an RGBA buffer the caller gives up: rows are packed to RGB and filtered
// into the buffer itself (a filtered row, 3w + 1 bytes, ends before the next
// RGBA row starts), so no second image-sized buffer is allocated. The
// buffer's contents are overwritten; release() is called once deflate has
// read them, so the caller can free the buffer before the output is built.
Result<std::vector<uint8_t>> write_png_rgb_in_place(uint8_t* rgba, uint32_t width, uint32_t height,
                                                    const std::function<void()>& release, int level = kPngDeflateLevel);

}  // namespace filigrane
