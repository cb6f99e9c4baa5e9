#include "resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace filigrane {
namespace {

constexpr double kPi = 3.14159265358979323846;

double filter_support(ResizeFilter f) {
  switch (f) {
    case ResizeFilter::kBox: return 0.5;
    case ResizeFilter::kBilinear: return 1.0;
    case ResizeFilter::kBicubic: return 2.0;
    case ResizeFilter::kLanczos3: return 3.0;
  }
  return 1.0;
}

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= kPi;
  return std::sin(x) / x;
}

double filter_weight(ResizeFilter f, double x) {
  x = std::fabs(x);
  switch (f) {
    case ResizeFilter::kBox: return x <= 0.5 ? 1.0 : 0.0;
    case ResizeFilter::kBilinear: return x < 1.0 ? 1.0 - x : 0.0;
    case ResizeFilter::kBicubic: {
      const double a = -0.5;
      if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
      if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
      return 0.0;
    }
    case ResizeFilter::kLanczos3: return x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
  }
  return 0.0;
}

// For each output coordinate, the first contributing input index and the
// normalised weights of the contributing inputs.
struct Contributions {
  std::vector<uint32_t> first;
  std::vector<uint32_t> count;
  std::vector<float> weights;  // out_size * max_taps
  uint32_t max_taps = 0;
};

Contributions make_contributions(uint32_t in_size, uint32_t out_size, ResizeFilter f) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double stretch = std::max(1.0, scale);
  const double support = filter_support(f) * stretch;
  Contributions c;
  c.max_taps = static_cast<uint32_t>(std::ceil(support) * 2 + 1);
  c.first.resize(out_size);
  c.count.resize(out_size);
  c.weights.assign(static_cast<size_t>(out_size) * c.max_taps, 0.0f);
  for (uint32_t i = 0; i < out_size; ++i) {
    const double centre = (i + 0.5) * scale;
    int lo = static_cast<int>(std::floor(centre - support));
    int hi = static_cast<int>(std::ceil(centre + support));
    lo = std::max(lo, 0);
    hi = std::min(hi, static_cast<int>(in_size));
    if (hi - lo > static_cast<int>(c.max_taps)) hi = lo + static_cast<int>(c.max_taps);
    double total = 0.0;
    float* w = &c.weights[static_cast<size_t>(i) * c.max_taps];
    for (int j = lo; j < hi; ++j) {
      const double wt = filter_weight(f, (j + 0.5 - centre) / stretch);
      w[j - lo] = static_cast<float>(wt);
      total += wt;
    }
    if (total == 0.0) {  // can only happen for degenerate box windows: take nearest
      lo = std::min(static_cast<int>(centre), static_cast<int>(in_size) - 1);
      hi = lo + 1;
      w[0] = 1.0f;
      total = 1.0;
    }
    for (int j = 0; j < hi - lo; ++j) w[j] = static_cast<float>(w[j] / total);
    c.first[i] = static_cast<uint32_t>(lo);
    c.count[i] = static_cast<uint32_t>(hi - lo);
  }
  return c;
}

}  // namespace

Result<Image> resize(const Image& src, uint32_t width, uint32_t height, ResizeFilter filter,
                     const ImageLimits& limits) {
  if (src.empty()) return InvalidArgument("cannot resize an empty image");
  Status s = check_dimensions(width, height, limits);
  if (!s.ok()) return s;
  const uint32_t sw = src.width(), sh = src.height();
  const bool opaque = src.is_opaque();

  // Horizontal pass into premultiplied floats, one input row at a time, kept
  // in a ring of rows: the vertical pass needs at most max_taps consecutive
  // rows at once, so memory stays a few rows wide (a full float copy of a
  // 12 MP image's half-size level would be 96 MB).
  const Contributions cx = make_contributions(sw, width, filter);
  const Contributions cy = make_contributions(sh, height, filter);
  const size_t stride = static_cast<size_t>(width) * 4;
  const uint32_t slots = cy.max_taps + 1;
  std::vector<float> ring(stride * slots);
  std::vector<int64_t> slot_row(slots, -1);
  std::vector<float> row(static_cast<size_t>(sw) * 4);
  auto filtered_row = [&](uint32_t y) -> const float* {
    float* out = &ring[(y % slots) * stride];
    if (slot_row[y % slots] == y) return out;
    slot_row[y % slots] = y;
    const uint8_t* in = src.row(y);
    for (uint32_t x = 0; x < sw; ++x) {
      const float a = opaque ? 1.0f : in[x * 4 + 3] / 255.0f;
      row[x * 4 + 0] = in[x * 4 + 0] * a;
      row[x * 4 + 1] = in[x * 4 + 1] * a;
      row[x * 4 + 2] = in[x * 4 + 2] * a;
      row[x * 4 + 3] = in[x * 4 + 3];
    }
    for (uint32_t x = 0; x < width; ++x) {
      const float* w = &cx.weights[static_cast<size_t>(x) * cx.max_taps];
      const float* p = &row[static_cast<size_t>(cx.first[x]) * 4];
      float acc[4] = {0, 0, 0, 0};
      for (uint32_t k = 0; k < cx.count[x]; ++k, p += 4) {
        acc[0] += w[k] * p[0];
        acc[1] += w[k] * p[1];
        acc[2] += w[k] * p[2];
        acc[3] += w[k] * p[3];
      }
      std::copy(acc, acc + 4, out + x * 4);
    }
    return out;
  };

  // Vertical pass, un-premultiply and round. An output row's input rows are
  // consecutive and at most max_taps < slots, so none evicts another.
  Result<Image> made = Image::create(width, height, limits);
  if (!made.ok()) return made;
  Image& dst = made.value();
  std::vector<float> acc(stride);
  for (uint32_t y = 0; y < height; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    const float* w = &cy.weights[static_cast<size_t>(y) * cy.max_taps];
    for (uint32_t k = 0; k < cy.count[y]; ++k) {
      const float* in = filtered_row(cy.first[y] + k);
      const float wk = w[k];
      for (size_t i = 0; i < acc.size(); ++i) acc[i] += wk * in[i];
    }
    uint8_t* out = dst.row(y);
    for (uint32_t x = 0; x < width; ++x) {
      const float a = std::clamp(acc[x * 4 + 3], 0.0f, 255.0f);
      const float unpremultiply = opaque ? 1.0f : (a > 0.0f ? 255.0f / a : 0.0f);
      for (int c = 0; c < 3; ++c) {
        const float v = acc[x * 4 + c] * unpremultiply;
        out[x * 4 + c] = static_cast<uint8_t>(std::clamp(v + 0.5f, 0.0f, 255.0f));
      }
      out[x * 4 + 3] = opaque ? 255 : static_cast<uint8_t>(a + 0.5f);
    }
  }
  return made;
}

}  // namespace filigrane
