#include "core/text/ocr.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/resize.h"

namespace filigrane::text {
namespace {

// RGBA -> B,G,R planes after compositing over white, each (x/255 - mean[c]) / std[c].
void planar_bgr(const Image& image, const float mean[3], const float stdev[3], uint32_t out_width,
                float* out) {
  const size_t plane = static_cast<size_t>(out_width) * image.height();
  for (uint32_t y = 0; y < image.height(); ++y) {
    const uint8_t* px = image.row(y);
    for (uint32_t x = 0; x < image.width(); ++x, px += 4) {
      const float a = px[3] / 255.0f;
      const size_t at = static_cast<size_t>(y) * out_width + x;
      for (int c = 0; c < 3; ++c) {
        const float v = (px[2 - c] * a + 255.0f * (1 - a)) / 255.0f;  // c=0 -> blue
        out[c * plane + at] = (v - mean[c]) / stdev[c];
      }
    }
  }
}

}  // namespace

Result<DetectorInput> detector_input(const Image& image, uint32_t max_side) {
  if (image.empty()) return InvalidArgument("detector_input: empty image");
  if (max_side < 32 || max_side > kMaxMapSide) return InvalidArgument("detector_input: max_side must be 32..8192");
  const double longest = std::max(image.width(), image.height());
  const double shrink = longest > max_side ? max_side / longest : 1.0;
  auto to32 = [](double side) {
    const uint32_t r = static_cast<uint32_t>(std::lround(side / 32.0)) * 32;
    return std::max<uint32_t>(32, r);
  };
  DetectorInput in;
  in.width = std::min(to32(image.width() * shrink), kMaxMapSide);
  in.height = std::min(to32(image.height() * shrink), kMaxMapSide);
  in.scale_x = static_cast<double>(image.width()) / in.width;
  in.scale_y = static_cast<double>(image.height()) / in.height;
  Result<Image> scaled = resize(image, in.width, in.height, ResizeFilter::kBilinear);
  if (!scaled.ok()) return scaled.status();
  static const float kMean[3] = {0.485f, 0.456f, 0.406f};
  static const float kStd[3] = {0.229f, 0.224f, 0.225f};
  in.data.assign(static_cast<size_t>(in.width) * in.height * 3, 0.0f);
  planar_bgr(scaled.value(), kMean, kStd, in.width, in.data.data());
  return in;
}

Result<std::vector<TextBox>> db_boxes(const float* probability, size_t count, uint32_t map_width,
                                      uint32_t map_height, double scale_x, double scale_y,
                                      uint32_t image_width, uint32_t image_height,
                                      const DbOptions& options) {
  if (probability == nullptr && count > 0) return InvalidArgument("db_boxes: null map");
  if (map_width == 0 || map_height == 0 || map_width > kMaxMapSide || map_height > kMaxMapSide) {
    return InvalidArgument("db_boxes: map sides must be 1..8192");
  }
  if (count != static_cast<size_t>(map_width) * map_height) return InvalidArgument("db_boxes: map size does not match its sides");
  if (!(scale_x > 0) || !(scale_y > 0) || !std::isfinite(scale_x) || !std::isfinite(scale_y)) {
    return InvalidArgument("db_boxes: scales must be positive");
  }
  if (image_width == 0 || image_height == 0) return InvalidArgument("db_boxes: empty image");
  if (!(options.threshold >= 0 && options.threshold < 1) || !(options.box_threshold >= 0 && options.box_threshold <= 1) ||
      !(options.unclip_ratio >= 0 && options.unclip_ratio <= 10) || options.min_side > map_width + map_height) {
    return InvalidArgument("db_boxes: options out of range");
  }

  const size_t n = count;
  // 0: background, 1: text not yet visited, 2: visited.
  std::vector<uint8_t> state(n);
  for (size_t i = 0; i < n; ++i) state[i] = probability[i] > options.threshold ? 1 : 0;

  std::vector<TextBox> boxes;
  std::vector<uint32_t> stack;
  for (size_t start = 0; start < n && boxes.size() < kMaxBoxes; ++start) {
    if (state[start] != 1) continue;
    // Flood fill one 8-connected component, tracking its bounding rectangle.
    uint32_t x0 = map_width, y0 = map_height, x1 = 0, y1 = 0;
    state[start] = 2;
    stack.assign(1, static_cast<uint32_t>(start));
    while (!stack.empty()) {
      const uint32_t at = stack.back();
      stack.pop_back();
      const uint32_t x = at % map_width, y = at / map_width;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      for (int dy = -1; dy <= 1; ++dy) {
        const int64_t ny = static_cast<int64_t>(y) + dy;
        if (ny < 0 || ny >= map_height) continue;
        for (int dx = -1; dx <= 1; ++dx) {
          const int64_t nx = static_cast<int64_t>(x) + dx;
          if (nx < 0 || nx >= map_width) continue;
          const size_t nb = static_cast<size_t>(ny) * map_width + static_cast<size_t>(nx);
          if (state[nb] == 1) {
            state[nb] = 2;
            stack.push_back(static_cast<uint32_t>(nb));
          }
        }
      }
    }
    const double w = x1 - x0 + 1.0, h = y1 - y0 + 1.0;
    if (std::min(w, h) < options.min_side) continue;
    double sum = 0;
    for (uint32_t y = y0; y <= y1; ++y) {
      const float* row = probability + static_cast<size_t>(y) * map_width;
      for (uint32_t x = x0; x <= x1; ++x) sum += row[x];
    }
    const double score = sum / (w * h);
    if (score < options.box_threshold) continue;
    // Grow by DB's unclip distance: area * ratio / perimeter.
    const double d = w * h * options.unclip_ratio / (2 * (w + h));
    if (std::min(w, h) + 2 * d < options.min_side + 2) continue;
    const double bx0 = std::clamp((x0 - d) * scale_x, 0.0, static_cast<double>(image_width));
    const double by0 = std::clamp((y0 - d) * scale_y, 0.0, static_cast<double>(image_height));
    const double bx1 = std::clamp((x1 + 1 + d) * scale_x, 0.0, static_cast<double>(image_width));
    const double by1 = std::clamp((y1 + 1 + d) * scale_y, 0.0, static_cast<double>(image_height));
    if (bx1 - bx0 < 1 || by1 - by0 < 1) continue;
    boxes.push_back({static_cast<float>(bx0), static_cast<float>(by0), static_cast<float>(bx1 - bx0),
                     static_cast<float>(by1 - by0), static_cast<float>(score)});
  }

  // Reading order: by top edge; a box whose centre lies within the first box
  // of the current line joins that line; each line then left to right.
  std::sort(boxes.begin(), boxes.end(), [](const TextBox& a, const TextBox& b) { return a.y < b.y; });
  size_t line_start = 0;
  for (size_t i = 1; i <= boxes.size(); ++i) {
    const bool ends = i == boxes.size() ||
                      boxes[i].y + boxes[i].height / 2 > boxes[line_start].y + boxes[line_start].height;
    if (ends) {
      std::sort(boxes.begin() + line_start, boxes.begin() + i, [](const TextBox& a, const TextBox& b) { return a.x < b.x; });
      line_start = i;
    }
  }
  return boxes;
}

Result<RecognizerInput> recognizer_input(const Image& image, const TextBox& box, uint32_t height,
                                         uint32_t min_width, uint32_t max_width) {
  if (image.empty()) return InvalidArgument("recognizer_input: empty image");
  if (height < 8 || height > 256) return InvalidArgument("recognizer_input: height must be 8..256");
  if (min_width < height || max_width > kMaxMapSide || min_width > max_width) {
    return InvalidArgument("recognizer_input: widths must satisfy height <= min_width <= max_width <= 8192");
  }
  if (!std::isfinite(box.x) || !std::isfinite(box.y) || !std::isfinite(box.width) || !std::isfinite(box.height)) {
    return InvalidArgument("recognizer_input: box is not finite");
  }
  const double fx0 = std::clamp<double>(std::floor(box.x), 0, image.width());
  const double fy0 = std::clamp<double>(std::floor(box.y), 0, image.height());
  const double fx1 = std::clamp<double>(std::ceil(box.x + box.width), 0, image.width());
  const double fy1 = std::clamp<double>(std::ceil(box.y + box.height), 0, image.height());
  if (fx1 - fx0 < 1 || fy1 - fy0 < 1) return InvalidArgument("recognizer_input: box has no pixels inside the image");
  const uint32_t cx = static_cast<uint32_t>(fx0), cy = static_cast<uint32_t>(fy0);
  const uint32_t cw = static_cast<uint32_t>(fx1 - fx0), ch = static_cast<uint32_t>(fy1 - fy0);
  Result<Image> cut = crop(image, cx, cy, cw, ch);
  if (!cut.ok()) return cut.status();

  RecognizerInput in;
  const double scaled = std::ceil(static_cast<double>(height) * cw / ch);
  in.content_width = static_cast<uint32_t>(std::clamp<double>(scaled, 1, max_width));
  in.width = std::max(min_width, in.content_width);
  Result<Image> scaled_crop = resize(cut.value(), in.content_width, height, ResizeFilter::kBilinear);
  if (!scaled_crop.ok()) return scaled_crop.status();
  static const float kHalf[3] = {0.5f, 0.5f, 0.5f};
  in.data.assign(static_cast<size_t>(in.width) * height * 3, 0.0f);
  planar_bgr(scaled_crop.value(), kHalf, kHalf, in.width, in.data.data());
  return in;
}

Result<CtcResult> ctc_greedy(const float* probabilities, size_t count, uint32_t steps, uint32_t classes,
                             uint32_t blank) {
  if (steps == 0 || classes == 0 || blank >= classes) return InvalidArgument("ctc_greedy: empty shape or blank out of range");
  if (probabilities == nullptr || count != static_cast<size_t>(steps) * classes) {
    return InvalidArgument("ctc_greedy: size does not match steps x classes");
  }
  CtcResult out;
  uint32_t previous = blank;
  double sum = 0;
  for (uint32_t t = 0; t < steps; ++t) {
    const float* row = probabilities + static_cast<size_t>(t) * classes;
    uint32_t best = 0;
    for (uint32_t c = 1; c < classes; ++c) {
      if (row[c] > row[best]) best = c;
    }
    if (best != blank && best != previous) {
      out.classes.push_back(best);
      out.scores.push_back(row[best]);
      sum += row[best];
    }
    previous = best;
  }
  if (!out.scores.empty()) out.score = static_cast<float>(sum / out.scores.size());
  return out;
}

}  // namespace filigrane::text
