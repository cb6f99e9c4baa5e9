// Decoder of the screen watermark. See screenmark.h for the outline.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>

#include "core/screenmark/fft.h"
#include "core/screenmark/keyed_pattern.h"
#include "core/screenmark/payload_codec.h"
#include "core/screenmark/screenmark.h"

namespace filigrane::screenmark {
namespace {

constexpr int kSamplesPerCell = 4;
constexpr int kAccSide = kTileCells * kSamplesPerCell;  // 128: folded tile accumulator
constexpr int kSpectrumSide = 512;                      // period-search window
constexpr uint32_t kMinSide = 24;
// The lattice search sees periods up to ~window / 2.4 on a pyramid level whose
// short side is >= 512 px, so a capture with a short side under 1024 px hides
// scales above ~1.1 from it (e.g. an 800 x 600 page enlarged 1.5x): those
// captures sweep the hidden scales, up to a pixel budget.
constexpr uint32_t kSweepMaxShortSide = 1023;
constexpr uint64_t kSweepMaxPixels = 2'000'000;
constexpr size_t kSweepDecodes = 4;              // decode attempts spent on sweep hypotheses
constexpr double kRefineSyncZ = 6.0;             // sync z that earns a period refinement

// Single-channel float image.
// Pixels are left uninitialised by allocate(): every producer writes all of
// them, and zero-filling megapixel planes is measurable.
struct Plane {
  int width = 0;
  int height = 0;
  std::unique_ptr<float[]> data;
  void allocate(int w, int h) {
    if (!data || size_t(w) * h > capacity) {
      data.reset(new float[size_t(w) * h]);
      capacity = size_t(w) * h;
    }
    width = w;
    height = h;
  }
  size_t size() const { return size_t(width) * height; }
  float* row(int y) { return data.get() + size_t(y) * width; }
  const float* row(int y) const { return data.get() + size_t(y) * width; }
  float& operator[](size_t i) { return data[i]; }
  float operator[](size_t i) const { return data[i]; }
  size_t capacity = 0;
};

// Luma (BT.601 weights) with straight alpha composited over white.
Plane luma_of(const Image& image) {
  Plane p;
  p.allocate(int(image.width()), int(image.height()));
  for (int y = 0; y < p.height; ++y) {
    const uint8_t* s = image.row(uint32_t(y));
    float* d = p.row(y);
    for (int x = 0; x < p.width; ++x, s += 4) {
      float l = 0.299f * s[0] + 0.587f * s[1] + 0.114f * s[2];
      if (s[3] != 255) {
        float a = s[3] * (1.0f / 255.0f);
        l = l * a + 255.0f * (1.0f - a);
      }
      d[x] = l;
    }
  }
  return p;
}

// Box-average reduction by an integer factor (partial edge blocks dropped).
Plane downsample(const Plane& src, int factor) {
  Plane d;
  d.allocate(src.width / factor, src.height / factor);
  std::fill(d.data.get(), d.data.get() + d.size(), 0.0f);
  const float norm = 1.0f / float(factor * factor);
  for (int y = 0; y < d.height; ++y) {
    float* out = d.row(y);
    for (int k = 0; k < factor; ++k) {
      const float* in = src.row(y * factor + k);
      for (int x = 0; x < d.width; ++x) {
        float s = 0;
        for (int j = 0; j < factor; ++j) s += in[x * factor + j];
        out[x] += s;
      }
    }
    for (int x = 0; x < d.width; ++x) out[x] *= norm;
  }
  return d;
}

// Median of |values| estimated from a strided sample (cheap, robust scale).
float median_abs(const std::vector<float>& values) {
  std::vector<float> sample;
  const size_t stride = std::max<size_t>(1, values.size() / 20000);
  sample.reserve(values.size() / stride + 1);
  for (size_t i = 0; i < values.size(); i += stride) sample.push_back(std::fabs(values[i]));
  if (sample.empty()) return 0.0f;
  auto mid = sample.begin() + sample.size() / 2;
  std::nth_element(sample.begin(), mid, sample.end());
  return *mid;
}

// The mark is a faint signal: where the content is locally flat (3x3 range
// at most kFlatRange) the capture is background + mark; elsewhere content
// noise dwarfs it. The residual subtracts the mean of the FLAT pixels in a
// (2r+1)^2 box, so thin white gaps between text lines still see the right
// background; non-flat pixels and outliers (edges between two flat levels)
// get a small weight with a clipped plain high-pass residual instead (they
// still carry the mark, under much more noise: this is what lets photo-only
// captures decode). Streaming implementation: only the outputs are full-size.
constexpr float kFlatRange = 12.0f;
constexpr uint8_t kFlatWeight = 255;
#ifndef SM_BUSY
#define SM_BUSY 8
#endif
constexpr uint8_t kBusyWeight = SM_BUSY;  // ~1/30: noise variance ratio busy vs flat
constexpr float kBusyClip = 10.0f;

struct WeightedResidual {
  Plane residual;               // residual x weight/255 (0 where weight is 0)
  std::vector<uint8_t> weight;  // 0..255 reliability of each pixel
  int radius = -1;
};

void compute_weighted_residual(const Plane& luma, int radius, WeightedResidual& out) {
  const int w = luma.width, h = luma.height;
  out.radius = radius;
  out.residual.allocate(w, h);
  out.weight.resize(size_t(w) * h);
  // 1) flat mask from the 3x3 range, rows of horizontal max/min in a ring.
  std::vector<float> hmax(size_t(3) * w), hmin(size_t(3) * w);
  auto horizontal = [&](int y) {
    const float* in = luma.row(y);
    float* mx = hmax.data() + size_t(y % 3) * w;
    float* mn = hmin.data() + size_t(y % 3) * w;
    for (int x = 0; x < w; ++x) {
      float l = in[x > 0 ? x - 1 : 0], c = in[x], r = in[x + 1 < w ? x + 1 : x];
      mx[x] = std::max(l, std::max(c, r));
      mn[x] = std::min(l, std::min(c, r));
    }
  };
  horizontal(0);
  if (h > 1) horizontal(1);
  for (int y = 0; y < h; ++y) {
    if (y + 1 < h && y + 1 >= 2) horizontal(y + 1);
    const int y0 = std::max(0, y - 1) % 3, y1 = y % 3, y2 = std::min(h - 1, y + 1) % 3;
    uint8_t* m = out.weight.data() + size_t(y) * w;
    const float *a0 = &hmax[size_t(y0) * w], *a1 = &hmax[size_t(y1) * w], *a2 = &hmax[size_t(y2) * w];
    const float *b0 = &hmin[size_t(y0) * w], *b1 = &hmin[size_t(y1) * w], *b2 = &hmin[size_t(y2) * w];
    for (int x = 0; x < w; ++x) {
      float range = std::max(a0[x], std::max(a1[x], a2[x])) - std::min(b0[x], std::min(b1[x], b2[x]));
      m[x] = range <= kFlatRange ? 1 : 0;
    }
  }
  // 2) box means by running sums (masked: flat pixels only; plain: all):
  // horizontal sums of each row are kept in a ring of 2r+2 rows so a row
  // leaving the window is subtracted exactly.
  const int ring = 2 * radius + 2;
  std::vector<float> ring_value(size_t(ring) * w), ring_count(size_t(ring) * w), ring_plain(size_t(ring) * w);
  std::vector<double> col_value(w, 0.0), col_count(w, 0.0), col_plain(w, 0.0);
  std::vector<float> box_width(w);
  for (int x = 0; x < w; ++x) box_width[x] = float(std::min(w, x + radius + 1) - std::max(0, x - radius));
  auto row_sums = [&](int y) {
    const float* in = luma.row(y);
    const uint8_t* m = out.weight.data() + size_t(y) * w;
    float* rv = ring_value.data() + size_t(y % ring) * w;
    float* rc = ring_count.data() + size_t(y % ring) * w;
    float* rp = ring_plain.data() + size_t(y % ring) * w;
    float sv = 0, sc = 0, sp = 0;
    for (int x = 0; x < std::min(w, radius); ++x) sv += m[x] * in[x], sc += m[x], sp += in[x];
    for (int x = 0; x < w; ++x) {
      int add = x + radius, drop = x - radius - 1;
      if (add < w) sv += m[add] * in[add], sc += m[add], sp += in[add];
      if (drop >= 0) sv -= m[drop] * in[drop], sc -= m[drop], sp -= in[drop];
      rv[x] = sv;
      rc[x] = sc;
      rp[x] = sp;
    }
  };
  int top = 0, bottom = 0;  // rows [top, bottom) are in the column sums
  const float min_count = 0.05f * float(2 * radius + 1) * float(2 * radius + 1);
  for (int y = 0; y < h; ++y) {
    int want_top = std::max(0, y - radius), want_bottom = std::min(h, y + radius + 1);
    while (bottom < want_bottom) {
      row_sums(bottom);
      const size_t o = size_t(bottom % ring) * w;
      for (int x = 0; x < w; ++x)
        col_value[x] += ring_value[o + x], col_count[x] += ring_count[o + x], col_plain[x] += ring_plain[o + x];
      ++bottom;
    }
    while (top < want_top) {
      const size_t o = size_t(top % ring) * w;
      for (int x = 0; x < w; ++x)
        col_value[x] -= ring_value[o + x], col_count[x] -= ring_count[o + x], col_plain[x] -= ring_plain[o + x];
      ++top;
    }
    const float* in = luma.row(y);
    float* r = out.residual.row(y);
    uint8_t* m = out.weight.data() + size_t(y) * w;
    const float rows_in_box = float(bottom - top);
    for (int x = 0; x < w; ++x) {
      if (m[x] && col_count[x] >= min_count) {
        r[x] = in[x] - float(col_value[x] / col_count[x]);
        m[x] = kFlatWeight;
      } else {
        float plain = in[x] - float(col_plain[x] / (rows_in_box * box_width[x]));
        r[x] = std::clamp(plain, -kBusyClip, kBusyClip);
        m[x] = kBusyWeight;
      }
    }
  }
  // 3) flat pixels beyond 3x the typical flat amplitude are edges between
  // two flat levels, not mark: drop them. Then premultiply by the weight.
  std::vector<float> accepted;
  const size_t n = out.residual.size();
  const size_t stride = std::max<size_t>(1, n / 40000);
  for (size_t i = 0; i < n; i += stride)
    if (out.weight[i] == kFlatWeight) accepted.push_back(out.residual[i]);
  const float limit = std::clamp(3.0f * median_abs(accepted), 3.0f, 10.0f);
  for (size_t i = 0; i < n; ++i) {
    if (out.weight[i] == kFlatWeight && std::fabs(out.residual[i]) > limit) out.weight[i] = 0;
    out.residual[i] *= out.weight[i] * (1.0f / 255.0f);
  }
}

// ---------------------------------------------------------------- period search

struct PeriodCandidate {
  double tx = 0, ty = 0;  // tile period in capture pixels
  double score = 0;
};

struct Autocorrelation {
  int n = kSpectrumSide;
  std::vector<float> a;  // n x n, lag (0,0) at index 0, cyclic
  float at(double x, double y) const {
    double fx = std::floor(x), fy = std::floor(y);
    double ax = x - fx, ay = y - fy;
    int ix = int(fx), iy = int(fy);
    auto get = [&](int u, int v) {
      u = ((u % n) + n) % n;
      v = ((v % n) + n) % n;
      return a[size_t(v) * n + u];
    };
    return float((1 - ay) * ((1 - ax) * get(ix, iy) + ax * get(ix + 1, iy)) +
                 ay * ((1 - ax) * get(ix, iy + 1) + ax * get(ix + 1, iy + 1)));
  }
};

// Whitened, Welch-averaged autocorrelation of the residual `r` (windows of
// kSpectrumSide, Hann tapered). `jpeg_period` (in r's pixels) names the block
// grid whose spectral lines are notched out.
Autocorrelation whitened_autocorrelation(const Plane& r, double jpeg_period) {
  const int n = kSpectrumSide;
  const int ww = std::min(n, r.width), wh = std::min(n, r.height);
  auto positions = [&](int extent, int window, int max_count) {
    std::vector<int> p;
    int count = extent <= window ? 1 : std::min(max_count, (extent + window - 1) / window);
    for (int i = 0; i < count; ++i)
      p.push_back(count == 1 ? (extent - window) / 2 : int(int64_t(extent - window) * i / (count - 1)));
    return p;
  };
  std::vector<int> xs = positions(r.width, ww, 3), ys = positions(r.height, wh, 3);
  while (xs.size() * ys.size() > 6 && ys.size() > 1) ys = positions(r.height, wh, int(ys.size()) - 1);
  std::vector<std::pair<int, int>> windows;
  for (int y : ys)
    for (int x : xs) windows.push_back({x, y});

  std::vector<float> hann_x(ww), hann_y(wh);
  const double kTwoPi = 6.283185307179586;
  for (int i = 0; i < ww; ++i) hann_x[i] = float(0.5 - 0.5 * std::cos(kTwoPi * (i + 0.5) / ww));
  for (int i = 0; i < wh; ++i) hann_y[i] = float(0.5 - 0.5 * std::cos(kTwoPi * (i + 0.5) / wh));

  std::vector<float> power(size_t(n) * n, 0.0f);
  std::vector<Complex> buf(size_t(n) * n);
  auto fill = [&](int which, std::pair<int, int> origin) {  // which: 0 real, 1 imaginary
    double mean = 0;
    for (int y = 0; y < wh; ++y)
      for (int x = 0; x < ww; ++x) mean += r.row(origin.second + y)[origin.first + x];
    mean /= double(ww) * wh;
    for (int y = 0; y < wh; ++y) {
      const float* in = r.row(origin.second + y) + origin.first;
      Complex* out = buf.data() + size_t(y) * n;
      for (int x = 0; x < ww; ++x) {
        float v = float(in[x] - mean) * hann_x[x] * hann_y[y];
        out[x] = which == 0 ? Complex(v, out[x].imag()) : Complex(out[x].real(), v);
      }
    }
  };
  for (size_t i = 0; i < windows.size(); i += 2) {
    std::fill(buf.begin(), buf.end(), Complex(0, 0));
    fill(0, windows[i]);
    bool pair = i + 1 < windows.size();
    if (pair) fill(1, windows[i + 1]);
    fft_2d(buf, n, n, false);
    // Two real transforms share one complex FFT: X = (Z(k) + conj Z(-k)) / 2,
    // Y = (Z(k) - conj Z(-k)) / 2i; |X|^2 + |Y|^2 = (|Z(k)|^2 + |Z(-k)|^2) / 2.
    for (int ky = 0; ky < n; ++ky) {
      int my = (n - ky) & (n - 1);
      for (int kx = 0; kx < n; ++kx) {
        int mx = (n - kx) & (n - 1);
        Complex z = buf[size_t(ky) * n + kx], zm = buf[size_t(my) * n + mx];
        power[size_t(ky) * n + kx] += pair ? 0.5f * (std::norm(z) + std::norm(zm)) : std::norm(z);
      }
    }
  }
  // Whitening: divide by the local (11 x 11 bins, cyclic) mean power so
  // content's smooth spectrum flattens while the mark's lattice peaks stay.
  const int rad = 5;
  std::vector<float> tmp(power.size()), smooth(power.size());
  for (int y = 0; y < n; ++y) {
    const float* in = power.data() + size_t(y) * n;
    float s = 0;
    for (int k = -rad; k <= rad; ++k) s += in[(k + n) & (n - 1)];
    for (int x = 0; x < n; ++x) {
      tmp[size_t(y) * n + x] = s;
      s += in[(x + rad + 1) & (n - 1)] - in[(x - rad + n) & (n - 1)];
    }
  }
  for (int x = 0; x < n; ++x) {
    float s = 0;
    for (int k = -rad; k <= rad; ++k) s += tmp[size_t((k + n) & (n - 1)) * n + x];
    for (int y = 0; y < n; ++y) {
      smooth[size_t(y) * n + x] = s;
      s += tmp[size_t((y + rad + 1) & (n - 1)) * n + x] - tmp[size_t((y - rad + n) & (n - 1)) * n + x];
    }
  }
  const float box = float((2 * rad + 1) * (2 * rad + 1));
  auto notched = [&](int k) {
    int f = std::min(k, n - k);
    if (f <= 2) return true;  // DC and the lowest frequencies: content, not mark
    if (jpeg_period >= 2.0) {
      double spacing = n / jpeg_period;
      double rel = f / spacing;
      if (std::fabs(rel - std::round(rel)) * spacing <= 1.01 && std::round(rel) >= 1) return true;
    }
    return false;
  };
  std::vector<Complex>& spec = buf;
  for (int ky = 0; ky < n; ++ky) {
    bool notch_y = notched(ky);
    for (int kx = 0; kx < n; ++kx) {
      size_t i = size_t(ky) * n + kx;
      float w = 0;
      if (!notch_y && !notched(kx)) {
        float mean = smooth[i] / box;
        w = mean > 0 ? std::min(power[i] / mean, 12.0f) - 1.0f : 0.0f;
      }
      spec[i] = Complex(w, 0);
    }
  }
  fft_2d(spec, n, n, true);
  Autocorrelation ac;
  ac.a.resize(size_t(n) * n);
  float zero_lag = spec[0].real();
  float norm = zero_lag > 0 ? 1.0f / zero_lag : 1.0f;
  for (size_t i = 0; i < ac.a.size(); ++i) ac.a[i] = spec[i].real() * norm;
  return ac;
}

// Lattice score of an isotropic period t (in autocorrelation lags).
double lattice_score(const Autocorrelation& ac, double t, double max_lag) {
  double s = ac.at(t, 0) + ac.at(0, t) + ac.at(t, t) + ac.at(t, -t);
  int terms = 4;
  if (2 * t <= max_lag) {
    s += ac.at(2 * t, 0) + ac.at(0, 2 * t);
    terms += 2;
  }
  return s / terms;
}

// Sub-lag peak of f near `guess` (search +-2 lags, parabolic refinement).
template <typename F>
double refine_peak(F f, double guess) {
  int centre = int(std::lround(guess));
  int best = centre;
  double best_v = -1e30;
  for (int i = centre - 2; i <= centre + 2; ++i) {
    double v = f(double(i));
    if (v > best_v) best_v = v, best = i;
  }
  double l = f(best - 1.0), c = best_v, r = f(best + 1.0);
  double denom = l - 2 * c + r;
  double offset = denom < 0 ? 0.5 * (l - r) / denom : 0.0;
  return best + std::clamp(offset, -0.5, 0.5);
}

// `reduced` is the luma reduced by `factor` (1, 2 or 4); periods are
// returned in full-resolution pixels.
std::vector<PeriodCandidate> find_period_candidates(const Plane& reduced, int factor, double min_scale,
                                                    double max_scale, int max_candidates) {
  WeightedResidual reduced_residual;
  compute_weighted_residual(reduced, 2, reduced_residual);
  Autocorrelation ac = whitened_autocorrelation(reduced_residual.residual, 8.0 / factor);
  const double max_lag = 0.45 * kSpectrumSide;
  const double t_min = std::max(6.0, kTileCssPx * min_scale / factor);
  const double t_max = std::min(max_lag, kTileCssPx * max_scale / factor);
  std::vector<std::pair<double, double>> scores;  // (t, score)
  for (double t = t_min; t <= t_max; t += 0.25) scores.push_back({t, lattice_score(ac, t, max_lag)});
  std::vector<std::pair<double, double>> maxima;
  for (size_t i = 0; i < scores.size(); ++i) {
    double v = scores[i].second;
    if ((i == 0 || v >= scores[i - 1].second) && (i + 1 == scores.size() || v > scores[i + 1].second))
      maxima.push_back(scores[i]);
  }
  std::sort(maxima.begin(), maxima.end(), [](auto& a, auto& b) { return a.second > b.second; });
  std::vector<PeriodCandidate> out;
  for (auto& m : maxima) {
    bool near = false;
    for (auto& c : out) near |= std::fabs(c.tx / factor / m.first - 1.0) < 0.03;
    if (near) continue;
    double t = m.first;
    // Refine each axis from the lattice peaks along it (and its double).
    auto axis_x = [&](double x) { return ac.at(x, 0) + 0.5 * (ac.at(x, t) + ac.at(x, -t)); };
    auto axis_y = [&](double y) { return ac.at(0, y) + 0.5 * (ac.at(t, y) + ac.at(-t, y)); };
    double tx = refine_peak(axis_x, t), ty = refine_peak(axis_y, t);
    if (2 * t <= max_lag) {
      double tx2 = refine_peak([&](double x) { return ac.at(x, 0); }, 2 * tx) / 2;
      double ty2 = refine_peak([&](double y) { return ac.at(0, y); }, 2 * ty) / 2;
      tx = (tx + 4 * tx2) / 5;
      ty = (ty + 4 * ty2) / 5;
    }
    out.push_back({tx * factor, ty * factor, m.second});
    if (int(out.size()) >= max_candidates) break;
  }
  return out;
}

// ---------------------------------------------------------------- fold and sync

struct Fold {
  int side = kAccSide;
  std::vector<float> tile;  // side^2 mean residual per tile sample, zero-mean
  std::vector<int> column_bin, row_bin;
};

// Folds the residual modulo the period (tx, ty) into side x side bins
// (side = kAccSide normally; coarser for the cheap scale sweep).
Fold fold_residual(const WeightedResidual& wr, double tx, double ty, int side = kAccSide) {
  const Plane& r = wr.residual;
  Fold f;
  f.side = side;
  f.column_bin.resize(r.width);
  f.row_bin.resize(r.height);
  for (int x = 0; x < r.width; ++x) {
    double u = std::fmod(x * (side / tx), double(side));
    f.column_bin[x] = std::min(side - 1, int(u));
  }
  for (int y = 0; y < r.height; ++y) {
    double v = std::fmod(y * (side / ty), double(side));
    f.row_bin[y] = std::min(side - 1, int(v));
  }
  std::vector<double> sum(size_t(side) * side, 0.0);
  std::vector<double> count(sum.size(), 0);
  std::vector<float> row_sum(side);
  std::vector<float> row_count(side);
  for (int y = 0; y < r.height; ++y) {
    std::fill(row_sum.begin(), row_sum.end(), 0.0f);
    std::fill(row_count.begin(), row_count.end(), 0.0f);
    const float* in = r.row(y);
    const uint8_t* w = wr.weight.data() + size_t(y) * r.width;
    for (int x = 0; x < r.width; ++x) {
      row_sum[f.column_bin[x]] += in[x];
      row_count[f.column_bin[x]] += w[x];
    }
    size_t base = size_t(f.row_bin[y]) * side;
    for (int u = 0; u < side; ++u) {
      sum[base + u] += row_sum[u];
      count[base + u] += row_count[u];
    }
  }
  f.tile.assign(sum.size(), 0.0f);
  double mean = 0;
  size_t filled = 0;
  for (size_t i = 0; i < sum.size(); ++i) {
    if (count[i] > 0) {
      f.tile[i] = float(255.0 * sum[i] / count[i]);
      mean += f.tile[i];
      ++filled;
    }
  }
  if (filled) mean /= double(filled);
  for (size_t i = 0; i < sum.size(); ++i)
    if (count[i] > 0) f.tile[i] -= float(mean);
  return f;
}

struct SyncPeak {
  int du = 0, dv = 0;  // accumulator index of the tile origin
  double z = 0;
};

// Circular cross-correlation of the folded tile with the sync template;
// returns up to `count` well-separated peaks, best first.
std::vector<SyncPeak> sync_peaks(const Fold& fold, const std::vector<Complex>& template_spectrum, int count) {
  const int n = fold.side;
  const int per_cell = n / kTileCells;
  std::vector<Complex> spec(size_t(n) * n);
  for (size_t i = 0; i < spec.size(); ++i) spec[i] = Complex(fold.tile[i], 0);
  fft_2d(spec, n, n, false);
  for (size_t i = 0; i < spec.size(); ++i) spec[i] *= std::conj(template_spectrum[i]);
  fft_2d(spec, n, n, true);
  double mean = 0, sq = 0;
  for (auto& c : spec) mean += c.real();
  mean /= double(spec.size());
  for (auto& c : spec) sq += (c.real() - mean) * (c.real() - mean);
  double sd = std::sqrt(sq / double(spec.size()));
  std::vector<SyncPeak> peaks;
  std::vector<float> values(spec.size());
  for (size_t i = 0; i < spec.size(); ++i) values[i] = spec[i].real();
  for (int k = 0; k < count; ++k) {
    size_t best = size_t(std::max_element(values.begin(), values.end()) - values.begin());
    SyncPeak p;
    p.du = int(best % n);
    p.dv = int(best / n);
    p.z = sd > 0 ? (values[best] - mean) / sd : 0.0;
    peaks.push_back(p);
    // Suppress the neighbourhood (one cell either side) before the next pick.
    for (int dy = -per_cell; dy <= per_cell; ++dy)
      for (int dx = -per_cell; dx <= per_cell; ++dx)
        values[size_t((p.dv + dy + n) % n) * n + size_t((p.du + dx + n) % n)] = -1e30f;
  }
  return peaks;
}

// Soft chip of every cell, given the tile origin in the accumulator.
std::array<float, kCellCount> read_cells(const Fold& fold, const SyncPeak& peak) {
  static const float kWeights[kSamplesPerCell] = {0.5f, 1.0f, 1.0f, 0.5f};
  std::array<float, kCellCount> cells{};
  const int n = kAccSide;
  for (int i = 0; i < kTileCells; ++i) {
    for (int j = 0; j < kTileCells; ++j) {
      float s = 0;
      for (int a = 0; a < kSamplesPerCell; ++a) {
        int v = (peak.dv + i * kSamplesPerCell + a) & (n - 1);
        for (int b = 0; b < kSamplesPerCell; ++b) {
          int u = (peak.du + j * kSamplesPerCell + b) & (n - 1);
          s += kWeights[a] * kWeights[b] * fold.tile[size_t(v) * n + u];
        }
      }
      cells[size_t(i) * kTileCells + j] = s;
    }
  }
  return cells;
}

RegionMap region_map(const WeightedResidual& wr, const Fold& fold, const SyncPeak& peak,
                     const std::array<int8_t, kCellCount>& chips, double period) {
  const Plane& r = wr.residual;
  RegionMap map;
  uint32_t side = uint32_t(std::max(16.0, std::round(period)));
  map.cell_width = side;
  map.cell_height = side;
  map.columns = (uint32_t(r.width) + side - 1) / side;
  map.rows = (uint32_t(r.height) + side - 1) / side;
  while (map.columns > 64 || map.rows > 64) {  // keep the grid drawable
    side *= 2;
    map.cell_width = map.cell_height = side;
    map.columns = (uint32_t(r.width) + side - 1) / side;
    map.rows = (uint32_t(r.height) + side - 1) / side;
  }
  std::vector<double> corr(size_t(map.columns) * map.rows, 0.0), energy(corr.size(), 0.0);
  std::vector<int> cell_col(r.width);
  for (int x = 0; x < r.width; ++x)
    cell_col[x] = ((fold.column_bin[x] - peak.du + kAccSide) & (kAccSide - 1)) / kSamplesPerCell;
  for (int y = 0; y < r.height; ++y) {
    int cell_row = ((fold.row_bin[y] - peak.dv + kAccSide) & (kAccSide - 1)) / kSamplesPerCell;
    const int8_t* chip_row = chips.data() + size_t(cell_row) * kTileCells;
    const float* in = r.row(y);
    size_t base = size_t(y / side) * map.columns;
    for (int x = 0; x < r.width; ++x) {
      size_t k = base + size_t(x) / side;
      corr[k] += in[x] * chip_row[cell_col[x]];
      energy[k] += in[x] * in[x];
    }
  }
  map.scores.resize(corr.size());
  for (size_t k = 0; k < corr.size(); ++k)
    map.scores[k] = energy[k] > 0 ? float(corr[k] / std::sqrt(energy[k])) : 0.0f;
  return map;
}

}  // namespace

Result<ScreenDecodeReport> decode_screenmark(const Image& capture, std::string_view key,
                                       const ScreenDecodeOptions& options) {
  if (key.empty()) return InvalidArgument("screenmark: key is empty");
  if (key.size() > kMaxKeyBytes) return InvalidArgument("screenmark: key longer than 4096 bytes");
  if (capture.empty()) return InvalidArgument("screenmark: capture is empty");
  if (uint64_t(capture.width()) * capture.height() > options.max_pixels)
    return TooLarge("screenmark: capture exceeds the decoder's pixel limit");
  if (capture.byte_size() != size_t(capture.width()) * capture.height() * 4)
    return InvalidArgument("screenmark: capture pixel buffer is inconsistent");
  ScreenDecodeReport report;
  if (capture.width() < kMinSide || capture.height() < kMinSide) return report;
  double min_scale = std::clamp(options.min_scale, 0.3, 4.0);
  double max_scale = std::clamp(options.max_scale, min_scale, 4.0);

  const KeyMaterial material = derive_key_material(key);
  const TileLayout layout = make_tile_layout(material);
  // Spectrum of the sync template (sync cells +-1, data cells 0) sampled at
  // `side` bins per tile side.
  auto sync_template_spectrum = [&](int side) {
    const int per_cell = side / kTileCells;
    std::vector<Complex> spectrum(size_t(side) * side);
    for (int v = 0; v < side; ++v)
      for (int u = 0; u < side; ++u) {
        int cell = (v / per_cell) * kTileCells + u / per_cell;
        float t = layout.coded_index[cell] < 0 ? float(layout.sign[cell]) : 0.0f;
        spectrum[size_t(v) * side + u] = Complex(t, 0);
      }
    fft_2d(spectrum, side, side, false);
    return spectrum;
  };
  const std::vector<Complex> template_spectrum = sync_template_spectrum(kAccSide);

  // Luma pyramid (factors 1, 2, 4), reduced levels built on demand.
  Plane pyramid[3];
  pyramid[0] = luma_of(capture);
  auto level = [&](int index) -> const Plane& {
    for (int i = 1; i <= index; ++i)
      if (!pyramid[i].data) pyramid[i] = downsample(pyramid[i - 1], 2);
    return pyramid[index];
  };
  // Period search on a level whose short side still spans one 512 window.
  int search_level = 0;
  while (search_level < 2 && std::min(pyramid[0].width, pyramid[0].height) / (2 << search_level) >= kSpectrumSide)
    ++search_level;
  std::vector<PeriodCandidate> candidates =
      find_period_candidates(level(search_level), 1 << search_level, min_scale, max_scale, 4);

  // One decode attempt (soft chips -> Viterbi -> keyed tag) at a tile
  // origin; fills the report and returns true when the tag verifies.
  auto attempt = [&](const WeightedResidual& residual, const Fold& fold, const SyncPeak& peak, double tx,
                     double ty, int factor) {
    if (report.attempts >= kMaxDecodeAttempts) return false;
    report.sync_score = std::max(report.sync_score, peak.z);
    auto cells = read_cells(fold, peak);
    std::array<float, kCodedBits> soft{};
    for (int c = 0; c < kCellCount; ++c) {
      int k = layout.coded_index[c];
      if (k >= 0) soft[k] += cells[c] * layout.sign[c];
    }
    ++report.attempts;
    PayloadDecode decoded = decode_payload(soft, material);
    if (!decoded.tag_ok) return false;
    auto chips = tile_chips(layout, decoded.reencoded);
    double dot = 0, energy = 0;
    for (int c = 0; c < kCellCount; ++c) {
      dot += cells[c] * chips[c];
      energy += double(cells[c]) * cells[c];
    }
    report.found = true;
    report.payload = decoded.payload;
    report.confidence = energy > 0 ? std::clamp(dot / std::sqrt(energy * kCellCount), 0.0, 1.0) : 0.0;
    report.period_x = tx * factor;
    report.period_y = ty * factor;
    report.scale = 0.5 * (report.period_x + report.period_y) / kTileCssPx;
    report.origin_x = peak.du * report.period_x / kAccSide;
    report.origin_y = peak.dv * report.period_y / kAccSide;
    report.map = region_map(residual, fold, peak, chips, std::max(tx, ty));
    report.map.cell_width *= uint32_t(factor);
    report.map.cell_height *= uint32_t(factor);
    return true;
  };

  // Folding runs on the coarsest level where a cell still spans >= 4.5 px;
  // residuals are cached per level (box radius ~ one cell, set by the first
  // candidate using that level; a mismatch only costs a little signal).
  WeightedResidual residuals[3];
  for (const PeriodCandidate& cand : candidates) {
    if (report.attempts >= kMaxDecodeAttempts) break;
    const double scale = 0.5 * (cand.tx + cand.ty) / kTileCssPx;
    int fold_level = 0;
    while (fold_level < 2 && kCellCssPx * scale / (2 << fold_level) >= 4.5 &&
           uint32_t(std::min(pyramid[0].width, pyramid[0].height) / (2 << fold_level)) >= kMinSide)
      ++fold_level;
    const int factor = 1 << fold_level;
    WeightedResidual& residual = residuals[fold_level];
    if (residual.radius < 0) {
      int radius = std::clamp(int(std::lround(kCellCssPx * scale / factor)), 2, 24);
      compute_weighted_residual(level(fold_level), radius, residual);
    }
    const double tx = cand.tx / factor, ty = cand.ty / factor;
    Fold fold = fold_residual(residual, tx, ty);
    double best_z = 0;
    for (const SyncPeak& peak : sync_peaks(fold, template_spectrum, 2)) {
      best_z = std::max(best_z, peak.z);
      if (attempt(residual, fold, peak, tx, ty, factor)) return report;
    }
    // Clearly synchronised but unreadable: the period estimate may be a
    // little off (the fold smears towards the edges); try it +-0.3%.
    if (best_z >= kRefineSyncZ) {
      for (double f : {0.997, 1.003}) {
        Fold refined = fold_residual(residual, tx * f, ty * f);
        SyncPeak peak = sync_peaks(refined, template_spectrum, 1).front();
        if (attempt(residual, refined, peak, tx * f, ty * f, factor)) return report;
      }
    }
  }

  // Small captures (crops spanning under ~2 tile periods) and enlarged ones
  // with a short side under 1024 px defeat the lattice search: sweep the
  // scales it could not see instead, ranking them by sync z-score, then
  // refine and decode the best few (attempts stay within kMaxDecodeAttempts).
  if (std::min(capture.width(), capture.height()) > kSweepMaxShortSide ||
      uint64_t(capture.width()) * capture.height() > kSweepMaxPixels)
    return report;
  const Plane& full = pyramid[0];
  std::vector<WeightedResidual> sweep_residuals;
  auto residual_for = [&](double scale) -> const WeightedResidual& {
    // Three box radii cover the sweep (a ~2x radius mismatch costs little).
    const int radius = scale < 0.75 ? 3 : scale < 1.5 ? 6 : 11;
    for (auto& r : sweep_residuals)
      if (r.radius == radius) return r;
    sweep_residuals.emplace_back();
    compute_weighted_residual(full, radius, sweep_residuals.back());
    return sweep_residuals.back();
  };
  struct Hypothesis {
    double scale;
    SyncPeak peak;
  };
  // The sweep ranks scales on a coarse 64 x 64 fold (2 bins per cell, 4x
  // cheaper); refinement and decoding use the full 128 x 128 fold.
  constexpr int kSweepSide = kAccSide / 2;
  const std::vector<Complex> coarse_template = sync_template_spectrum(kSweepSide);
  auto best_peak_at = [&](double scale, bool coarse) {
    const double t = kTileCssPx * scale;
    Fold fold = fold_residual(residual_for(scale), t, t, coarse ? kSweepSide : kAccSide);
    return Hypothesis{scale, sync_peaks(fold, coarse ? coarse_template : template_spectrum, 1).front()};
  };
  // Only scales whose period the lattice search could not see need sweeping:
  // it needs ~2.4 periods inside its (<= 512 px) window.
  const int window = std::min(kSpectrumSide, std::min(full.width, full.height));
  const double sweep_min = std::max(min_scale, window / (2.4 * kTileCssPx));
  std::vector<Hypothesis> sweep;
  for (double scale = sweep_min; scale <= max_scale * 1.0001; scale *= 1.012)
    sweep.push_back(best_peak_at(scale, true));
  std::sort(sweep.begin(), sweep.end(), [](const Hypothesis& a, const Hypothesis& b) { return a.peak.z > b.peak.z; });
  std::vector<double> tried;
  for (const Hypothesis& h : sweep) {
    if (report.attempts >= kMaxDecodeAttempts || tried.size() >= kSweepDecodes) break;
    bool near = false;
    for (double t : tried) near |= std::fabs(h.scale / t - 1.0) < 0.03;
    if (near) continue;
    tried.push_back(h.scale);
    Hypothesis best = best_peak_at(h.scale, false);
    for (double f : {0.995, 1.005}) {
      Hypothesis r = best_peak_at(h.scale * f, false);
      if (r.peak.z > best.peak.z) best = r;
    }
    const double t = kTileCssPx * best.scale;
    const WeightedResidual& residual = residual_for(best.scale);
    Fold fold = fold_residual(residual, t, t);
    if (attempt(residual, fold, best.peak, t, t, 1)) return report;
  }
  return report;
}

}  // namespace filigrane::screenmark
