// Reduced-size decoding of baseline JPEGs in the DCT domain (like libjpeg's
// scale_denom): every coefficient is entropy-decoded, but each 8x8 block is
// reconstructed straight at 1/2, 1/4 or 1/8 size, which is several times
// faster than a full decode followed by a resize.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image.h"
#include "status.h"

namespace filigrane {

// Decodes a sequential Huffman JPEG (SOF0/SOF1, 8-bit precision, one grey or
// three YCbCr components, one interleaved scan, sampling factor ratios of 1, 2
// or 4) to RGBA8 (alpha 255) of ceil(width/scale_denom) x ceil(height/scale_denom)
// pixels, in stored orientation (EXIF orientation is NOT applied).
// scale_denom is 1, 2, 4 or 8. Each output pixel is the exact average of the
// scale_denom x scale_denom full-size pixels it covers (before clamping to
// 0..255), computed from the block's coefficients; chroma is reconstructed at
// the output size directly (no upsampling filter unless the chroma is
// subsampled further than the scale reduces, e.g. 4:2:0 at 1/1: nearest).
//
// Fails with:
//  - kInvalidArgument: null/empty input or scale_denom not in {1,2,4,8};
//  - kUnsupportedFormat: a valid JPEG this decoder leaves to stb_image
//    (progressive, arithmetic, lossless, hierarchical, 12-bit, CMYK/YCCK, RGB
//    or Adobe-transform 3-component, 2 components, one scan per component,
//    sampling ratios of 3, DNL-defined height) — the caller decodes it fully;
//  - kCorruptData: malformed segments, tables or entropy-coded data, or a
//    restart marker missing where one is due;
//  - kTooLarge: the full stored size exceeds `limits` (checked before any
//    pixel allocation), as read_image_header() would report.
// Entropy-coded data that ends early is read as zero bits, like libjpeg and
// stb_image, so a truncated scan decodes to flat blocks. What follows the scan
// is checked as stb_image reads it (up to EOI): anything but APPn, COM, DRI or
// a matching DNL gives kUnsupportedFormat, so that a caller falling back to
// stb_image gets stb's verdict: through decode_image(), asking for a smaller
// image does not change which files decode.
// The caller keeps ownership of `data`; the returned Image owns its pixels.
Result<Image> decode_jpeg_scaled(const uint8_t* data, size_t size, int scale_denom,
                                 const ImageLimits& limits = {});

// The largest denominator in {8, 4, 2} for which both ceil(width/d) and
// ceil(height/d) are at least min_side, or 1 (full size) when none fits or
// min_side is 0. Never fails.
int jpeg_scale_denom_for(uint32_t width, uint32_t height, uint32_t min_side);

}  // namespace filigrane
