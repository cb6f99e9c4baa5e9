// Screen-content watermark (issue 3): an invisible, keyed, periodic overlay
// that a page draws over everything it shows, and a decoder that reads the
// 64-bit payload (e.g. viewer id + minute) back from a leaked capture.
//
// Pattern. The mark is a square tile of 32 x 32 cells, each 6 CSS px
// (kTileCssPx = 192 CSS px). Every cell shows one chip, +1 or -1: 412 keyed
// "sync" cells carry a fixed pseudo-random sign, 612 data cells carry the 306
// coded bits of payload_codec.h twice, scrambled by the same keyed signs
// (keyed_pattern.h). The overlay is premultiplied grey: a +1 chip is white
// (p, p, p, a) = (a, a, a, a), a -1 chip is black (0, 0, 0, a). Composited
// source-over onto any content this adds strength*(255-dst) or subtracts
// strength*dst: a content-independent +-127.5*strength pattern plus a uniform
// contrast reduction, so the mark survives on white, black and colour alike.
// The alpha byte of each pixel is strength*255 dithered with a 4x4 ordered
// (Bayer) matrix, so fractional strengths are honoured on average.
// PSNR bound: on pure white or black content the per-channel MSE is
// mean(alpha^2)/2, the worst case; kDefaultStrength (3.5/255) gives
// MSE 6.25, PSNR >= 40.17 dB against the unmarked capture for ANY content.
// (A tile whose chips are not half white/half black has its alpha scaled by
// sqrt(0.5 / majority fraction), typically 1-3% weaker, so the bound holds.)
//
// What the JS/shader side needs to reproduce the overlay exactly:
//   1. the tile from render_tile(key, payload, strength, dpr): a square of
//      side T = max(8, round(192 * dpr)) device pixels, premultiplied RGBA;
//   2. overlay(x, y) = tile[y mod T][x mod T] for device pixel (x, y)
//      counted from the viewport's top-left corner (no scaling, no filtering:
//      nearest/texel-exact fetch, e.g. textureLoad(tile, pos % T) in WGSL or a
//      'repeat' CanvasPattern drawn at identity transform in device pixels);
//   3. premultiplied source-over onto the page. Canvas2D putImageData wants
//      straight alpha: premultiplied_to_straight() converts the tile exactly
//      (every pixel is (a,a,a,a) or (0,0,0,a), i.e. straight white or black).
//
// Decoder outline (decoder.cpp; details and measurements in DESIGN.md):
//   1. luma; a "flat-masked" residual: pixels whose 3x3 range is <= 12 levels
//      minus the mean of the flat pixels in a ~2-cell box; text, photo and
//      edge pixels get weight 0 (the mark is only ~3.5 levels);
//   2. scale: Welch-averaged, whitened autocorrelation (own radix-2 FFT,
//      512 x 512 windows on a 1x/2x/4x-reduced luma) -> the lattice of the
//      tile period gives up to 4 period candidates (x and y refined apart);
//   3. per candidate: fold the residual modulo the period into a 128 x 128
//      accumulator (4 bins per cell), circular-correlate with the keyed sync
//      template (FFT) -> tile origin; soft chips -> soft Viterbi -> keyed tag;
//   4. captures <= 640 x 640 px where that fails (crops spanning < ~2 tiles):
//      sweep the scale range in 1.2% steps on a 64 x 64 fold ranked by sync
//      z-score, refine the best few and decode them.
// At most kMaxDecodeAttempts tag checks per image. False payloads: see
// payload_codec.h; P(false payload per decoded image) <= 32 * 2^-32 < 7.5e-9.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/image.h"
#include "core/status.h"

namespace filigrane::screenmark {

constexpr double kDefaultStrength = 3.5 / 255.0;  // overlay alpha, 0..1
constexpr double kMaxStrength = 0.25;
constexpr double kMinDevicePixelRatio = 0.25;
constexpr double kMaxDevicePixelRatio = 8.0;
constexpr size_t kMaxKeyBytes = 4096;
constexpr int kMaxDecodeAttempts = 32;  // Viterbi + tag checks per image, at most

// 64-bit payload helpers: viewer id in the high 32 bits, minute in the low.
inline uint64_t make_payload(uint32_t viewer_id, uint32_t minute) {
  return (uint64_t(viewer_id) << 32) | minute;
}
// Big-endian 8 bytes <-> uint64.
uint64_t payload_from_bytes(const std::array<uint8_t, 8>& bytes);
std::array<uint8_t, 8> payload_to_bytes(uint64_t payload);

// Premultiplied RGBA8 pixels (unlike Image, whose alpha is straight).
struct PremultipliedImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint8_t> rgba;  // width*height*4, rows top to bottom
};

// Side in device pixels of the tile for a device-pixel ratio (see above).
// Returns 0 for a ratio outside [kMinDevicePixelRatio, kMaxDevicePixelRatio].
uint32_t tile_side_for_dpr(double device_pixel_ratio);

// Renders one period of the overlay. Fails with kInvalidArgument for an empty
// or over-long key (> kMaxKeyBytes), strength outside (0, kMaxStrength] or a
// device-pixel ratio outside the supported range. The result owns its pixels.
Result<PremultipliedImage> render_tile(std::string_view key, uint64_t payload, double strength,
                                       double device_pixel_ratio = 1.0);

// Renders the overlay for a whole viewport of width x height DEVICE pixels
// (the tile repeated from the top-left corner). Fails as render_tile(), or
// with check_dimensions()'s status for the size (checked before allocating).
Result<PremultipliedImage> render_overlay(std::string_view key, uint64_t payload, double strength,
                                          uint32_t width, uint32_t height,
                                          double device_pixel_ratio = 1.0);

// Straight-alpha copy of premultiplied pixels (rounding to nearest). Exact for
// overlay tiles. Fails with kInvalidArgument for an empty or inconsistent input.
Result<Image> premultiplied_to_straight(const PremultipliedImage& premultiplied);

// Composites `overlay` source-over onto `capture` in place, as a browser does
// with premultiplied 8-bit colour: out = src + round(dst * (255 - src_a) / 255)
// per premultiplied channel (Skia's div255 rounding). The overlay's top-left is
// placed at (offset_x, offset_y) of the capture; when `repeat` is true it tiles
// the whole capture from there. A capture with straight alpha < 255 is handled
// in premultiplied space and converted back. Fails with kInvalidArgument for an
// empty capture or an empty/inconsistent overlay; the capture is then unchanged.
Status composite_overlay(Image& capture, const PremultipliedImage& overlay, int64_t offset_x = 0,
                         int64_t offset_y = 0, bool repeat = false);

// Convenience for `screen apply`: copies `capture` and composites the tiled
// overlay for (key, payload, strength, dpr) onto it, tile origin at (0, 0).
// Fails as render_tile() or with kInvalidArgument for an empty capture.
Result<Image> apply_screenmark(const Image& capture, std::string_view key, uint64_t payload,
                               double strength = kDefaultStrength, double device_pixel_ratio = 1.0);

struct ScreenDecodeOptions {
  // Range of capture scale, relative to the tile at dpr 1 (192 px period),
  // searched for the mark. Clamped to [0.3, 4].
  double min_scale = 0.45;
  double max_scale = 2.2;
  // Captures above this many pixels are refused with kTooLarge.
  uint64_t max_pixels = 64'000'000;
};

// Per-region detection map: a grid over the capture, row-major, each score a
// local correlation z-score with the decoded tile (>= ~3: the mark is clearly
// there; ~0: not there or destroyed). Empty when nothing was found.
struct RegionMap {
  uint32_t columns = 0;
  uint32_t rows = 0;
  uint32_t cell_width = 0;   // capture pixels per grid cell (last column/row may be partial)
  uint32_t cell_height = 0;
  std::vector<float> scores;
};

struct ScreenDecodeReport {
  bool found = false;          // payload present AND its keyed tag verified
  uint64_t payload = 0;        // valid only when found
  // Normalised correlation (0..1) of the capture's chips with the decoded
  // tile: 1 = pristine, ~0.1 = barely readable; 0 when not found.
  double confidence = 0.0;
  double sync_score = 0.0;     // best sync correlation z-score seen (also when not found)
  double scale = 0.0;          // capture px per CSS px at dpr 1 (found only)
  double period_x = 0.0;       // tile period in capture px (found only)
  double period_y = 0.0;
  double origin_x = 0.0;       // a tile origin in capture px (found only)
  double origin_y = 0.0;
  int attempts = 0;            // Viterbi/tag checks spent (<= kMaxDecodeAttempts)
  RegionMap map;
};

// Looks for the mark of `key` in `capture` (any straight-alpha RGBA; alpha is
// composited over white). Returns found=false, never an error, for images that
// are too small (< 24 px a side) or carry no readable mark. Fails with
// kInvalidArgument for an empty capture or a bad key (empty or > kMaxKeyBytes)
// and kTooLarge above options.max_pixels. Never reports a payload whose keyed
// tag did not verify.
Result<ScreenDecodeReport> decode_screenmark(const Image& capture, std::string_view key,
                                       const ScreenDecodeOptions& options = {});

}  // namespace filigrane::screenmark
