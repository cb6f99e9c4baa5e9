// Decoders for the formats stb_image does not read, each from a library built
// from Debian's source packages (see README, "Image formats"). Internal to
// codec.cpp: callers use read_image_header() / decode_image().
#pragma once

#include <cstddef>
#include <cstdint>

#include "codec.h"

namespace filigrane {

// WebP (libwebp): lossy, lossless, alpha; the first frame of an animation,
// placed on its canvas. Header from the RIFF chunks, without decoding pixels.
Result<ImageHeader> read_webp_header(const uint8_t* data, size_t size, const ImageLimits& limits);
Result<Image> decode_webp(const uint8_t* data, size_t size, const ImageHeader& header, const ImageLimits& limits);

// TIFF (libtiff): the first image (IFD0) only; strips or tiles; any codec
// compiled in (none, LZW, Deflate, PackBits, CCITT, ...); 1-16 bits per sample.
Result<ImageHeader> read_tiff_header(const uint8_t* data, size_t size, const ImageLimits& limits);
Result<Image> decode_tiff(const uint8_t* data, size_t size, const ImageHeader& header, const ImageLimits& limits);

// BMP with BI_RLE8 / BI_RLE4 compression (stb_image reads the others).
bool bmp_is_rle(const uint8_t* data, size_t size);
Result<ImageHeader> read_bmp_rle_header(const uint8_t* data, size_t size, const ImageLimits& limits);
Result<Image> decode_bmp_rle(const uint8_t* data, size_t size, const ImageHeader& header, const ImageLimits& limits);

}  // namespace filigrane
