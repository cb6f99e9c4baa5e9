// dwtDct-compatible decoder/encoder and the Stable Diffusion message test.
// Floating-point operations follow the reference's order (products by the
// Haar tap first, then sums; vertical pairs first, inverse horizontal first)
// because the 8-bit truncation and the residue test at exactly 18 make the
// decoded bits sensitive to the last ulp.
#include "core/sdmark/sdmark.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace filigrane::sdmark {
namespace {

constexpr double kHaarTap = 0.7071067811865476;
constexpr double kStep = 36.0;
constexpr int kBlock = 4;

// OpenCV's 8-bit BGR->YUV fixed point (shift 14).
inline int luma_fixed(int r, int g, int b) { return (4899 * r + 9617 * g + 1868 * b + 8192) >> 14; }
inline int u_fixed(int b, int y) {
  int u = ((b - y) * 8061 + (128 << 14) + 8192) >> 14;
  return std::clamp(u, 0, 255);
}
inline int v_fixed(int r, int y) {
  int v = ((r - y) * 14369 + (128 << 14) + 8192) >> 14;
  return std::clamp(v, 0, 255);
}

// U plane of the top-left w4 x h4 region, as doubles.
std::vector<double> u_plane(const Image& image, uint32_t w4, uint32_t h4) {
  std::vector<double> u(static_cast<size_t>(w4) * h4);
  for (uint32_t y = 0; y < h4; ++y) {
    const uint8_t* p = image.row(y);
    double* out = u.data() + static_cast<size_t>(y) * w4;
    for (uint32_t x = 0; x < w4; ++x, p += 4) {
      int r = p[0], g = p[1], b = p[2];
      out[x] = u_fixed(b, luma_fixed(r, g, b));
    }
  }
  return u;
}

// Haar low band of the U plane computed straight from the pixels, with the
// same operation order as haar_forward(): (w4/2) x (h4/2) values.
std::vector<double> u_low_band(const Image& image, uint32_t w4, uint32_t h4) {
  const uint32_t band_w = w4 / 2, band_h = h4 / 2;
  std::vector<double> ll(static_cast<size_t>(band_w) * band_h);
  for (uint32_t i = 0; i < band_h; ++i) {
    const uint8_t* top = image.row(2 * i);
    const uint8_t* bottom = image.row(2 * i + 1);
    double* out = ll.data() + static_cast<size_t>(i) * band_w;
    for (uint32_t j = 0; j < band_w; ++j, top += 8, bottom += 8) {
      const double t0 = u_fixed(top[2], luma_fixed(top[0], top[1], top[2]));
      const double t1 = u_fixed(top[6], luma_fixed(top[4], top[5], top[6]));
      const double b0 = u_fixed(bottom[2], luma_fixed(bottom[0], bottom[1], bottom[2]));
      const double b1 = u_fixed(bottom[6], luma_fixed(bottom[4], bottom[5], bottom[6]));
      const double lo0 = kHaarTap * t0 + kHaarTap * b0;
      const double lo1 = kHaarTap * t1 + kHaarTap * b1;
      out[j] = kHaarTap * lo0 + kHaarTap * lo1;
    }
  }
  return ll;
}

struct HaarBands {
  uint32_t w = 0, h = 0;  // band size (half the plane)
  std::vector<double> ll, detail_vertical_pairs, detail_horizontal_pairs, dd;
};

// One-level Haar analysis: first along columns (pairs of rows), then along rows.
// Band names: the suffix tells which pairing produced the detail.
HaarBands haar_forward(const std::vector<double>& plane, uint32_t w4, uint32_t h4, bool low_only) {
  HaarBands bands;
  bands.w = w4 / 2;
  bands.h = h4 / 2;
  const size_t n = static_cast<size_t>(bands.w) * bands.h;
  bands.ll.resize(n);
  if (!low_only) {
    bands.detail_vertical_pairs.resize(n);
    bands.detail_horizontal_pairs.resize(n);
    bands.dd.resize(n);
  }
  std::vector<double> lo_row(w4), hi_row(w4);
  for (uint32_t i = 0; i < bands.h; ++i) {
    const double* top = plane.data() + static_cast<size_t>(2 * i) * w4;
    const double* bottom = top + w4;
    for (uint32_t x = 0; x < w4; ++x) {
      lo_row[x] = kHaarTap * top[x] + kHaarTap * bottom[x];
      if (!low_only) hi_row[x] = kHaarTap * top[x] - kHaarTap * bottom[x];
    }
    for (uint32_t j = 0; j < bands.w; ++j) {
      const size_t k = static_cast<size_t>(i) * bands.w + j;
      bands.ll[k] = kHaarTap * lo_row[2 * j] + kHaarTap * lo_row[2 * j + 1];
      if (!low_only) {
        bands.detail_horizontal_pairs[k] = kHaarTap * lo_row[2 * j] - kHaarTap * lo_row[2 * j + 1];
        bands.detail_vertical_pairs[k] = kHaarTap * hi_row[2 * j] + kHaarTap * hi_row[2 * j + 1];
        bands.dd[k] = kHaarTap * hi_row[2 * j] - kHaarTap * hi_row[2 * j + 1];
      }
    }
  }
  return bands;
}

// Inverse with the two detail bands exchanged, as the reference does: first
// along rows, then along columns.
std::vector<double> haar_inverse_swapped(const HaarBands& b) {
  const uint32_t w4 = b.w * 2, h4 = b.h * 2;
  std::vector<double> plane(static_cast<size_t>(w4) * h4);
  const std::vector<double>& vert = b.detail_horizontal_pairs;  // swapped on purpose
  const std::vector<double>& horz = b.detail_vertical_pairs;
  std::vector<double> lo_row(w4), hi_row(w4);
  for (uint32_t i = 0; i < b.h; ++i) {
    for (uint32_t j = 0; j < b.w; ++j) {
      const size_t k = static_cast<size_t>(i) * b.w + j;
      lo_row[2 * j] = b.ll[k] * kHaarTap + horz[k] * kHaarTap;
      lo_row[2 * j + 1] = b.ll[k] * kHaarTap + horz[k] * -kHaarTap;
      hi_row[2 * j] = vert[k] * kHaarTap + b.dd[k] * kHaarTap;
      hi_row[2 * j + 1] = vert[k] * kHaarTap + b.dd[k] * -kHaarTap;
    }
    double* top = plane.data() + static_cast<size_t>(2 * i) * w4;
    double* bottom = top + w4;
    for (uint32_t x = 0; x < w4; ++x) {
      top[x] = lo_row[x] * kHaarTap + hi_row[x] * kHaarTap;
      bottom[x] = lo_row[x] * kHaarTap + hi_row[x] * -kHaarTap;
    }
  }
  return plane;
}

// Index (1..15) of the largest |value| after the top-left one; first maximum wins.
inline int strongest_position(const double* block, double offset) {
  int best = 1;
  double best_abs = std::fabs(block[1] - offset);
  for (int k = 2; k < 16; ++k) {
    double a = std::fabs(block[k] - offset);
    if (a > best_abs) {
      best_abs = a;
      best = k;
    }
  }
  return best;
}

// Python's float floor division for positive operands (exact divmod-based).
inline double python_floor_div(double value, double step) {
  double mod = std::fmod(value, step);
  double div = (value - mod) / step;
  double floored = std::floor(div);
  if (div - floored > 0.5) floored += 1.0;
  return floored;
}

// Largest singular value of a 4x4 matrix: sqrt of the top eigenvalue of A^T A
// by cyclic Jacobi rotations (converges to machine precision in a few sweeps).
double largest_singular_value(const double* a) {
  double m[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      double s = 0;
      for (int k = 0; k < 4; ++k) s += a[k * 4 + i] * a[k * 4 + j];
      m[i][j] = s;
    }
  for (int sweep = 0; sweep < 30; ++sweep) {
    double off = 0;
    for (int p = 0; p < 4; ++p)
      for (int q = p + 1; q < 4; ++q) off += m[p][q] * m[p][q];
    if (off < 1e-30) break;
    for (int p = 0; p < 4; ++p)
      for (int q = p + 1; q < 4; ++q) {
        if (std::fabs(m[p][q]) < 1e-300) continue;
        double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < 4; ++k) {
          double mkp = m[k][p], mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < 4; ++k) {
          double mpk = m[p][k], mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
      }
  }
  double top = std::max({m[0][0], m[1][1], m[2][2], m[3][3]});
  return std::sqrt(std::max(top, 0.0));
}

Status check_image(const Image& image) {
  if (image.empty()) return InvalidArgument("sdmark: empty image");
  if (static_cast<uint64_t>(image.width()) * image.height() < kMinPixels)
    return InvalidArgument("sdmark: image below 65536 pixels (the reference refuses those)");
  return Status::Ok();
}

// 4x4 block copy of the low band at block (bi, bj).
inline void load_block(const std::vector<double>& ll, uint32_t band_w, uint32_t bi, uint32_t bj,
                       double* block) {
  for (int r = 0; r < kBlock; ++r)
    std::memcpy(block + r * kBlock, ll.data() + static_cast<size_t>(bi * kBlock + r) * band_w + bj * kBlock,
                kBlock * sizeof(double));
}

}  // namespace

namespace {

// One vote (0/1) per 4x4 low-band block, in reading order.
std::vector<uint8_t> block_votes(const std::vector<double>& ll, uint32_t band_w, uint32_t band_h,
                                 DwtMethod method, double offset) {
  const uint32_t blocks_x = band_w / kBlock, blocks_y = band_h / kBlock;
  std::vector<uint8_t> votes(static_cast<size_t>(blocks_x) * blocks_y);
  double block[16];
  size_t n = 0;
  for (uint32_t bi = 0; bi < blocks_y; ++bi) {
    for (uint32_t bj = 0; bj < blocks_x; ++bj, ++n) {
      load_block(ll, band_w, bi, bj, block);
      double value;
      if (method == DwtMethod::kDwtDct) {
        value = std::fabs(block[strongest_position(block, offset)] - offset);
      } else {
        for (double& v : block) v -= offset;
        value = largest_singular_value(block);
      }
      votes[n] = std::fmod(value, kStep) > 0.5 * kStep ? 1 : 0;
    }
  }
  return votes;
}

// Bits and vote fractions for a message of num_bits (block n votes for bit n mod num_bits).
DwtDecodeResult tally(const std::vector<uint8_t>& votes, uint32_t num_bits) {
  std::vector<uint32_t> ones(num_bits, 0), counts(num_bits, 0);
  uint32_t bit = 0;
  for (uint8_t v : votes) {
    ones[bit] += v;
    counts[bit] += 1;
    if (++bit == num_bits) bit = 0;
  }
  DwtDecodeResult result;
  result.blocks = static_cast<uint32_t>(votes.size());
  result.bits.resize(num_bits);
  result.vote_fraction.resize(num_bits);
  for (uint32_t k = 0; k < num_bits; ++k) {
    const double fraction = counts[k] ? static_cast<double>(ones[k]) / counts[k] : 0.0;
    result.vote_fraction[k] = fraction;
    result.bits[k] = fraction * 255.0 > 127.0 ? 1 : 0;  // the reference's rule: exact ties give 1
  }
  return result;
}

}  // namespace

Result<DwtDecodeResult> decode_dwt(const Image& image, uint32_t num_bits, DwtMethod method,
                                   double low_band_offset) {
  if (num_bits == 0 || num_bits > kMaxBits) return InvalidArgument("sdmark: num_bits must be 1..4096");
  if (Status s = check_image(image); !s.ok()) return s;
  const uint32_t w4 = image.width() & ~3u, h4 = image.height() & ~3u;
  const std::vector<double> ll = u_low_band(image, w4, h4);
  return tally(block_votes(ll, w4 / 2, h4 / 2, method, low_band_offset), num_bits);
}

Result<Image> encode_dwt_dct(const Image& image, const std::vector<uint8_t>& bits) {
  if (bits.empty() || bits.size() > kMaxBits) return InvalidArgument("sdmark: message must be 1..4096 bits");
  for (uint8_t b : bits)
    if (b > 1) return InvalidArgument("sdmark: message bits must be 0 or 1");
  if (Status s = check_image(image); !s.ok()) return s;
  const uint32_t width = image.width(), height = image.height();
  const uint32_t w4 = width & ~3u, h4 = height & ~3u;

  HaarBands bands = haar_forward(u_plane(image, w4, h4), w4, h4, /*low_only=*/false);
  const uint32_t blocks_x = bands.w / kBlock, blocks_y = bands.h / kBlock;
  uint32_t n = 0;
  for (uint32_t bi = 0; bi < blocks_y; ++bi) {
    for (uint32_t bj = 0; bj < blocks_x; ++bj, ++n) {
      double block[16];
      load_block(bands.ll, bands.w, bi, bj, block);
      const int pos = strongest_position(block, 0.0);
      const double v = block[pos];
      const double bit_term = 0.25 + 0.5 * bits[n % bits.size()];
      const double magnitude = (python_floor_div(std::fabs(v), kStep) + bit_term) * kStep;
      const size_t at = static_cast<size_t>(bi * kBlock + pos / kBlock) * bands.w + bj * kBlock + pos % kBlock;
      bands.ll[at] = v >= 0.0 ? magnitude : -1.0 * magnitude;
    }
  }
  std::vector<double> marked_u = haar_inverse_swapped(bands);

  Result<Image> out_r = Image::from_rgba(width, height, image.data(), image.byte_size());
  if (!out_r.ok()) return out_r.status();
  Image out = std::move(out_r).value();
  for (uint32_t y = 0; y < height; ++y) {
    uint8_t* p = out.row(y);
    for (uint32_t x = 0; x < width; ++x, p += 4) {
      const int r = p[0], g = p[1], b = p[2];
      const int luma = luma_fixed(r, g, b);
      int u = u_fixed(b, luma);
      const int v = v_fixed(r, luma);
      if (x < w4 && y < h4) {
        // numpy's float->uint8 assignment: truncate toward zero, keep the low 8 bits.
        const double value = marked_u[static_cast<size_t>(y) * w4 + x];
        u = static_cast<uint8_t>(static_cast<int32_t>(value));
      }
      const int du = u - 128, dv = v - 128;
      p[0] = static_cast<uint8_t>(std::clamp(luma + ((dv * 18678 + 8192) >> 14), 0, 255));
      p[1] = static_cast<uint8_t>(std::clamp(luma + ((dv * -9519 + du * -6472 + 8192) >> 14), 0, 255));
      p[2] = static_cast<uint8_t>(std::clamp(luma + ((du * 33292 + 8192) >> 14), 0, 255));
    }
  }
  return out;
}

const char* sd_kind_name(SdKind kind) {
  switch (kind) {
    case SdKind::kSd1: return "sd1";
    case SdKind::kSd2: return "sd2";
    case SdKind::kSdxl: return "sdxl";
    default: return "none";
  }
}

std::vector<uint8_t> sd_message_bits(SdKind kind) {
  auto from_bytes = [](const char* text) {
    std::vector<uint8_t> bits;
    for (const char* c = text; *c; ++c)
      for (int i = 7; i >= 0; --i) bits.push_back((static_cast<uint8_t>(*c) >> i) & 1);
    return bits;
  };
  switch (kind) {
    case SdKind::kSd1: return from_bytes("StableDiffusionV1");
    case SdKind::kSd2: return from_bytes("SDV2");
    case SdKind::kSdxl: {
      const uint64_t message = 0xB3EC907BB19Eull;  // 0b1011 0011 1110 1100 ... 48 bits
      std::vector<uint8_t> bits(48);
      for (int i = 0; i < 48; ++i) bits[i] = (message >> (47 - i)) & 1;
      return bits;
    }
    default: return {};
  }
}

double binomial_half_tail(uint32_t n, uint32_t k) {
  if (k == 0) return 1.0;
  if (k > n) return 0.0;
  // Sum C(n,i)/2^n for i >= k in log space (n is at most a few thousand).
  double total = 0.0;
  for (uint32_t i = k; i <= n; ++i) {
    double log_term = std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) - n * std::log(2.0);
    total += std::exp(log_term);
  }
  return std::min(total, 1.0);
}

uint32_t binomial_threshold(uint32_t n, double alpha) {
  for (uint32_t k = 0; k <= n; ++k)
    if (binomial_half_tail(n, k) <= alpha) return k;
  return n + 1;
}

namespace {

constexpr double kPerHypothesisAlpha = 2.5e-7;
constexpr int kHypotheses = 4;

// Threshold between the two clusters of vote fractions (1-D 2-means by
// exhaustive split of the sorted values); independent of any message.
double two_means_threshold(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  if (n < 2 || values.front() == values.back()) return values.empty() ? 0.5 : values.front();
  std::vector<double> prefix(n + 1, 0.0), prefix_sq(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i) {
    prefix[i + 1] = prefix[i] + values[i];
    prefix_sq[i + 1] = prefix_sq[i] + values[i] * values[i];
  }
  double best_cost = 1e300, best_threshold = 0.5;
  for (size_t split = 1; split < n; ++split) {
    if (values[split - 1] == values[split]) continue;
    auto sse = [&](size_t a, size_t b) {
      double s = prefix[b] - prefix[a], s2 = prefix_sq[b] - prefix_sq[a];
      return s2 - s * s / static_cast<double>(b - a);
    };
    double cost = sse(0, split) + sse(split, n);
    if (cost < best_cost) {
      best_cost = cost;
      best_threshold = 0.5 * (values[split - 1] + values[split]);
    }
  }
  return best_threshold;
}

// Exact null distribution of the Mann-Whitney count U (pairs with a vote
// fraction at a message-1 position strictly above one at a message-0 position)
// when the N fractions are exchangeable: returns P[U >= u] for u = 0..n1*n2.
// Strict comparison makes ties count against the mark, so the tail stays an
// upper bound when fractions tie.
std::vector<double> mann_whitney_upper_tail(uint32_t n1, uint32_t n2) {
  const uint32_t n = n1 + n2;
  const uint32_t max_rank_sum = n * (n + 1) / 2;
  // ways[k][s]: subsets of size k of ranks 1..i with rank sum s.
  std::vector<std::vector<double>> ways(n1 + 1, std::vector<double>(max_rank_sum + 1, 0.0));
  ways[0][0] = 1.0;
  for (uint32_t rank = 1; rank <= n; ++rank)
    for (uint32_t k = std::min(rank, n1); k >= 1; --k)
      for (uint32_t s = max_rank_sum; s >= rank; --s) ways[k][s] += ways[k - 1][s - rank];
  const uint32_t max_u = n1 * n2;
  std::vector<double> tail(max_u + 2, 0.0);
  double total = 0.0;
  std::vector<double> by_u(max_u + 1, 0.0);
  const uint32_t min_rank_sum = n1 * (n1 + 1) / 2;
  for (uint32_t s = min_rank_sum; s <= max_rank_sum; ++s) {
    const uint32_t u = s - min_rank_sum;
    if (u <= max_u) by_u[u] += ways[n1][s];
    total += ways[n1][s];
  }
  for (int64_t u = max_u; u >= 0; --u) tail[u] = tail[u + 1] + by_u[u] / total;
  return tail;
}

// U statistic for `fractions` split by `message` (strict comparisons only).
uint64_t mann_whitney_u(const std::vector<double>& fractions, const std::vector<uint8_t>& message) {
  std::vector<double> zeros;
  for (size_t k = 0; k < message.size(); ++k)
    if (!message[k]) zeros.push_back(fractions[k]);
  std::sort(zeros.begin(), zeros.end());
  uint64_t u = 0;
  for (size_t k = 0; k < message.size(); ++k)
    if (message[k]) u += std::lower_bound(zeros.begin(), zeros.end(), fractions[k]) - zeros.begin();
  return u;
}

}  // namespace

SdMatch match_sd_message(const Image& image) {
  SdMatch best;
  if (image.empty() || static_cast<uint64_t>(image.width()) * image.height() < kMinPixels) {
    best.too_small = true;
    return best;
  }
  struct Hypothesis {
    SdKind kind;
    double offset;
  };
  const Hypothesis hypotheses[kHypotheses] = {
      {SdKind::kSd1, 0.0}, {SdKind::kSd2, 0.0}, {SdKind::kSdxl, 0.0}, {SdKind::kSdxl, 255.0}};
  // Null tails of the rank test depend only on the message: computed once.
  static const std::vector<double> rank_tails[3] = {
      [] { auto m = sd_message_bits(SdKind::kSd1); uint32_t o = std::count(m.begin(), m.end(), 1);
           return mann_whitney_upper_tail(o, static_cast<uint32_t>(m.size()) - o); }(),
      [] { auto m = sd_message_bits(SdKind::kSd2); uint32_t o = std::count(m.begin(), m.end(), 1);
           return mann_whitney_upper_tail(o, static_cast<uint32_t>(m.size()) - o); }(),
      [] { auto m = sd_message_bits(SdKind::kSdxl); uint32_t o = std::count(m.begin(), m.end(), 1);
           return mann_whitney_upper_tail(o, static_cast<uint32_t>(m.size()) - o); }()};
  const uint32_t w4 = image.width() & ~3u, h4 = image.height() & ~3u;
  const std::vector<double> ll = u_low_band(image, w4, h4);
  const std::vector<uint8_t> plain_votes = block_votes(ll, w4 / 2, h4 / 2, DwtMethod::kDwtDct, 0.0);
  const std::vector<uint8_t> float_pipeline_votes = block_votes(ll, w4 / 2, h4 / 2, DwtMethod::kDwtDct, 255.0);
  double best_p = 2.0;
  for (const Hypothesis& h : hypotheses) {
    const std::vector<uint8_t> message = sd_message_bits(h.kind);
    const uint32_t n = static_cast<uint32_t>(message.size());
    const DwtDecodeResult decoded = tally(h.offset == 0.0 ? plain_votes : float_pipeline_votes, n);
    const std::vector<double>& fractions = decoded.vote_fraction;
    const double threshold = two_means_threshold(fractions);
    uint32_t agree = 0;
    for (uint32_t k = 0; k < n; ++k) agree += ((fractions[k] > threshold ? 1 : 0) == message[k]) ? 1 : 0;
    const double binomial_p = binomial_half_tail(n, agree);
    const std::vector<double>& rank_tail = rank_tails[static_cast<int>(h.kind) - 1];
    const uint64_t u = mann_whitney_u(fractions, message);
    const double rank_p = u < rank_tail.size() ? rank_tail[u] : 0.0;
    // Two tests per hypothesis, each at half the per-hypothesis level.
    const double p = std::min(binomial_p, rank_p);
    const bool accepted = p <= kPerHypothesisAlpha / 2;
    if ((accepted && (!best.found || p < best_p)) || (!best.found && p < best_p)) {
      best.found = accepted;
      best.kind = accepted ? h.kind : SdKind::kNone;
      best.bit_agreement = static_cast<double>(agree) / n;
      best.agreeing_bits = agree;
      best.num_bits = n;
      best.threshold_bits = binomial_threshold(n, kPerHypothesisAlpha / 2);
      best.rank_test_p = rank_p;
      best.false_alarm_bound = std::min(1.0, p * 2 * kHypotheses);
      best_p = p;
    }
  }
  return best;
}

}  // namespace filigrane::sdmark
