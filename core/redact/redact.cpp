#include "core/redact/redact.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include "core/color.h"

namespace filigrane::redact {
namespace {

Status check_options(const Options& o) {
  if (o.style != Style::kBlur && o.style != Style::kPixelate && o.style != Style::kFill) {
    return InvalidArgument("unknown redaction style");
  }
  if (o.sigma != 0 && !(o.sigma >= kMinSigma && o.sigma <= kMaxSigma)) {
    return InvalidArgument("blur sigma must be 0 (automatic) or 12..128 pixels");
  }
  if (o.cell != 0 && (o.cell < kMinCell || o.cell > kMaxCell)) {
    return InvalidArgument("pixel cell must be 0 (automatic) or 20..1024 pixels");
  }
  return Status::Ok();
}

uint32_t clip(double v, uint32_t limit) { return v <= 0 ? 0 : v >= limit ? limit : static_cast<uint32_t>(v); }

uint32_t clampi(int64_t v, uint32_t lo, uint32_t hi_inclusive) {
  return static_cast<uint32_t>(std::clamp<int64_t>(v, lo, hi_inclusive));
}

// One box-filter pass over a line of n positions: for i in [lo, hi)
//   out[i] = (sum_{k=-r..r} in[clamp(i+k, 0, n-1)] + add) / div
// by a running sum (the same integers as the direct sum). Position i of `in`
// is at in[(i - in_first) * in_step], of `out` at out[(i - out_first) * out_step],
// 4 interleaved channels each.
template <typename In, typename Out>
void box_line(const In* in, uint32_t in_first, size_t in_step, Out* out, uint32_t out_first, size_t out_step,
              uint32_t n, uint32_t lo, uint32_t hi, uint32_t r, uint32_t add, uint32_t div) {
  if (lo >= hi) return;
  auto at = [&](int64_t i) { return in + size_t(clampi(i, 0, n - 1) - in_first) * in_step; };
  uint32_t sum[4] = {0, 0, 0, 0};
  const int64_t ir = r;
  for (int64_t k = -ir; k <= ir; ++k) {
    const In* p = at(int64_t(lo) + k);
    for (int c = 0; c < 4; ++c) sum[c] += p[c];
  }
  for (uint32_t i = lo;; ++i) {
    Out* o = out + size_t(i - out_first) * out_step;
    for (int c = 0; c < 4; ++c) o[c] = static_cast<Out>((sum[c] + add) / div);
    if (i + 1 >= hi) break;
    const In* enter = at(int64_t(i) + 1 + ir);
    const In* leave = at(int64_t(i) - ir);
    for (int c = 0; c < 4; ++c) sum[c] = sum[c] + enter[c] - leave[c];
  }
}

// Blurs one box in place: three box filters horizontally, then three
// vertically (see the header). Horizontal passes run row by row on the
// unmodified source; their output for the box's columns (rows grown by the
// vertical margin) goes to `a`; vertical passes go a -> b -> a, and the last
// writes the image. `line*` hold max(width, height) pixels.
void blur_box(Image& image, const PixelBox& box, const BlurPasses& passes, std::vector<uint16_t>& a,
              std::vector<uint16_t>& b, std::vector<uint32_t>& line0, std::vector<uint32_t>& line1,
              std::vector<uint32_t>& line2) {
  const uint32_t width = image.width(), height = image.height();
  const uint32_t* r = passes.radius;
  const uint32_t m0 = r[1] + r[2], m1 = r[2], total = r[0] + r[1] + r[2];
  auto lo = [](uint32_t v, uint32_t m) { return v > m ? v - m : 0u; };
  auto hi = [](uint32_t v, uint32_t m, uint32_t limit) {
    return static_cast<uint32_t>(std::min<uint64_t>(uint64_t(v) + m, limit));
  };
  auto w = [&](int j) { return 2 * r[j] + 1; };
  const uint32_t bw = box.x1 - box.x0;
  const uint32_t rows_begin = lo(box.y0, total), rows_end = hi(box.y1, total, height);
  const uint32_t src_lo = lo(box.x0, m0 + r[0]), src_hi = hi(box.x1, m0 + r[0], width);

  for (uint32_t y = rows_begin; y < rows_end; ++y) {
    const uint8_t* src = image.row(y);
    for (size_t i = size_t(src_lo) * 4; i < size_t(src_hi) * 4; ++i) line0[i] = uint32_t(src[i]) * 256;
    box_line(line0.data(), 0, 4, line1.data(), 0, 4, width, lo(box.x0, m0), hi(box.x1, m0, width), r[0], w(0) / 2,
             w(0));
    box_line(line1.data(), 0, 4, line2.data(), 0, 4, width, lo(box.x0, m1), hi(box.x1, m1, width), r[1], w(1) / 2,
             w(1));
    box_line(line2.data(), 0, 4, a.data() + size_t(y - rows_begin) * bw * 4, box.x0, 4, width, box.x0, box.x1, r[2],
             w(2) / 2, w(2));
  }
  // Vertical: each column of the box is a line whose positions are rows.
  const size_t step = size_t(bw) * 4;
  for (uint32_t i = 0; i < bw; ++i) {
    box_line(a.data() + i * 4, rows_begin, step, b.data() + i * 4, rows_begin, step, height, lo(box.y0, m0),
             hi(box.y1, m0, height), r[0], w(0) / 2, w(0));
  }
  for (uint32_t i = 0; i < bw; ++i) {
    box_line(b.data() + i * 4, rows_begin, step, a.data() + i * 4, rows_begin, step, height, lo(box.y0, m1),
             hi(box.y1, m1, height), r[1], w(1) / 2, w(1));
  }
  for (uint32_t i = 0; i < bw; ++i) {
    box_line(a.data() + i * 4, rows_begin, step, line0.data(), 0, 4, height, box.y0, box.y1, r[2], 128 * w(2),
             256 * w(2));
    for (uint32_t y = box.y0; y < box.y1; ++y) {
      uint8_t* px = image.pixel(box.x0 + i, y);
      for (int c = 0; c < 4; ++c) px[c] = static_cast<uint8_t>(line0[size_t(y) * 4 + c]);
    }
  }
}

void pixelate_box(Image& image, const PixelBox& b, uint32_t cell, uint32_t anchor_x, uint32_t anchor_y) {
  // First cell edge at or before the clipped box, on the grid anchored at the unclipped box.
  const uint32_t start_x = anchor_x + (b.x0 - anchor_x) / cell * cell;
  const uint32_t start_y = anchor_y + (b.y0 - anchor_y) / cell * cell;
  for (uint32_t cy = start_y; cy < b.y1; cy += cell) {
    const uint32_t y0 = std::max(cy, b.y0), y1 = std::min(cy + cell, b.y1);
    for (uint32_t cx = start_x; cx < b.x1; cx += cell) {
      const uint32_t x0 = std::max(cx, b.x0), x1 = std::min(cx + cell, b.x1);
      uint64_t sum[4] = {0, 0, 0, 0};
      for (uint32_t y = y0; y < y1; ++y) {
        const uint8_t* p = image.pixel(x0, y);
        for (uint32_t x = x0; x < x1; ++x, p += 4) {
          for (int c = 0; c < 4; ++c) sum[c] += p[c];
        }
      }
      const uint64_t n = static_cast<uint64_t>(x1 - x0) * (y1 - y0);
      uint8_t mean[4];
      for (int c = 0; c < 4; ++c) mean[c] = static_cast<uint8_t>((sum[c] + n / 2) / n);
      for (uint32_t y = y0; y < y1; ++y) {
        uint8_t* p = image.pixel(x0, y);
        for (uint32_t x = x0; x < x1; ++x, p += 4) std::memcpy(p, mean, 4);
      }
    }
  }
}

void fill_box(Image& image, const PixelBox& b, uint32_t rgba) {
  const uint8_t colour[4] = {uint8_t(rgba >> 24), uint8_t(rgba >> 16), uint8_t(rgba >> 8), uint8_t(rgba)};
  for (uint32_t y = b.y0; y < b.y1; ++y) {
    uint8_t* p = image.pixel(b.x0, y);
    for (uint32_t x = b.x0; x < b.x1; ++x, p += 4) std::memcpy(p, colour, 4);
  }
}

}  // namespace

Result<std::vector<PixelBox>> plan_boxes(const std::vector<Box>& boxes, uint32_t width, uint32_t height) {
  if (boxes.size() > kMaxBoxes) {
    return TooLarge(std::to_string(boxes.size()) + " regions; at most " + std::to_string(kMaxBoxes) + " are allowed");
  }
  std::vector<PixelBox> out;
  out.reserve(boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    const Box& b = boxes[i];
    const double right = b.x + b.width, bottom = b.y + b.height;
    if (!std::isfinite(b.x) || !std::isfinite(b.y) || !std::isfinite(b.width) || !std::isfinite(b.height) ||
        !std::isfinite(right) || !std::isfinite(bottom)) {
      return InvalidArgument("region " + std::to_string(i) + " has a non-finite coordinate");
    }
    if (b.x < 0 || b.y < 0 || !(b.width > 0) || !(b.height > 0)) {
      return InvalidArgument("region " + std::to_string(i) + " must have x, y >= 0 and a positive width and height");
    }
    const double fx0 = std::floor(b.x), fy0 = std::floor(b.y), fx1 = std::ceil(right), fy1 = std::ceil(bottom);
    PixelBox p;
    p.x0 = clip(fx0, width);
    p.y0 = clip(fy0, height);
    p.x1 = clip(fx1, width);
    p.y1 = clip(fy1, height);
    p.size = std::min(fx1 - fx0, fy1 - fy0);
    out.push_back(p);
  }
  return out;
}

double blur_sigma(double size, const Options& options) {
  if (options.sigma > 0) return options.sigma;
  return std::clamp(size / 4.0, kMinSigma, kMaxSigma);
}

uint32_t pixel_cell(double size, const Options& options) {
  if (options.cell > 0) return options.cell;
  return static_cast<uint32_t>(std::clamp(std::ceil(size / 4.0), double(kMinCell), double(kMaxCell)));
}

BlurPasses blur_passes(double sigma) {
  BlurPasses p;
  if (!(sigma >= kMinSigma && sigma <= kMaxSigma)) return p;
  const double ideal = std::sqrt(4 * sigma * sigma + 1);  // sqrt(12 sigma^2 / 3 + 1)
  int lower = static_cast<int>(std::floor(ideal));
  if (lower % 2 == 0) --lower;
  const double m_ideal = (12 * sigma * sigma - 3.0 * lower * lower - 12.0 * lower - 9) / (-4.0 * lower - 4);
  const int m = std::clamp(static_cast<int>(std::floor(m_ideal + 0.5)), 0, 3);
  for (int j = 0; j < 3; ++j) p.radius[j] = static_cast<uint32_t>(((j < m ? lower : lower + 2) - 1) / 2);
  return p;
}

Status redact_in_place(Image& image, const std::vector<Box>& boxes, const Options& options) {
  if (image.empty()) return InvalidArgument("image is empty");
  if (Status s = check_options(options); !s.ok()) return s;
  Result<std::vector<PixelBox>> planned = plan_boxes(boxes, image.width(), image.height());
  if (!planned.ok()) return planned.status();
  const std::vector<PixelBox>& plan = planned.value();

  // Scratch for the largest blur, checked and allocated before any pixel changes.
  std::vector<uint16_t> a, b;
  std::vector<uint32_t> line0, line1, line2;
  if (options.style == Style::kBlur) {
    uint64_t most = 0;
    for (const PixelBox& box : plan) {
      if (box.empty()) continue;
      const BlurPasses passes = blur_passes(blur_sigma(box.size, options));
      const uint64_t margin = passes.radius[0] + passes.radius[1] + passes.radius[2];
      const uint64_t rows = std::min<uint64_t>(image.height(), box.y1 - box.y0 + 2 * margin);
      most = std::max<uint64_t>(most, rows * (box.x1 - box.x0) * 4);
    }
    if (most * 2 * sizeof(uint16_t) > kMaxBlurScratchBytes) {
      return TooLarge("the blurred region is too large for memory; use pixelate or fill, or smaller regions");
    }
    const size_t line = size_t(std::max(image.width(), image.height())) * 4;
    try {
      a.resize(most);
      b.resize(most);
      line0.resize(line);
      line1.resize(line);
      line2.resize(line);
    } catch (const std::bad_alloc&) {
      return Internal("out of memory for the blur buffers");
    }
  }
  for (size_t i = 0; i < plan.size(); ++i) {
    const PixelBox& box = plan[i];
    if (box.empty()) continue;
    switch (options.style) {
      case Style::kBlur:
        blur_box(image, box, blur_passes(blur_sigma(box.size, options)), a, b, line0, line1, line2);
        break;
      case Style::kPixelate:
        pixelate_box(image, box, pixel_cell(box.size, options), static_cast<uint32_t>(std::floor(boxes[i].x)),
                     static_cast<uint32_t>(std::floor(boxes[i].y)));
        break;
      case Style::kFill:
        fill_box(image, box, options.fill_rgba);
        break;
    }
  }
  return Status::Ok();
}

Result<Image> redact_boxes(const Image& image, const std::vector<Box>& boxes, const Options& options) {
  Image copy = image;
  if (Status s = redact_in_place(copy, boxes, options); !s.ok()) return s;
  return copy;
}

Result<Image> redact_mask(const Image& image, const uint8_t* mask, size_t mask_size, const Options& options) {
  if (image.empty()) return InvalidArgument("image is empty");
  if (Status s = check_options(options); !s.ok()) return s;
  if (!mask || mask_size != static_cast<size_t>(image.width()) * image.height()) {
    return InvalidArgument("the mask must have one byte per pixel (" + std::to_string(image.width()) + " x " +
                           std::to_string(image.height()) + ")");
  }
  uint32_t x0 = image.width(), y0 = image.height(), x1 = 0, y1 = 0;
  for (uint32_t y = 0; y < image.height(); ++y) {
    const uint8_t* m = mask + static_cast<size_t>(y) * image.width();
    for (uint32_t x = 0; x < image.width(); ++x) {
      if (!m[x]) continue;
      x0 = std::min(x0, x);
      x1 = std::max(x1, x + 1);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y + 1);
    }
  }
  Image out = image;
  if (x1 <= x0) return out;
  const Box box{double(x0), double(y0), double(x1 - x0), double(y1 - y0)};
  if (Status s = redact_in_place(out, {box}, options); !s.ok()) return s;
  for (uint32_t y = y0; y < y1; ++y) {
    const uint8_t* m = mask + static_cast<size_t>(y) * image.width();
    for (uint32_t x = x0; x < x1; ++x) {
      const uint32_t a = m[x];
      const uint8_t* src = image.pixel(x, y);
      uint8_t* dst = out.pixel(x, y);
      for (int c = 0; c < 4; ++c) dst[c] = static_cast<uint8_t>((src[c] * (255 - a) + dst[c] * a + 127) / 255);
    }
  }
  return out;
}

Result<std::vector<uint8_t>> encode_clean(const Image& image, ExportFormat format, int quality) {
  if (format == ExportFormat::kPng) return encode_png(image);
  if (quality < 1 || quality > 100) return InvalidArgument("JPEG quality must be 1..100");
  // JPEG has no alpha: flatten over white so colours hidden under transparency
  // are not revealed (stb's encoder would write them as they are).
  if (!image.is_opaque()) {
    Result<Image> flat = flatten_over(image, 255, 255, 255);
    if (!flat.ok()) return flat.status();
    return encode_jpeg(flat.value(), quality);
  }
  return encode_jpeg(image, quality);
}

Result<ExportResult> redact_and_export(const uint8_t* data, size_t size, const std::vector<Box>& boxes,
                                       const Options& options, ExportFormat format, int quality,
                                       const DecodeOptions& decode) {
  if (format == ExportFormat::kJpeg && (quality < 1 || quality > 100)) {
    return InvalidArgument("JPEG quality must be 1..100");
  }
  if (boxes.size() > kMaxBoxes) {  // refuse before decoding
    return TooLarge(std::to_string(boxes.size()) + " regions; at most " + std::to_string(kMaxBoxes) + " are allowed");
  }
  Result<DecodedImage> decoded = decode_image(data, size, decode);
  if (!decoded.ok()) return decoded.status();
  Image& image = decoded.value().image;
  if (Status s = redact_in_place(image, boxes, options); !s.ok()) return s;
  Result<std::vector<uint8_t>> bytes = encode_clean(image, format, quality);
  if (!bytes.ok()) return bytes.status();
  ExportResult out;
  out.bytes = std::move(bytes).value();
  out.width = image.width();
  out.height = image.height();
  out.format = format;
  return out;
}

}  // namespace filigrane::redact
