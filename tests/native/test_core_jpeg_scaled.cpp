// Reduced-size JPEG decoding (core/jpeg_scaled.h), checked against stb_image:
// each output pixel must match the full stb decode averaged over the d x d
// block it covers. Test JPEGs come from encode_jpeg (stb: 4:2:0 at quality
// <= 90, 4:4:4 above), from a small baseline encoder below (any sampling
// factors, restart intervals, 16-bit quantisation tables, fill bytes, grey),
// and from ../shared photos (skipped when absent).
#include <doctest/doctest.h>
#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/codec.h"
#include "core/jpeg_scaled.h"
#include "core/resize.h"
#include "tests/native/test_support.h"

using namespace filigrane;
using filigrane::test::corpus_files;
using filigrane::test::corpus_path;
using filigrane::test::load;

namespace {

// ---------------------------------------------------------------------------
// Comparison with stb_image

struct Diff {
  double mean = 0;       // mean |ours - reference| over R, G, B where the block lies inside
  double p999 = 0;       // 99.9th percentile of the same
  double max_inner = 0;  // largest where the d x d block lies inside the image
  double max = 0;        // largest anywhere: an edge block that the image only partly
                         // covers also averages the encoder's padding (as in libjpeg)
};

// stb's full decode (decode_image without min_side), averaged over each d x d
// block (edge blocks over the pixels that exist), compared with `ours`.
// Statistics but `max` cover only blocks wholly inside the image.
Diff compare_to_box_average(const Image& ours, const Image& full, int d) {
  Diff diff;
  std::vector<float> errors;
  errors.reserve(static_cast<size_t>(ours.width()) * ours.height() * 3);
  double sum = 0;
  const uint32_t w = full.width(), h = full.height();
  bool opaque = true;
  for (uint32_t y = 0; y < ours.height(); ++y) {
    for (uint32_t x = 0; x < ours.width(); ++x) {
      const bool inner = (x + 1) * d <= w && (y + 1) * d <= h;
      for (int c = 0; c < 3; ++c) {
        double s = 0;
        int count = 0;
        for (uint32_t yy = y * d; yy < std::min<uint32_t>(h, (y + 1) * d); ++yy) {
          for (uint32_t xx = x * d; xx < std::min<uint32_t>(w, (x + 1) * d); ++xx, ++count) s += full.pixel(xx, yy)[c];
        }
        const double e = std::fabs(s / count - ours.pixel(x, y)[c]);
        diff.max = std::max(diff.max, e);
        if (!inner) continue;
        sum += e;
        errors.push_back(static_cast<float>(e));
        diff.max_inner = std::max(diff.max_inner, e);
      }
      opaque = opaque && ours.pixel(x, y)[3] == 255;
    }
  }
  CHECK(opaque);
  if (errors.empty()) return diff;  // no whole block: nothing to hold against stb
  diff.mean = sum / static_cast<double>(errors.size());
  const size_t k = errors.size() * 999 / 1000;
  std::nth_element(errors.begin(), errors.begin() + static_cast<std::ptrdiff_t>(k), errors.end());
  diff.p999 = errors[k];
  return diff;
}

Image stb_full(const std::vector<uint8_t>& jpeg) {
  Result<DecodedImage> r = decode_image(jpeg.data(), jpeg.size());
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  REQUIRE(r.value().scale_denom == 1);
  return std::move(r).value().image;
}

uint32_t ceil_div(uint32_t a, int d) { return (a + d - 1) / d; }

// What a test JPEG must meet, per denominator, against stb averaged.
// - mean: includes rounding our output to integers (~0.25 by itself).
// - p999 and max: per-pixel clamping makes "average of clamped pixels" differ
//   from "clamped average" where ringing or the colour conversion leaves
//   0..255 (dark and saturated edges); and stb upsamples subsampled chroma
//   with a triangle filter before we average, while we reconstruct chroma at
//   the output size (a box): they differ by ~1/8 of a chroma step per axis at
//   sharp colour edges, which photos have and the synthetic picture avoids.
// - 1/1 with subsampled chroma replicates chroma (nearest) where stb filters:
//   not a path decode_image takes, only loosely bounded.
// - pictures under 16 px: stb's chroma filter at the borders weighs on every
//   pixel; only loosely bounded.
struct Bounds {
  double mean, p999, max_inner;
};
Bounds bounds_for(int d, bool subsampled, bool photo, uint32_t min_side) {
  if (!subsampled) return photo ? Bounds{1.0, 4.0, 12.0} : Bounds{1.0, 3.0, 4.0};
  if (d == 1) return {2.0, 32.0, 1e9};
  if (photo) return {1.0, 16.0, 64.0};
  return {min_side >= 16 ? 1.0 : 2.5, 10.0, 16.0};
}

// Worst figures seen, per denominator (index 0..3 for 1, 2, 4, 8).
struct Worst {
  Diff d[4];
  int images = 0;
  void add(int i, const Diff& x) {
    d[i].mean = std::max(d[i].mean, x.mean);
    d[i].p999 = std::max(d[i].p999, x.p999);
    d[i].max_inner = std::max(d[i].max_inner, x.max_inner);
    d[i].max = std::max(d[i].max, x.max);
  }
  void report(const std::string& what) const {
    for (int i = 0; i < 4; ++i) {
      MESSAGE(what << " 1/" << (1 << i) << " (" << images << " images): worst mean " << d[i].mean << ", p99.9 "
                   << d[i].p999 << ", max " << d[i].max_inner << ", max with partial edge blocks " << d[i].max);
    }
  }
};

// Decodes `jpeg` at every denominator and checks it against stb.
void check_against_stb(const std::vector<uint8_t>& jpeg, bool subsampled, bool photo, const std::string& what,
                       Worst* worst = nullptr) {
  const Image full = stb_full(jpeg);
  if (worst) ++worst->images;
  for (int i = 0; i < 4; ++i) {
    const int d = 1 << i;
    CAPTURE(what);
    CAPTURE(d);
    Result<Image> r = decode_jpeg_scaled(jpeg.data(), jpeg.size(), d);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    const Image& ours = r.value();
    REQUIRE(ours.width() == ceil_div(full.width(), d));
    REQUIRE(ours.height() == ceil_div(full.height(), d));
    const Diff diff = compare_to_box_average(ours, full, d);
    const Bounds b = bounds_for(d, subsampled, photo, std::min(full.width(), full.height()));
    CAPTURE(diff.mean);
    CAPTURE(diff.p999);
    CAPTURE(diff.max_inner);
    CHECK(diff.mean < b.mean);
    CHECK(diff.p999 <= b.p999);
    CHECK(diff.max_inner <= b.max_inner);
    if (worst) worst->add(i, diff);
  }
}

// A test picture with sharp luma detail (a fine checkerboard and noise added
// equally to R, G and B) over smooth colour (gradients and a disc with a soft
// 6-px rim), within 2..248 so that clamping rarely comes into play. Colour
// stays smooth because stb upsamples subsampled chroma with a triangle
// filter, which no box average reproduces at sharp colour edges; luma detail
// must come out exactly.
Image synthetic(uint32_t w, uint32_t h, uint32_t seed = 1) {
  Image img = Image::create(w, h).value();
  uint32_t state = seed * 2654435761u + 1;
  // Colour changes no faster than over ~64 px, even in small pictures.
  const double radius = std::min(w, h) >= 32 ? std::min(w, h) / 3.0 : 0.0;
  const double ax = 190.0 * std::min(1.0, w / 64.0), ay = 190.0 * std::min(1.0, h / 64.0);
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      state = state * 1664525u + 1013904223u;
      const int noise = static_cast<int>(state >> 28) - 8;
      double r = 30 + ax * x / std::max(1u, w - 1), g = 30 + ay * y / std::max(1u, h - 1);
      double b = 30 + (ax + ay) / 2 * (x + y) / std::max(1u, w + h - 2);
      const double dist = std::hypot(x - w / 2.0, y - h / 2.0);
      const double t = std::clamp((radius - dist) / 6.0 + 0.5, 0.0, 1.0);  // inside the disc: 1
      r = r * (1 - t) + 200 * t, g = g * (1 - t) + 60 * t, b = b * (1 - t) + 70 * t;
      const int luma = noise + (((x / 5) + (y / 5)) % 2 ? 20 : -20);
      uint8_t* p = img.pixel(x, y);
      p[0] = static_cast<uint8_t>(std::lround(r) + luma);
      p[1] = static_cast<uint8_t>(std::lround(g) + luma);
      p[2] = static_cast<uint8_t>(std::lround(b) + luma);
      p[3] = 255;
    }
  }
  return img;
}

// ---------------------------------------------------------------------------
// A small baseline JPEG encoder for the variants encode_jpeg cannot write.

struct EncodeSpec {
  int components = 3;          // 1 (grey) or 3 (YCbCr)
  int h[3] = {2, 1, 1};        // sampling factors
  int v[3] = {2, 1, 1};
  int restart_interval = 0;    // MCUs per restart interval; 0: none
  bool quant16 = false;        // 16-bit DQT with steps above 255
  bool separate_segments = false;  // one DQT/DHT segment per table
  bool fill_bytes = false;     // 0xFF fill bytes before markers
  int quant_step = 2;          // q[r][c] = 1 + quant_step * (r + c)
};

constexpr uint8_t kZigzagOrder[64] = {0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,
                                      12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28,
                                      35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
                                      58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

// A canonical Huffman table: counts per length and symbols, plus the codes.
struct Huffman {
  uint8_t counts[16] = {};
  std::vector<uint8_t> symbols;
  uint16_t code[256] = {};
  uint8_t length[256] = {};
  // Symbols in order of preference get lengths from `lengths` (one per symbol).
  Huffman(const std::vector<uint8_t>& ordered, const std::vector<int>& lengths) : symbols(ordered) {
    for (int len : lengths) counts[len - 1]++;
    uint32_t c = 0;
    size_t k = 0;
    for (int len = 1; len <= 16; ++len) {
      for (int i = 0; i < counts[len - 1]; ++i, ++k, ++c) {
        code[symbols[k]] = static_cast<uint16_t>(c);
        length[symbols[k]] = static_cast<uint8_t>(len);
      }
      c <<= 1;
    }
  }
};

// Code lengths spread from 2 to 14 bits so that the decoder's lookahead
// table, its combined AC table and its slow path all get used.
std::vector<int> spread_lengths(size_t n, const std::vector<std::pair<int, int>>& groups) {
  std::vector<int> out;
  for (const auto& [count, len] : groups) {
    for (int i = 0; i < count && out.size() < n; ++i) out.push_back(len);
  }
  return out;
}

Huffman dc_table(bool alternate) {
  std::vector<uint8_t> order = alternate ? std::vector<uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
                                         : std::vector<uint8_t>{2, 3, 4, 1, 5, 6, 0, 7, 8, 9, 10, 11};
  return Huffman(order, spread_lengths(12, {{3, 3}, {4, 4}, {5, 6}}));
}

Huffman ac_table(bool alternate) {
  std::vector<uint8_t> order;
  order.push_back(0x00);  // EOB
  for (int key = 0; key < 64; ++key) {
    for (int r = 0; r < 16; ++r) {
      for (int s = 1; s <= 10; ++s) {
        if ((alternate ? r + s : r * 2 + s) == key) order.push_back(static_cast<uint8_t>(r << 4 | s));
      }
    }
  }
  order.push_back(0xF0);  // ZRL
  REQUIRE(order.size() == 162);
  return Huffman(order, spread_lengths(162, {{2, 2}, {4, 4}, {8, 6}, {16, 8}, {32, 11}, {100, 14}}));
}

class BitWriter {
 public:
  explicit BitWriter(std::vector<uint8_t>& out) : out_(out) {}
  void put(uint32_t bits, int n) {
    for (int i = n - 1; i >= 0; --i) {
      acc_ = static_cast<uint8_t>(acc_ << 1 | ((bits >> i) & 1));
      if (++count_ == 8) emit();
    }
  }
  void flush() {  // pad with ones
    while (count_ != 0) put(1, 1);
  }

 private:
  void emit() {
    out_.push_back(acc_);
    if (acc_ == 0xFF) out_.push_back(0x00);  // byte stuffing
    acc_ = 0;
    count_ = 0;
  }
  std::vector<uint8_t>& out_;
  uint8_t acc_ = 0;
  int count_ = 0;
};

int magnitude_size(int v) {
  int a = std::abs(v), s = 0;
  while (a) ++s, a >>= 1;
  return s;
}

void put_value(BitWriter& bw, int v, int size) {
  if (size == 0) return;
  bw.put(static_cast<uint32_t>(v < 0 ? v + (1 << size) - 1 : v), size);
}

void put_u16(std::vector<uint8_t>& out, int v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void marker(std::vector<uint8_t>& out, uint8_t m, bool fill) {
  out.push_back(0xFF);
  if (fill) out.insert(out.end(), {0xFF, 0xFF});
  out.push_back(m);
}

std::vector<uint8_t> encode_baseline(const Image& img, const EncodeSpec& spec) {
  const int nc = spec.components;
  const int w = static_cast<int>(img.width()), h = static_cast<int>(img.height());
  int hmax = 1, vmax = 1;
  for (int i = 0; i < nc; ++i) hmax = std::max(hmax, spec.h[i]), vmax = std::max(vmax, spec.v[i]);
  if (nc == 1) hmax = vmax = 1;
  // Full-resolution planes, then each component averaged down to its sampling.
  std::vector<std::vector<float>> full(nc, std::vector<float>(static_cast<size_t>(w) * h));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = img.pixel(x, y);
      const float r = p[0], g = p[1], b = p[2];
      const size_t i = static_cast<size_t>(y) * w + x;
      full[0][i] = 0.299f * r + 0.587f * g + 0.114f * b;
      if (nc == 3) {
        full[1][i] = -0.168736f * r - 0.331264f * g + 0.5f * b + 128;
        full[2][i] = 0.5f * r - 0.418688f * g - 0.081312f * b + 128;
      }
    }
  }
  const int mcus_x = (w + 8 * hmax - 1) / (8 * hmax), mcus_y = (h + 8 * vmax - 1) / (8 * vmax);
  std::vector<std::vector<float>> plane(nc);
  std::vector<int> pw(nc), ph(nc);
  for (int i = 0; i < nc; ++i) {
    const int ch = nc == 1 ? 1 : spec.h[i], cv = nc == 1 ? 1 : spec.v[i];
    const int rh = hmax / ch, rv = vmax / cv;
    const int cw = (w * ch + hmax - 1) / hmax, chh = (h * cv + vmax - 1) / vmax;
    pw[i] = cw;
    ph[i] = chh;
    plane[i].resize(static_cast<size_t>(cw) * chh);
    for (int y = 0; y < chh; ++y) {
      for (int x = 0; x < cw; ++x) {
        float s = 0;
        int n = 0;
        for (int yy = y * rv; yy < std::min(h, (y + 1) * rv); ++yy) {
          for (int xx = x * rh; xx < std::min(w, (x + 1) * rh); ++xx, ++n) s += full[i][static_cast<size_t>(yy) * w + xx];
        }
        plane[i][static_cast<size_t>(y) * cw + x] = s / n;
      }
    }
  }
  // Quantisation tables (natural order); table 1 for chroma.
  int quant[2][64];
  for (int t = 0; t < 2; ++t) {
    for (int r = 0; r < 8; ++r) {
      for (int c = 0; c < 8; ++c) {
        int q = 1 + spec.quant_step * (r + c) + t;
        if (spec.quant16 && r + c >= 6) q += 300;
        quant[t][r * 8 + c] = q;
      }
    }
  }
  const Huffman dc[2] = {dc_table(false), dc_table(true)};
  const Huffman ac[2] = {ac_table(false), ac_table(true)};

  std::vector<uint8_t> out = {0xFF, 0xD8};
  // Quantisation tables.
  const int tables = nc == 1 ? 1 : 2;
  const int qbytes = spec.quant16 ? 128 : 64;
  for (int t = 0; t < tables; ++t) {
    if (t == 0 || spec.separate_segments) {
      marker(out, 0xDB, spec.fill_bytes);
      put_u16(out, 2 + (spec.separate_segments ? 1 : tables) * (1 + qbytes));
    }
    out.push_back(static_cast<uint8_t>((spec.quant16 ? 0x10 : 0) | t));
    for (int k = 0; k < 64; ++k) {
      const int q = quant[t][kZigzagOrder[k]];
      if (spec.quant16) put_u16(out, q);
      else out.push_back(static_cast<uint8_t>(q));
    }
  }
  // Frame header.
  marker(out, 0xC0, spec.fill_bytes);
  put_u16(out, 8 + 3 * nc);
  out.push_back(8);
  put_u16(out, h);
  put_u16(out, w);
  out.push_back(static_cast<uint8_t>(nc));
  for (int i = 0; i < nc; ++i) {
    out.push_back(static_cast<uint8_t>(i + 1));
    out.push_back(static_cast<uint8_t>(spec.h[i] << 4 | spec.v[i]));
    out.push_back(static_cast<uint8_t>(i == 0 ? 0 : 1));
  }
  // Huffman tables.
  auto table_bytes = [](const Huffman& t) { return 17 + static_cast<int>(t.symbols.size()); };
  std::vector<std::pair<int, const Huffman*>> huff;  // (class << 4 | id, table)
  for (int t = 0; t < tables; ++t) huff.push_back({t, &dc[t]}), huff.push_back({0x10 | t, &ac[t]});
  int all = 0;
  for (auto& [id, t] : huff) all += table_bytes(*t);
  for (size_t i = 0; i < huff.size(); ++i) {
    if (i == 0 || spec.separate_segments) {
      marker(out, 0xC4, spec.fill_bytes);
      put_u16(out, 2 + (spec.separate_segments ? table_bytes(*huff[i].second) : all));
    }
    out.push_back(static_cast<uint8_t>(huff[i].first));
    out.insert(out.end(), huff[i].second->counts, huff[i].second->counts + 16);
    out.insert(out.end(), huff[i].second->symbols.begin(), huff[i].second->symbols.end());
  }
  if (spec.restart_interval > 0) {
    marker(out, 0xDD, spec.fill_bytes);
    put_u16(out, 4);
    put_u16(out, spec.restart_interval);
  }
  // Scan header.
  marker(out, 0xDA, spec.fill_bytes);
  put_u16(out, 6 + 2 * nc);
  out.push_back(static_cast<uint8_t>(nc));
  for (int i = 0; i < nc; ++i) {
    out.push_back(static_cast<uint8_t>(i + 1));
    out.push_back(static_cast<uint8_t>(i == 0 ? 0x00 : 0x11));
  }
  out.insert(out.end(), {0, 63, 0});

  // Entropy-coded data.
  const double pi = std::acos(-1.0);
  BitWriter bw(out);
  int pred[3] = {0, 0, 0};
  auto encode_block = [&](int i, int bx, int by) {
    double f[8][8], F[8][8];
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) {  // edge samples repeat beyond the plane
        const int sx = std::min(bx * 8 + x, pw[i] - 1), sy = std::min(by * 8 + y, ph[i] - 1);
        f[y][x] = plane[i][static_cast<size_t>(sy) * pw[i] + sx] - 128.0;
      }
    }
    for (int v = 0; v < 8; ++v) {
      for (int u = 0; u < 8; ++u) {
        double s = 0;
        for (int y = 0; y < 8; ++y) {
          for (int x = 0; x < 8; ++x) s += f[y][x] * std::cos((2 * x + 1) * u * pi / 16) * std::cos((2 * y + 1) * v * pi / 16);
        }
        F[v][u] = 0.25 * (u ? 1 : std::sqrt(0.5)) * (v ? 1 : std::sqrt(0.5)) * s;
      }
    }
    const int t = i == 0 ? 0 : 1;
    int q[64];
    for (int k = 0; k < 64; ++k) {
      const int z = kZigzagOrder[k];
      q[k] = static_cast<int>(std::lround(F[z / 8][z % 8] / quant[t][z]));
    }
    const int diff = q[0] - pred[i];
    pred[i] = q[0];
    const int ds = magnitude_size(diff);
    bw.put(dc[t].code[ds], dc[t].length[ds]);
    put_value(bw, diff, ds);
    int run = 0;
    for (int k = 1; k < 64; ++k) {
      if (q[k] == 0) {
        ++run;
        continue;
      }
      while (run > 15) {
        bw.put(ac[t].code[0xF0], ac[t].length[0xF0]);
        run -= 16;
      }
      const int s = magnitude_size(q[k]);
      REQUIRE(s <= 10);
      const int rs = run << 4 | s;
      bw.put(ac[t].code[rs], ac[t].length[rs]);
      put_value(bw, q[k], s);
      run = 0;
    }
    if (run > 0) bw.put(ac[t].code[0], ac[t].length[0]);
  };
  int restart_count = 0;
  int mcu = 0;
  const int total_mcus = nc == 1 ? ((w + 7) / 8) * ((h + 7) / 8) : mcus_x * mcus_y;
  const int grey_blocks_x = (w + 7) / 8;
  for (int m = 0; m < total_mcus; ++m, ++mcu) {
    if (spec.restart_interval > 0 && mcu > 0 && mcu % spec.restart_interval == 0) {
      bw.flush();
      marker(out, static_cast<uint8_t>(0xD0 + (restart_count++ & 7)), spec.fill_bytes);
      pred[0] = pred[1] = pred[2] = 0;
    }
    if (nc == 1) {
      encode_block(0, m % grey_blocks_x, m / grey_blocks_x);
      continue;
    }
    const int mx = m % mcus_x, my = m / mcus_x;
    for (int i = 0; i < nc; ++i) {
      for (int by = 0; by < spec.v[i]; ++by) {
        for (int bx = 0; bx < spec.h[i]; ++bx) encode_block(i, mx * spec.h[i] + bx, my * spec.v[i] + by);
      }
    }
  }
  bw.flush();
  marker(out, 0xD9, spec.fill_bytes);
  return out;
}

std::vector<std::string> files_in(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(dir + "/" + name);
    }
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// Offset of the first marker `m` (0xFF m) after the SOI, or 0.
size_t find_marker(const std::vector<uint8_t>& jpeg, uint8_t m) {
  for (size_t i = 2; i + 1 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == m) return i;
  }
  return 0;
}

}  // namespace

TEST_CASE("jpeg_scaled: denominator choice keeps both sides >= min_side") {
  CHECK(jpeg_scale_denom_for(4000, 3000, 0) == 1);
  CHECK(jpeg_scale_denom_for(4000, 3000, 375) == 8);
  CHECK(jpeg_scale_denom_for(4000, 3000, 376) == 4);
  CHECK(jpeg_scale_denom_for(4000, 3000, 750) == 4);
  CHECK(jpeg_scale_denom_for(4000, 3000, 1500) == 2);
  CHECK(jpeg_scale_denom_for(4000, 3000, 1501) == 1);
  CHECK(jpeg_scale_denom_for(3000, 4000, 1500) == 2);  // the shorter side decides either way
  CHECK(jpeg_scale_denom_for(100, 100, 13) == 8);      // ceil(100 / 8) = 13
  CHECK(jpeg_scale_denom_for(100, 100, 14) == 4);
  CHECK(jpeg_scale_denom_for(1, 1, 1) == 8);
  CHECK(jpeg_scale_denom_for(65535, 65535, 0xFFFFFFFFu) == 1);
}

TEST_CASE("jpeg_scaled: argument checks and limits") {
  const std::vector<uint8_t> jpeg = encode_jpeg(synthetic(64, 48), 90).value();
  CHECK(decode_jpeg_scaled(nullptr, 10, 2).status().code() == StatusCode::kInvalidArgument);
  CHECK(decode_jpeg_scaled(jpeg.data(), 0, 2).status().code() == StatusCode::kInvalidArgument);
  for (int bad : {0, 3, 16, -2}) CHECK(decode_jpeg_scaled(jpeg.data(), jpeg.size(), bad).status().code() == StatusCode::kInvalidArgument);
  // Limits apply to the full stored size, as read_image_header() checks them.
  ImageLimits limits;
  limits.max_pixels = 64 * 48 - 1;
  CHECK(decode_jpeg_scaled(jpeg.data(), jpeg.size(), 8, limits).status().code() == StatusCode::kTooLarge);
  limits.max_pixels = 64 * 48;
  CHECK(decode_jpeg_scaled(jpeg.data(), jpeg.size(), 8, limits).ok());
  const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0};
  CHECK(decode_jpeg_scaled(png, sizeof(png), 2).status().code() == StatusCode::kCorruptData);
}

TEST_CASE("jpeg_scaled: encode_jpeg output matches stb averaged, odd sizes, 4:2:0 and 4:4:4") {
  const uint32_t sizes[][2] = {{1, 1}, {7, 5}, {8, 8}, {16, 16}, {17, 9}, {33, 65}, {257, 131}, {640, 480}};
  Worst worst420, worst444;
  for (const auto& s : sizes) {
    const Image img = synthetic(s[0], s[1], s[0] * 31 + s[1]);
    for (int quality : {75, 90, 95}) {  // 4:2:0, 4:2:0, 4:4:4
      const std::vector<uint8_t> jpeg = encode_jpeg(img, quality).value();
      check_against_stb(jpeg, quality <= 90, false,
                        std::to_string(s[0]) + "x" + std::to_string(s[1]) + " q" + std::to_string(quality),
                        quality <= 90 ? &worst420 : &worst444);
    }
  }
  worst420.report("encode_jpeg 4:2:0");
  worst444.report("encode_jpeg 4:4:4");
}

TEST_CASE("jpeg_scaled: sampling factors, restart intervals, 16-bit tables, fill bytes, grey") {
  struct Case {
    const char* name;
    EncodeSpec spec;
    bool subsampled;
  };
  std::vector<Case> cases;
  auto sampling = [](int h0, int v0, int h1 = 1, int v1 = 1) {
    EncodeSpec s;
    s.h[0] = h0, s.v[0] = v0, s.h[1] = s.h[2] = h1, s.v[1] = s.v[2] = v1;
    return s;
  };
  cases.push_back({"4:4:4", sampling(1, 1), false});
  cases.push_back({"4:2:2", sampling(2, 1), true});
  cases.push_back({"4:4:0", sampling(1, 2), true});
  cases.push_back({"4:2:0", sampling(2, 2), true});
  cases.push_back({"4:1:1 (4x1)", sampling(4, 1), true});
  cases.push_back({"luma 4x2, chroma 1x1", sampling(4, 2), true});
  cases.push_back({"luma 2x2, chroma 2x1", sampling(2, 2, 2, 1), true});
  {
    EncodeSpec s = sampling(2, 2);
    s.restart_interval = 1;
    cases.push_back({"4:2:0 restart every MCU", s, true});
    s.restart_interval = 7;
    s.fill_bytes = true;
    cases.push_back({"4:2:0 restart every 7 MCUs, fill bytes", s, true});
  }
  {
    EncodeSpec s = sampling(1, 1);
    s.quant16 = true;
    s.separate_segments = true;
    cases.push_back({"4:4:4 16-bit quant tables, one segment per table", s, false});
  }
  {
    EncodeSpec s = sampling(2, 1);
    s.quant_step = 0;  // every step 1 (2 for chroma): large coefficients, long codes
    s.restart_interval = 3;
    cases.push_back({"4:2:2 fine quantisation, restart 3", s, true});
  }
  {
    EncodeSpec s;
    s.components = 1;
    s.h[0] = s.v[0] = 1;
    cases.push_back({"grey", s, false});
    s.restart_interval = 5;
    s.h[0] = s.v[0] = 2;  // declared factors of a lone component do not matter
    cases.push_back({"grey restart 5, declared 2x2", s, false});
  }
  const uint32_t sizes[][2] = {{203, 117}, {64, 64}, {9, 31}};
  Worst sub, full;
  for (const Case& c : cases) {
    for (const auto& sz : sizes) {
      const std::vector<uint8_t> jpeg = encode_baseline(synthetic(sz[0], sz[1], sz[0] + 7 * sz[1]), c.spec);
      if (c.spec.restart_interval > 0) CHECK(find_marker(jpeg, 0xDD) != 0);
      check_against_stb(jpeg, c.subsampled, false,
                        std::string(c.name) + " " + std::to_string(sz[0]) + "x" + std::to_string(sz[1]),
                        c.subsampled ? &sub : &full);
    }
  }
  sub.report("test encoder, subsampled chroma");
  full.report("test encoder, grey and 4:4:4");
}

TEST_CASE("jpeg_scaled: restart intervals of every length, with the reader stopping anywhere near the marker") {
  for (int interval = 1; interval <= 6; ++interval) {
    for (uint32_t w = 8; w <= 80; w += 9) {
      EncodeSpec s;
      s.restart_interval = interval;
      s.quant_step = static_cast<int>(w % 5);  // varies the amount of data per interval
      const Image img = synthetic(w, 24 + w % 7, w * interval);
      const std::vector<uint8_t> jpeg = encode_baseline(img, s);
      const Image full = stb_full(jpeg);
      for (int d : {2, 8}) {
        CAPTURE(interval);
        CAPTURE(w);
        CAPTURE(d);
        Result<Image> r = decode_jpeg_scaled(jpeg.data(), jpeg.size(), d);
        REQUIRE_MESSAGE(r.ok(), r.status().message());
        CHECK(compare_to_box_average(r.value(), full, d).mean < 1.0);
      }
    }
  }
}

TEST_CASE("jpeg_scaled: a lost restart marker or cut scan gives a clean result, never out of bounds") {
  EncodeSpec s;
  s.restart_interval = 2;
  const std::vector<uint8_t> jpeg = encode_baseline(synthetic(96, 80), s);
  // Overwrite the second RST marker: refused (stb_image fails on such files too).
  std::vector<uint8_t> lost = jpeg;
  size_t seen = 0;
  for (size_t i = find_marker(jpeg, 0xDA); i + 1 < lost.size(); ++i) {
    if (lost[i] == 0xFF && lost[i + 1] >= 0xD0 && lost[i + 1] <= 0xD7 && ++seen == 2) {
      lost[i] = 0x12;
      lost[i + 1] = 0x34;
      break;
    }
  }
  REQUIRE(seen == 2);
  for (int d : {2, 8}) {
    Result<Image> r = decode_jpeg_scaled(lost.data(), lost.size(), d);
    if (r.ok()) CHECK(r.value().width() == ceil_div(96, d));
    else CHECK_FALSE(r.status().message().empty());
  }
  // Scan cut in half, EOI appended: the missing data reads as zero bits.
  std::vector<uint8_t> cut(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 2));
  cut.insert(cut.end(), {0xFF, 0xD9});
  for (int d : {1, 2, 4, 8}) {
    Result<Image> r = decode_jpeg_scaled(cut.data(), cut.size(), d);
    if (r.ok()) CHECK(r.value().height() == ceil_div(80, d));
    else CHECK_FALSE(r.status().message().empty());
  }
}

TEST_CASE("jpeg_scaled: variants left to stb_image report kUnsupportedFormat") {
  const std::vector<uint8_t> jpeg = encode_jpeg(synthetic(48, 40), 90).value();
  // Adobe APP14 with transform 0: stb reads the three components as RGB.
  std::vector<uint8_t> adobe(jpeg.begin(), jpeg.begin() + 2);
  const uint8_t app14[] = {0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
  adobe.insert(adobe.end(), app14, app14 + sizeof(app14));
  adobe.insert(adobe.end(), jpeg.begin() + 2, jpeg.end());
  CHECK(decode_jpeg_scaled(adobe.data(), adobe.size(), 2).status().code() == StatusCode::kUnsupportedFormat);
  // ... and decode_image falls back to stb at full size.
  DecodeOptions options;
  options.min_side = 5;
  Result<DecodedImage> fallback = decode_image(adobe.data(), adobe.size(), options);
  REQUIRE_MESSAGE(fallback.ok(), fallback.status().message());
  CHECK(fallback.value().scale_denom == 1);
  CHECK(fallback.value().image.width() == 48);

  // Progressive (SOF2) and other coding processes: the marker alone decides.
  for (uint8_t sof : {0xC2, 0xC3, 0xC9, 0xCA}) {
    std::vector<uint8_t> other = jpeg;
    const size_t at = find_marker(other, 0xC0);
    REQUIRE(at != 0);
    other[at + 1] = sof;
    CAPTURE(int(sof));
    CHECK(decode_jpeg_scaled(other.data(), other.size(), 4).status().code() == StatusCode::kUnsupportedFormat);
  }
  // 12-bit precision.
  std::vector<uint8_t> twelve = jpeg;
  twelve[find_marker(twelve, 0xC0) + 4] = 12;
  CHECK(decode_jpeg_scaled(twelve.data(), twelve.size(), 4).status().code() == StatusCode::kUnsupportedFormat);
  // One scan per component.
  EncodeSpec s;
  std::vector<uint8_t> base = encode_baseline(synthetic(40, 24), s);
  const size_t sos = find_marker(base, 0xDA);
  base[sos + 4] = 1;  // Ns = 1 (header length is then wrong too: refused either way)
  CHECK_FALSE(decode_jpeg_scaled(base.data(), base.size(), 2).ok());
  // Sampling ratio 3 (luma 3x1).
  EncodeSpec three;
  three.h[0] = 3;
  three.v[0] = 1;
  const std::vector<uint8_t> three_jpeg = encode_baseline(synthetic(50, 20), three);
  CHECK(decode_jpeg_scaled(three_jpeg.data(), three_jpeg.size(), 2).status().code() == StatusCode::kUnsupportedFormat);
  Result<DecodedImage> three_full = decode_image(three_jpeg.data(), three_jpeg.size(), options);
  REQUIRE_MESSAGE(three_full.ok(), three_full.status().message());
  CHECK(three_full.value().scale_denom == 1);
}

TEST_CASE("jpeg_scaled: malformed tables are refused") {
  EncodeSpec s;
  s.separate_segments = true;
  const std::vector<uint8_t> jpeg = encode_baseline(synthetic(32, 32), s);
  const size_t dht = find_marker(jpeg, 0xC4);
  REQUIRE(dht != 0);
  SUBCASE("Huffman counts that overflow the code space") {
    std::vector<uint8_t> bad = jpeg;
    REQUIRE(bad[dht + 5 + 2] == 3);  // the DC table's three 3-bit codes...
    bad[dht + 5 + 2] = 0;
    bad[dht + 5] = 3;  // ... made 1-bit: three 1-bit codes cannot exist
    CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  }
  SUBCASE("Huffman table with more than 256 codes") {
    std::vector<uint8_t> bad = jpeg;
    for (int i = 0; i < 16; ++i) bad[dht + 5 + i] = 200;
    CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  }
  SUBCASE("Huffman table id out of range") {
    std::vector<uint8_t> bad = jpeg;
    bad[dht + 4] = 0x04;
    CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  }
  SUBCASE("quantisation table id out of range") {
    std::vector<uint8_t> bad = jpeg;
    bad[find_marker(jpeg, 0xDB) + 4] = 0x05;
    CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  }
  SUBCASE("component uses an undefined quantisation table") {
    std::vector<uint8_t> bad = jpeg;
    bad[find_marker(jpeg, 0xC0) + 12] = 3;  // first component's Tq
    CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  }
  SUBCASE("sampling factor 0 and 5, more than 10 blocks per MCU") {
    for (uint8_t hv : {0x01, 0x50, 0x44}) {
      std::vector<uint8_t> bad = jpeg;
      bad[find_marker(jpeg, 0xC0) + 11] = hv;
      CAPTURE(int(hv));
      CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
    }
  }
  SUBCASE("repeated component id") {
    std::vector<uint8_t> bad = jpeg;
    bad[find_marker(jpeg, 0xC0) + 13] = 1;  // second component's id = first's
    CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  }
  SUBCASE("segment length past the end") {
    std::vector<uint8_t> bad(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(dht + 10));
    CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  }
}

TEST_CASE("jpeg_scaled: a scan using an undefined Huffman table is refused with or without scaling") {
  // stb_image would decode it with uninitialised tables (found by fuzzing);
  // decode_image refuses such files before stb sees them.
  const std::vector<uint8_t> good = encode_baseline(synthetic(40, 24), EncodeSpec());
  std::vector<uint8_t> bad = good;  // its scan header: FF DA, length, Ns, then (id, tables) per component
  const size_t sos = find_marker(bad, 0xDA);
  REQUIRE(sos != 0);
  bad[sos + 6] = 0x22;  // first component: DC and AC table 2, never defined
  CHECK(decode_jpeg_scaled(bad.data(), bad.size(), 2).status().code() == StatusCode::kCorruptData);
  for (uint32_t min_side : {0u, 3u}) {
    DecodeOptions options;
    options.min_side = min_side;
    Result<DecodedImage> r = decode_image(bad.data(), bad.size(), options);
    CHECK(r.status().code() == StatusCode::kCorruptData);
    CHECK(r.status().message() == "JPEG scan uses an undefined Huffman table");
  }
  CHECK(decode_image(good.data(), good.size()).ok());
}

TEST_CASE("jpeg_scaled: every file of the malformed corpus gives a clean result") {
  for (const std::string& name : corpus_files("malformed")) {
    CAPTURE(name);
    const std::vector<uint8_t> bytes = load(corpus_path("malformed/" + name));
    if (bytes.empty()) continue;
    for (int d : {1, 2, 8}) {
      Result<Image> r = decode_jpeg_scaled(bytes.data(), bytes.size(), d);
      if (r.ok()) {
        CHECK(r.value().byte_size() == size_t(r.value().width()) * r.value().height() * 4);
      } else {
        CHECK_FALSE(r.status().message().empty());
      }
    }
    // Through decode_image, scaling must not change which files decode.
    DecodeOptions scaled;
    scaled.min_side = 1;
    const bool full_ok = decode_image(bytes.data(), bytes.size()).ok();
    const bool scaled_ok = decode_image(bytes.data(), bytes.size(), scaled).ok();
    CHECK(full_ok == scaled_ok);
  }
}

TEST_CASE("jpeg_scaled: random damage to valid files never crashes") {
  EncodeSpec s;
  s.restart_interval = 3;
  const std::vector<std::vector<uint8_t>> seeds = {encode_jpeg(synthetic(70, 50), 90).value(),
                                                   encode_baseline(synthetic(60, 44), s)};
  uint32_t state = 12345;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  int decoded = 0, refused = 0;
  for (const auto& seed : seeds) {
    for (int round = 0; round < 600; ++round) {
      std::vector<uint8_t> bytes = seed;
      const int edits = 1 + static_cast<int>(next() >> 29);
      for (int e = 0; e < edits; ++e) {
        const size_t at = next() % bytes.size();
        switch (next() >> 30) {
          case 0: bytes[at] ^= static_cast<uint8_t>(1u << (next() >> 29)); break;
          case 1: bytes[at] = static_cast<uint8_t>(next() >> 24); break;
          case 2: bytes.resize(std::max<size_t>(at, 3)); break;
          default: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), 0xFF); break;
        }
      }
      Result<Image> r = decode_jpeg_scaled(bytes.data(), bytes.size(), 1 << (next() >> 30));
      if (r.ok()) {
        ++decoded;
      } else {
        ++refused;
        CHECK_FALSE(r.status().message().empty());
      }
    }
  }
  MESSAGE(decoded << " damaged files decoded, " << refused << " refused");
}

TEST_CASE("jpeg_scaled: decode_image with min_side scales, reports it and applies orientation") {
  const std::vector<uint8_t> jpeg = encode_jpeg(synthetic(300, 200), 90).value();
  const Image full = stb_full(jpeg);
  struct Want {
    uint32_t min_side;
    int denom;
  };
  for (const Want& want : {Want{0, 1}, Want{25, 8}, Want{26, 4}, Want{50, 4}, Want{100, 2}, Want{101, 1}, Want{5000, 1}}) {
    CAPTURE(want.min_side);
    DecodeOptions options;
    options.min_side = want.min_side;
    Result<DecodedImage> r = decode_image(jpeg.data(), jpeg.size(), options);
    REQUIRE(r.ok());
    CHECK(r.value().scale_denom == want.denom);
    CHECK(r.value().header.stored_width == 300);  // the header keeps the file's size
    CHECK(r.value().image.width() == ceil_div(300, want.denom));
    CHECK(r.value().image.height() == ceil_div(200, want.denom));
    if (want.denom > 1) CHECK(compare_to_box_average(r.value().image, full, want.denom).mean < 1.0);
  }
  // oriented6.jpg: 64x32 stored, EXIF orientation 6 (shown 32 wide, 64 high).
  const std::vector<uint8_t> oriented = load(corpus_path("oriented6.jpg"));
  DecodeOptions options;
  options.min_side = 8;  // 1/4 gives 16x8 stored, 8x16 shown
  Result<DecodedImage> r = decode_image(oriented.data(), oriented.size(), options);
  REQUIRE(r.ok());
  CHECK(r.value().scale_denom == 4);
  CHECK(r.value().image.width() == 8);
  CHECK(r.value().image.height() == 16);
  Result<DecodedImage> upright = decode_image(oriented.data(), oriented.size());
  REQUIRE(upright.ok());
  CHECK(compare_to_box_average(r.value().image, upright.value().image, 4).mean < 1.0);
  // PNGs ignore min_side.
  const std::vector<uint8_t> png = load(corpus_path("gradient.png"));
  Result<DecodedImage> p = decode_image(png.data(), png.size(), options);
  REQUIRE(p.ok());
  CHECK(p.value().scale_denom == 1);
  CHECK(p.value().image.width() == 64);
}

TEST_CASE("jpeg_scaled: real photos from ../shared match stb averaged") {
  const std::string data = filigrane::test::shared_path("data");
  std::vector<std::string> jpegs = files_in(data + "/people", ".jpg");
  for (const char* sub : {"/ai-dev/ai", "/ai-dev/real"}) {
    std::vector<std::string> more = files_in(data + sub, ".jpg");
    jpegs.insert(jpegs.end(), more.begin(), more.begin() + std::min<std::ptrdiff_t>(8, static_cast<std::ptrdiff_t>(more.size())));
  }
  const std::vector<std::string> kodak = files_in(data + "/kodak", ".png");
  if (jpegs.empty() && kodak.empty()) {
    MESSAGE("skipped: " << data << " not present (../shared absent)");
    return;
  }
  Worst photos, kodak420, kodak444;
  int unsupported = 0;
  for (const std::string& path : jpegs) {
    const std::vector<uint8_t> bytes = load(path);
    Result<Image> probe = decode_jpeg_scaled(bytes.data(), bytes.size(), 8);
    if (!probe.ok()) {  // progressive files: decode_image falls back to stb
      CAPTURE(path);
      CHECK(probe.status().code() == StatusCode::kUnsupportedFormat);
      DecodeOptions options;
      options.min_side = 64;
      Result<DecodedImage> r = decode_image(bytes.data(), bytes.size(), options);
      REQUIRE(r.ok());
      CHECK(r.value().scale_denom == 1);
      ++unsupported;
      continue;
    }
    check_against_stb(bytes, true, true, path, &photos);
  }
  for (size_t i = 0; i < kodak.size(); i += 3) {  // every third Kodak image, both chroma modes
    const std::vector<uint8_t> png = load(kodak[i]);
    const Image img = decode_image(png.data(), png.size()).value().image;
    for (int quality : {90, 95}) {
      check_against_stb(encode_jpeg(img, quality).value(), quality <= 90, true, kodak[i],
                        quality <= 90 ? &kodak420 : &kodak444);
    }
  }
  photos.report("shared photos (4:2:0 / 4:4:4 as found)");
  kodak420.report("Kodak via encode_jpeg q90 (4:2:0)");
  kodak444.report("Kodak via encode_jpeg q95 (4:4:4)");
  MESSAGE(unsupported << " progressive/unsupported files fell back to stb");
}
