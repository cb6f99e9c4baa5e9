// Redaction: hides rectangular regions (or a mask) of an image by blur (three
// box filters, close to a Gaussian, at a cost independent of sigma),
// pixelation or a solid fill, and re-encodes the result without any metadata.
// The algorithm is integer-exact so the WGSL kernels (shaders/redact_*.wgsl,
// driven by web/lib/redact-gpu.mjs) reproduce it pixel for pixel.
//
// Strength (automatic, from the box before clipping, s = min(box w, box h)):
//   blur:     sigma = clamp(s / 4, 12, 128) px
//   pixelate: cell  = clamp(ceil(s / 4), 20, 1024) px
// so a 28-px text line (box ~32-44 px) gets sigma 12 (FWHM 28 px) or 20-px
// cells: Tesseract 5 reads nothing of 20- and 28-px lines redacted either way
// (word lengths stay visible under blur; use pixelate or fill to hide them). Only fill removes the content: blur and pixelation of
// known fonts can be attacked by guessing and comparing (Depix, Unredacter),
// so fill is the choice for text that must never be recovered.
//
// Exact algorithm (all integers; p are straight-alpha RGBA bytes, each
// channel alpha included is processed independently):
//  Box: x0 = floor(x), y0 = floor(y), x1 = ceil(x + w), y1 = ceil(y + h), then
//   clipped to the image; an empty clipped box changes nothing. Boxes apply in
//   list order, each reading the image as left by the previous ones.
//  Blur: three box filters per direction approximating a Gaussian of sigma
//   (variance of the three boxes ~ sigma^2): ideal = sqrt(4 sigma^2 + 1),
//   l = floor(ideal), minus 1 if even; m = floor((12 sigma^2 - 3 l^2 - 12 l - 9)
//   / (-4 l - 4) + 0.5) clamped to 0..3; pass j has width l if j < m else l + 2,
//   radius r_j = (width - 1) / 2. One pass over a line (clamped at the image):
//     v'[i] = (sum_{k=-r_j..r_j} v[clamp(i + k)] + add) / (2 r_j + 1 or 256 (2 r_j + 1))
//   Values are fixed point * 256 (the first pass reads p * 256, add = width / 2;
//   the last vertical pass divides by 256 width with add = 128 width).
//   Horizontal passes 0, 1, 2 cover the box's columns grown by r_1 + r_2, r_2, 0
//   (clipped), on rows grown by r_0 + r_1 + r_2; vertical passes likewise on rows.
//   Integer division; every sum fits in 32 bits unsigned (width <= 257).
//  Pixelate: cells of `cell` px anchored at (x0, y0), intersected with the
//   clipped box; each channel = (sum + n/2) / n over the cell's n pixels.
//  Fill: every pixel = the fill colour.
//  Mask: the style is applied to the bounding box of the mask's non-zero
//   pixels (strength from that box), then out = (orig (255 - m) + red m + 127) / 255.
//   A soft mask edge keeps part of the original in those pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/codec.h"
#include "core/image.h"
#include "core/status.h"

namespace filigrane::redact {

enum class Style { kBlur = 0, kPixelate = 1, kFill = 2 };

// A region in pixels of the (orientation-applied) image. x, y >= 0, w, h > 0,
// all finite; fractional edges are rounded outwards; parts outside the image are ignored.
struct Box {
  double x = 0, y = 0, width = 0, height = 0;
};

constexpr size_t kMaxBoxes = 4096;
constexpr double kMinSigma = 12, kMaxSigma = 128;
constexpr uint32_t kMinCell = 20, kMaxCell = 1024;
// Blur scratch (two 16-bit RGBA buffers over the box grown by ~3 sigma) above this: kTooLarge.
constexpr uint64_t kMaxBlurScratchBytes = uint64_t{768} << 20;

struct Options {
  Style style = Style::kBlur;
  uint32_t fill_rgba = 0x000000FF;  // 0xRRGGBBAA; default opaque black
  double sigma = 0;                 // 0: automatic; otherwise kMinSigma..kMaxSigma (never weaker)
  uint32_t cell = 0;                // 0: automatic; otherwise kMinCell..kMaxCell
};

// A box rounded outwards and clipped: [x0, x1) x [y0, y1) inside the image.
// size = min(unclipped width, unclipped height), which sets the strength.
struct PixelBox {
  uint32_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double size = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

// Validates `boxes` against an image of width x height and rounds/clips them.
// Fails with kInvalidArgument (negative, non-finite or zero-sized box; bad
// options) or kTooLarge (more than kMaxBoxes boxes).
Result<std::vector<PixelBox>> plan_boxes(const std::vector<Box>& boxes, uint32_t width, uint32_t height);

// The strength used for a box of `size`: sigma (blur) or cell side (pixelate).
double blur_sigma(double size, const Options& options);
uint32_t pixel_cell(double size, const Options& options);

// The three box radii for `sigma`; all zero for a sigma outside kMinSigma..kMaxSigma.
struct BlurPasses {
  uint32_t radius[3] = {0, 0, 0};
};
BlurPasses blur_passes(double sigma);

// Redacts `boxes` in `image` in place. On failure `image` is unchanged.
// Fails as plan_boxes(), with kInvalidArgument for an empty image or bad
// options, kTooLarge when a blur needs more than kMaxBlurScratchBytes of
// scratch, or kInternal when scratch memory cannot be allocated.
Status redact_in_place(Image& image, const std::vector<Box>& boxes, const Options& options);

// The same on a copy; `image` is not modified and the result owns its pixels.
Result<Image> redact_boxes(const Image& image, const std::vector<Box>& boxes, const Options& options);

// Redacts where `mask` (width*height bytes, row-major, caller keeps ownership)
// is non-zero, blending by the mask value. An all-zero mask returns a copy.
// Fails with kInvalidArgument for an empty image, a null mask, a wrong mask
// size or bad options.
Result<Image> redact_mask(const Image& image, const uint8_t* mask, size_t mask_size, const Options& options);

enum class ExportFormat { kPng, kJpeg };

struct ExportResult {
  std::vector<uint8_t> bytes;  // PNG or JPEG with no metadata (no EXIF, XMP, ICC, text)
  uint32_t width = 0, height = 0;
  ExportFormat format = ExportFormat::kPng;
};

// Decodes an image file (orientation applied, so boxes are in displayed
// coordinates), redacts the boxes and re-encodes as PNG or JPEG (quality
// 1..100). The output holds pixels only: no metadata of the input survives.
// The caller keeps ownership of `data`. Fails as decode_image(), as
// redact_in_place() or with kInvalidArgument for a bad quality.
Result<ExportResult> redact_and_export(const uint8_t* data, size_t size, const std::vector<Box>& boxes,
                                       const Options& options, ExportFormat format, int quality = 90,
                                       const DecodeOptions& decode = {});

// Encodes `image` as the export format (pixels only, no metadata).
Result<std::vector<uint8_t>> encode_clean(const Image& image, ExportFormat format, int quality);

}  // namespace filigrane::redact
