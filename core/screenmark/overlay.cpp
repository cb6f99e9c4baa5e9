// Overlay rendering and browser-exact compositing for the screen watermark.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/screenmark/keyed_pattern.h"
#include "core/screenmark/payload_codec.h"
#include "core/screenmark/screenmark.h"

namespace filigrane::screenmark {
namespace {

// 4x4 ordered-dither thresholds (Bayer), in sixteenths.
constexpr uint8_t kBayer4[4][4] = {{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};

// round(x / 255) for 0 <= x <= 255*255, as Skia's div255.
inline uint32_t div255(uint32_t x) { return ((x + 128) * 257) >> 16; }

Status validate_common(std::string_view key, double strength, double dpr) {
  if (key.empty()) return InvalidArgument("screenmark: key is empty");
  if (key.size() > kMaxKeyBytes) return InvalidArgument("screenmark: key longer than 4096 bytes");
  if (!(strength > 0.0 && strength <= kMaxStrength))
    return InvalidArgument("screenmark: strength must be in (0, 0.25]");
  if (tile_side_for_dpr(dpr) == 0) return InvalidArgument("screenmark: device pixel ratio must be in [0.25, 8]");
  return Status::Ok();
}

}  // namespace

uint64_t payload_from_bytes(const std::array<uint8_t, 8>& bytes) {
  uint64_t v = 0;
  for (uint8_t b : bytes) v = (v << 8) | b;
  return v;
}

std::array<uint8_t, 8> payload_to_bytes(uint64_t payload) {
  std::array<uint8_t, 8> bytes{};
  for (int i = 0; i < 8; ++i) bytes[i] = uint8_t(payload >> (56 - 8 * i));
  return bytes;
}

uint32_t tile_side_for_dpr(double device_pixel_ratio) {
  if (!(device_pixel_ratio >= kMinDevicePixelRatio && device_pixel_ratio <= kMaxDevicePixelRatio)) return 0;
  long side = std::lround(kTileCssPx * device_pixel_ratio);
  return uint32_t(std::max(8L, side));
}

Result<PremultipliedImage> render_tile(std::string_view key, uint64_t payload, double strength,
                                       double device_pixel_ratio) {
  Status valid = validate_common(key, strength, device_pixel_ratio);
  if (!valid.ok()) return valid;
  const uint32_t side = tile_side_for_dpr(device_pixel_ratio);
  KeyMaterial material = derive_key_material(key);
  TileLayout layout = make_tile_layout(material);
  auto chips = tile_chips(layout, encode_payload(payload, material));

  // Cell index of every tile column/row: floor(x * 32 / side).
  std::vector<uint8_t> cell_of(side);
  for (uint32_t i = 0; i < side; ++i) cell_of[i] = uint8_t(uint64_t(i) * kTileCells / side);
  // PSNR guard: on pure white the MSE is (fraction of black pixels) x
  // mean(alpha^2), on pure black (fraction of white) x mean(alpha^2). The
  // bound in screenmark.h assumes a balanced tile; an unbalanced one (chip
  // counts vary by ~1.6% per key/payload) gets its alpha scaled down so the
  // worst-case MSE never exceeds the balanced one.
  std::vector<uint32_t> cell_width(kTileCells, 0);
  for (uint32_t i = 0; i < side; ++i) cell_width[cell_of[i]]++;
  double white_area = 0, total_area = double(side) * side;
  for (int cy = 0; cy < kTileCells; ++cy)
    for (int cx = 0; cx < kTileCells; ++cx)
      if (chips[cy * kTileCells + cx] > 0) white_area += double(cell_width[cy]) * cell_width[cx];
  const double white_fraction = white_area / total_area;
  const double majority = std::max(white_fraction, 1.0 - white_fraction);
  const double level = strength * 255.0 * (majority > 0.5 ? std::sqrt(0.5 / majority) : 1.0);

  PremultipliedImage tile;
  tile.width = side;
  tile.height = side;
  tile.rgba.resize(size_t(side) * side * 4);
  for (uint32_t y = 0; y < side; ++y) {
    uint8_t* out = tile.rgba.data() + size_t(y) * side * 4;
    const int8_t* chip_row = chips.data() + cell_of[y] * kTileCells;
    for (uint32_t x = 0; x < side; ++x) {
      double threshold = (kBayer4[y & 3][x & 3] + 0.5) / 16.0;
      uint8_t alpha = uint8_t(std::min(255.0, std::floor(level + threshold)));
      uint8_t colour = chip_row[cell_of[x]] > 0 ? alpha : 0;
      out[4 * x + 0] = colour;
      out[4 * x + 1] = colour;
      out[4 * x + 2] = colour;
      out[4 * x + 3] = alpha;
    }
  }
  return tile;
}

Result<PremultipliedImage> render_overlay(std::string_view key, uint64_t payload, double strength,
                                          uint32_t width, uint32_t height, double device_pixel_ratio) {
  Status dims = check_dimensions(width, height, ImageLimits{});
  if (!dims.ok()) return dims;
  auto tile_result = render_tile(key, payload, strength, device_pixel_ratio);
  if (!tile_result.ok()) return tile_result.status();
  const PremultipliedImage& tile = tile_result.value();
  const size_t side = tile.width;
  PremultipliedImage overlay;
  overlay.width = width;
  overlay.height = height;
  overlay.rgba.resize(size_t(width) * height * 4);
  const size_t row_bytes = size_t(width) * 4;
  const size_t tile_row_bytes = side * 4;
  for (uint32_t y = 0; y < height; ++y) {
    uint8_t* out = overlay.rgba.data() + y * row_bytes;
    if (y >= side) {  // rows repeat with the tile period: copy the row one period up
      std::memcpy(out, out - side * row_bytes, row_bytes);
      continue;
    }
    const uint8_t* src = tile.rgba.data() + y * tile_row_bytes;
    for (size_t x = 0; x < row_bytes; x += tile_row_bytes) {
      std::memcpy(out + x, src, std::min(tile_row_bytes, row_bytes - x));
    }
  }
  return overlay;
}

Result<Image> premultiplied_to_straight(const PremultipliedImage& premultiplied) {
  if (premultiplied.width == 0 || premultiplied.height == 0 ||
      premultiplied.rgba.size() != size_t(premultiplied.width) * premultiplied.height * 4) {
    return InvalidArgument("screenmark: premultiplied image is empty or its size is inconsistent");
  }
  auto image = Image::create(premultiplied.width, premultiplied.height);
  if (!image.ok()) return image.status();
  Image out = std::move(image).value();
  const uint8_t* src = premultiplied.rgba.data();
  uint8_t* dst = out.data();
  for (size_t i = 0; i < premultiplied.rgba.size(); i += 4) {
    uint32_t a = src[i + 3];
    for (int c = 0; c < 3; ++c) {
      uint32_t p = std::min<uint32_t>(src[i + c], a);
      dst[i + c] = a == 0 ? 0 : uint8_t((p * 255 + a / 2) / a);
    }
    dst[i + 3] = uint8_t(a);
  }
  return out;
}

Status composite_overlay(Image& capture, const PremultipliedImage& overlay, int64_t offset_x,
                         int64_t offset_y, bool repeat) {
  if (capture.empty()) return InvalidArgument("screenmark: capture is empty");
  if (overlay.width == 0 || overlay.height == 0 ||
      overlay.rgba.size() != size_t(overlay.width) * overlay.height * 4) {
    return InvalidArgument("screenmark: overlay is empty or its size is inconsistent");
  }
  const int64_t ow = overlay.width, oh = overlay.height;
  for (uint32_t y = 0; y < capture.height(); ++y) {
    int64_t oy = int64_t(y) - offset_y;
    if (repeat) {
      oy %= oh;
      if (oy < 0) oy += oh;
    } else if (oy < 0 || oy >= oh) {
      continue;
    }
    const uint8_t* src_row = overlay.rgba.data() + size_t(oy) * ow * 4;
    uint8_t* dst = capture.row(y);
    for (uint32_t x = 0; x < capture.width(); ++x, dst += 4) {
      int64_t ox = int64_t(x) - offset_x;
      if (repeat) {
        ox %= ow;
        if (ox < 0) ox += ow;
      } else if (ox < 0 || ox >= ow) {
        continue;
      }
      const uint8_t* s = src_row + ox * 4;
      const uint32_t sa = s[3];
      if (sa == 0 && s[0] == 0 && s[1] == 0 && s[2] == 0) continue;
      const uint32_t keep = 255 - sa;
      const uint32_t da = dst[3];
      if (da == 255) {  // opaque backdrop: the common case, exact in 8 bits
        for (int c = 0; c < 3; ++c) dst[c] = uint8_t(std::min<uint32_t>(255, s[c] + div255(dst[c] * keep)));
        continue;
      }
      // Translucent backdrop: premultiply, composite, unpremultiply.
      uint32_t out_a = sa + div255(da * keep);
      for (int c = 0; c < 3; ++c) {
        uint32_t dp = div255(dst[c] * da);
        uint32_t op = std::min<uint32_t>(s[c] + div255(dp * keep), out_a);
        dst[c] = out_a == 0 ? 0 : uint8_t((op * 255 + out_a / 2) / out_a);
      }
      dst[3] = uint8_t(out_a);
    }
  }
  return Status::Ok();
}

Result<Image> apply_screenmark(const Image& capture, std::string_view key, uint64_t payload,
                               double strength, double device_pixel_ratio) {
  if (capture.empty()) return InvalidArgument("screenmark: capture is empty");
  auto tile = render_tile(key, payload, strength, device_pixel_ratio);
  if (!tile.ok()) return tile.status();
  Image marked = capture;
  Status st = composite_overlay(marked, tile.value(), 0, 0, /*repeat=*/true);
  if (!st.ok()) return st;
  return marked;
}

}  // namespace filigrane::screenmark
