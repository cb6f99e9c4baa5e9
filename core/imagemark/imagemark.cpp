// Robust keyed image mark: embedding, lattice recovery, folding, pilot search,
// Viterbi decoding. See imagemark.h for the scheme and the false-positive bound.
#include "core/imagemark/imagemark.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>

namespace filigrane::imagemark {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kTile = 128;                  // tile side in pixels (as marked)
constexpr int kChip = 4;                    // chip side in pixels
constexpr int kChipsPerSide = kTile / kChip;            // 32
constexpr int kChips = kChipsPerSide * kChipsPerSide;   // 1024
constexpr int kCells = kTile / 2;           // fold grid: 2-pixel cells, 64 per side
constexpr int kMaxInfoBits = kPayloadBytes * 8 + 16;    // payload + CRC-16, standard layout
constexpr int kConstraint = 7;
constexpr int kTailBits = kConstraint - 1;
constexpr int kMaxCodedBits = (kMaxInfoBits + kTailBits) * 3;  // 258

// The two tile layouts (issue 17): the standard one carries 64 payload bits
// with 256 pilot chips; the compact one 32 bits with 512 pilot chips, so it
// synchronises on about half the pixels (small copies). The detector tries both.
struct Layout {
  int payload_bits;
  int pilot_chips;
};
constexpr Layout kLayouts[2] = {{64, kChips / 4}, {32, kChips / 2}};
constexpr uint32_t kGenerators[3] = {0133, 0171, 0165};
constexpr int kMaxWorkSide = 1024;          // detection works on an image at most this large
constexpr int kAutocorrSize = 512;          // FFT window for the lattice search
constexpr int kMaxLattices = 8;            // lattice candidates tried (part of kMaxTests)
constexpr int kCombLattices = 3;           // of which from the autocorrelation comb, at most
// Perceptual gain: local luma std (5x5) clamped to this range. A narrow range
// was measured to matter: amplitudes below ~0.5 grey level vanish in 8-bit
// rounding and JPEG 50 quantisation (Kodak, JPEG 50: 1/12 exact at 1..30,
// 12/12 at 6..9 with the same PSNR).
constexpr float kGainFloor = 6.0f;
constexpr float kGainCap = 9.0f;
constexpr int kResidualRadius = 3;          // detection residual: luma minus its 7x7 mean

// Ordered rounding thresholds: a 4x4 Bayer matrix inside each chip (every chip
// sees all 16 levels, so its 8-bit offsets sum to its real-valued amplitude),
// refined by a second Bayer level per chip so the image-wide error is a smooth
// function of the gain (256 levels).
constexpr uint8_t kBayer4[4][4] = {{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};
inline float dither_threshold(int x, int y) {
  return (kBayer4[y & 3][x & 3] * 16 + kBayer4[(y >> 2) & 3][(x >> 2) & 3] + 0.5f) / 256.0f;
}

// Offset per channel for a luma change of 1: along the luma weights w
// (d = w / |w|^2), the RGB squared error per unit of luma is smallest
// (0.73x that of equal offsets on R, G, B, i.e. +1.4 dB at the same PSNR).
// Luma as JPEG's Y sees it is unaffected by chroma subsampling.
constexpr float kChannelShare[3] = {0.299f / 0.45709f, 0.587f / 0.45709f, 0.114f / 0.45709f};

// ---------- key-derived pattern ----------

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct KeyPattern {
  // Per chip (row-major in the tile): role and carrier sign.
  std::array<int8_t, kChips> pilot_sign{};     // +-1 on pilot chips, 0 on data chips
  std::array<int8_t, kChips> data_sign{};      // +-1 on data chips, 0 on pilot chips
  std::array<int16_t, kChips> coded_index{};   // coded bit of a data chip, -1 for pilot
  std::vector<int> pilot_list;                 // chip indices of the pilot
  int payload_bits = 64;                       // 64 or 32; payload bytes used: the last payload_bits / 8
  int info_bits = kMaxInfoBits;                // payload_bits + 16 (CRC)
  int coded_bits = kMaxCodedBits;              // (info_bits + tail) * 3
};

// Both layouts share the key's chip order and signs; they differ only in how
// many of the first chips in that order are pilot.
KeyPattern make_pattern(const std::string& key, const Layout& layout) {
  uint64_t seed = 0xCBF29CE484222325ull;  // FNV-1a of the key, then a SplitMix64 stream
  for (unsigned char c : key) seed = (seed ^ c) * 0x100000001B3ull;
  seed ^= 0x46696C6967726E65ull;  // domain separation ("Filigrne")
  std::array<int, kChips> order;
  for (int i = 0; i < kChips; ++i) order[i] = i;
  for (int i = kChips - 1; i > 0; --i) std::swap(order[i], order[splitmix64(seed) % (i + 1)]);
  KeyPattern p;
  p.payload_bits = layout.payload_bits;
  p.info_bits = layout.payload_bits + 16;
  p.coded_bits = (p.info_bits + kTailBits) * 3;
  p.pilot_list.reserve(layout.pilot_chips);
  for (int rank = 0; rank < kChips; ++rank) {
    const int chip = order[rank];
    const int8_t sign = (splitmix64(seed) >> 63) ? 1 : -1;
    if (rank < layout.pilot_chips) {
      p.pilot_sign[chip] = sign;
      p.coded_index[chip] = -1;
      p.pilot_list.push_back(chip);
    } else {
      p.data_sign[chip] = sign;
      p.coded_index[chip] = static_cast<int16_t>((rank - layout.pilot_chips) % p.coded_bits);
    }
  }
  return p;
}

// ---------- error correction ----------

uint16_t crc16_ccitt(const uint8_t* data, size_t size) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < size; ++i) {
    crc ^= static_cast<uint16_t>(data[i]) << 8;
    for (int b = 0; b < 8; ++b) crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : static_cast<uint16_t>(crc << 1);
  }
  return crc;
}

inline int parity(uint32_t v) { return __builtin_parity(v); }

using InfoBits = std::array<uint8_t, kMaxInfoBits>;    // first payload_bits + 16 used
using CodedBits = std::array<uint8_t, kMaxCodedBits>;  // first coded_bits used

// The payload's last payload_bits / 8 bytes (big-endian value) and their CRC-16.
InfoBits info_bits(const Payload& payload, int payload_bits) {
  InfoBits bits{};
  const uint8_t* used = payload.data() + kPayloadBytes - payload_bits / 8;
  const uint16_t crc = crc16_ccitt(used, payload_bits / 8);
  for (int i = 0; i < payload_bits; ++i) bits[i] = (used[i / 8] >> (7 - i % 8)) & 1;
  for (int i = 0; i < 16; ++i) bits[payload_bits + i] = (crc >> (15 - i)) & 1;
  return bits;
}

CodedBits convolutional_encode(const InfoBits& info, int info_count) {
  CodedBits coded{};
  uint32_t state = 0;
  for (int t = 0; t < info_count + kTailBits; ++t) {
    const uint32_t input = t < info_count ? info[t] : 0;
    const uint32_t reg = (input << kTailBits) | state;
    for (int k = 0; k < 3; ++k) coded[t * 3 + k] = static_cast<uint8_t>(parity(reg & kGenerators[k]));
    state = reg >> 1;
  }
  return coded;
}

// Soft-decision Viterbi: soft[j] > 0 favours coded bit 0. Terminated in state 0.
InfoBits viterbi_decode(const std::array<double, kMaxCodedBits>& soft, int info_count) {
  constexpr int kStates = 1 << kTailBits;
  const int kSteps = info_count + kTailBits;
  std::array<double, kStates> metric;
  metric.fill(-1e300);
  metric[0] = 0;
  std::vector<std::array<uint8_t, kStates>> from_input(kSteps);  // input bit chosen into each state
  std::vector<std::array<uint8_t, kStates>> from_state(kSteps);
  for (int t = 0; t < kSteps; ++t) {
    std::array<double, kStates> next;
    next.fill(-1e300);
    for (int s = 0; s < kStates; ++s) {
      if (metric[s] <= -1e299) continue;
      for (uint32_t input = 0; input < (t < info_count ? 2u : 1u); ++input) {
        const uint32_t reg = (input << kTailBits) | static_cast<uint32_t>(s);
        double m = metric[s];
        for (int k = 0; k < 3; ++k) m += parity(reg & kGenerators[k]) ? -soft[t * 3 + k] : soft[t * 3 + k];
        const int ns = static_cast<int>(reg >> 1);
        if (m > next[ns]) {
          next[ns] = m;
          from_input[t][ns] = static_cast<uint8_t>(input);
          from_state[t][ns] = static_cast<uint8_t>(s);
        }
      }
    }
    metric = next;
  }
  InfoBits info{};
  int s = 0;
  for (int t = kSteps - 1; t >= 0; --t) {
    if (t < info_count) info[t] = from_input[t][s];
    s = from_state[t][s];
  }
  return info;
}

// Chip values (+-1) of the tile carrying `payload`.
std::array<int8_t, kChips> tile_chips(const KeyPattern& pattern, const Payload& payload) {
  const CodedBits coded = convolutional_encode(info_bits(payload, pattern.payload_bits), pattern.info_bits);
  std::array<int8_t, kChips> chips{};
  for (int c = 0; c < kChips; ++c)
    chips[c] = pattern.pilot_sign[c] ? pattern.pilot_sign[c]
                                     : static_cast<int8_t>(pattern.data_sign[c] * (coded[pattern.coded_index[c]] ? -1 : 1));
  return chips;
}

// ---------- planes and filters ----------

struct FloatPlane {
  int w = 0, h = 0;
  std::vector<float> v;
  float& at(int x, int y) { return v[static_cast<size_t>(y) * w + x]; }
  float at(int x, int y) const { return v[static_cast<size_t>(y) * w + x]; }
};

// Luma box-reduced by an integer `factor` straight from RGBA (drops the
// ragged edge), so no full-resolution float plane is ever allocated.
FloatPlane work_luma(const Image& image, int factor) {
  FloatPlane out;
  out.w = static_cast<int>(image.width()) / factor;
  out.h = static_cast<int>(image.height()) / factor;
  out.v.assign(static_cast<size_t>(out.w) * out.h, 0.0f);
  const float norm = 1.0f / static_cast<float>(factor * factor);
  for (int y = 0; y < out.h * factor; ++y) {
    const uint8_t* px = image.row(static_cast<uint32_t>(y));
    float* dst = out.v.data() + static_cast<size_t>(y / factor) * out.w;
    if (factor == 1) {
      for (int x = 0; x < out.w; ++x, px += 4) dst[x] = 0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2];
      continue;
    }
    for (int x = 0; x < out.w; ++x) {
      float sum = 0;
      for (int k = 0; k < factor; ++k, px += 4) sum += 0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2];
      dst[x] += sum * norm;
    }
  }
  return out;
}

// Perceptual gain of embed(): the local luma standard deviation over 5x5
// (edges replicated), clamped to [kGainFloor, kGainCap] and quantised to
// kGainLevels levels (one byte per pixel). Integer luma and running sums keep
// it to a few operations per pixel; `histogram` counts the levels.
constexpr int kGainLevels = 256;
constexpr float kGainLevelScale = kGainLevels / (kGainCap - kGainFloor);
inline float gain_of_level(int level) { return kGainFloor + (level + 0.5f) / kGainLevelScale; }

std::vector<uint8_t> gain_levels(const Image& image, std::array<uint32_t, kGainLevels>& histogram) {
  const int w = static_cast<int>(image.width()), h = static_cast<int>(image.height());
  std::vector<uint8_t> levels(static_cast<size_t>(w) * h);
  // Column sums over the 5-row window, padded by 2 replicated columns a side.
  std::vector<int32_t> col_sum(w + 4, 0), col_sq(w + 4, 0);
  std::vector<uint8_t> ring(static_cast<size_t>(w) * 6);  // luma of the last 6 rows
  auto luma_row = [&](int y) {
    uint8_t* dst = ring.data() + static_cast<size_t>((y + 6) % 6) * w;  // y >= -2
    const uint8_t* px = image.row(static_cast<uint32_t>(std::clamp(y, 0, h - 1)));
    for (int x = 0; x < w; ++x, px += 4) dst[x] = static_cast<uint8_t>((77 * px[0] + 150 * px[1] + 29 * px[2] + 128) >> 8);
    return dst;
  };
  auto add_row = [&](const uint8_t* luma, int sign) {
    for (int x = 0; x < w; ++x) {
      const int32_t v = luma[x];
      col_sum[x + 2] += sign * v;
      col_sq[x + 2] += sign * v * v;
    }
  };
  for (int k = -2; k <= 2; ++k) add_row(luma_row(k), 1);
  const float floor_sq = kGainFloor * kGainFloor, cap_sq = kGainCap * kGainCap;
  for (int y = 0; y < h; ++y) {
    if (y > 0) {
      add_row(ring.data() + static_cast<size_t>((y - 3 + 6) % 6) * w, -1);  // row y - 3 (clamped copy)
      add_row(luma_row(y + 2), 1);
    }
    col_sum[0] = col_sum[1] = col_sum[2];
    col_sq[0] = col_sq[1] = col_sq[2];
    col_sum[w + 2] = col_sum[w + 3] = col_sum[w + 1];
    col_sq[w + 2] = col_sq[w + 3] = col_sq[w + 1];
    uint8_t* dst = levels.data() + static_cast<size_t>(y) * w;
    for (int x = 0; x < w; ++x) {
      const int32_t s = col_sum[x] + col_sum[x + 1] + col_sum[x + 2] + col_sum[x + 3] + col_sum[x + 4];
      const int32_t q = col_sq[x] + col_sq[x + 1] + col_sq[x + 2] + col_sq[x + 3] + col_sq[x + 4];
      const float variance = static_cast<float>(25 * q - s * s) * (1.0f / 625);  // both terms < 2^31
      const float level = (std::sqrt(std::clamp(variance, floor_sq, cap_sq)) - kGainFloor) * kGainLevelScale;
      dst[x] = static_cast<uint8_t>(std::min(level, kGainLevels - 1.0f));
    }
  }
  histogram.fill(0);
  for (uint8_t level : levels) ++histogram[level];
  return levels;
}

// Mean over a (2r+1)^2 window, edges clamped; running sums, O(1) per pixel.
FloatPlane box_mean(const FloatPlane& in, int r) {
  FloatPlane tmp{in.w, in.h, std::vector<float>(in.v.size())};
  FloatPlane out{in.w, in.h, std::vector<float>(in.v.size())};
  const float norm = 1.0f / static_cast<float>(2 * r + 1);
  for (int y = 0; y < in.h; ++y) {
    const float* row = in.v.data() + static_cast<size_t>(y) * in.w;
    float* dst = tmp.v.data() + static_cast<size_t>(y) * in.w;
    double sum = 0;
    for (int k = -r; k <= r; ++k) sum += row[std::clamp(k, 0, in.w - 1)];
    for (int x = 0; x < in.w; ++x) {
      dst[x] = static_cast<float>(sum) * norm;
      sum += row[std::min(x + r + 1, in.w - 1)] - row[std::max(x - r, 0)];
    }
  }
  std::vector<double> sums(in.w, 0.0);
  for (int k = -r; k <= r; ++k) {
    const float* row = tmp.v.data() + static_cast<size_t>(std::clamp(k, 0, in.h - 1)) * in.w;
    for (int x = 0; x < in.w; ++x) sums[x] += row[x];
  }
  for (int y = 0; y < in.h; ++y) {
    float* dst = out.v.data() + static_cast<size_t>(y) * in.w;
    const float* add = tmp.v.data() + static_cast<size_t>(std::min(y + r + 1, in.h - 1)) * in.w;
    const float* sub = tmp.v.data() + static_cast<size_t>(std::max(y - r, 0)) * in.w;
    for (int x = 0; x < in.w; ++x) {
      dst[x] = static_cast<float>(sums[x]) * norm;
      sums[x] += add[x] - sub[x];
    }
  }
  return out;
}

// Whitened residual: luma minus its local mean, divided by local activity, clipped.
FloatPlane whitened_residual(const FloatPlane& luma) {
  FloatPlane mean = box_mean(luma, kResidualRadius);
  FloatPlane residual{luma.w, luma.h, std::vector<float>(luma.v.size())};
  for (size_t i = 0; i < luma.v.size(); ++i) residual.v[i] = luma.v[i] - mean.v[i];
  FloatPlane sq{luma.w, luma.h, std::vector<float>(luma.v.size())};
  for (size_t i = 0; i < luma.v.size(); ++i) sq.v[i] = residual.v[i] * residual.v[i];
  FloatPlane energy = box_mean(sq, 4);
  for (size_t i = 0; i < luma.v.size(); ++i) {
    const float rms = std::sqrt(std::max(energy.v[i], 0.0f)) + 2.5f;  // running sums can dip below 0
    residual.v[i] = std::clamp(residual.v[i] / rms, -2.5f, 2.5f) / rms;
  }
  return residual;
}

// ---------- FFT ----------

using Complex = std::complex<float>;

// In-place radix-2 FFT of n (a power of two) contiguous values; `twiddle`
// holds exp(-2 pi i k / n) for k < n/2 (conjugated for the inverse).
void fft_inplace(Complex* a, int n, const std::vector<Complex>& twiddle, bool inverse) {
  for (int i = 1, j = 0; i < n; ++i) {
    int bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (int len = 2; len <= n; len <<= 1) {
    const int half = len / 2, step = n / len;
    for (int i = 0; i < n; i += len)
      for (int k = 0; k < half; ++k) {
        const Complex w = inverse ? std::conj(twiddle[k * step]) : twiddle[k * step];
        const Complex u = a[i + k];
        const Complex t = a[i + k + half];
        const Complex v(t.real() * w.real() - t.imag() * w.imag(), t.real() * w.imag() + t.imag() * w.real());
        a[i + k] = u + v;
        a[i + k + half] = u - v;
      }
  }
}

void transpose(std::vector<Complex>& data, int n) {
  constexpr int kBlock = 16;
  for (int by = 0; by < n; by += kBlock)
    for (int bx = by; bx < n; bx += kBlock)
      for (int y = by; y < by + kBlock; ++y)
        for (int x = (bx == by ? y + 1 : bx); x < bx + kBlock; ++x)
          std::swap(data[static_cast<size_t>(y) * n + x], data[static_cast<size_t>(x) * n + y]);
}

// 2-D FFT as rows, transpose, rows: the result is the transposed spectrum.
// Applied twice (forward, then inverse) the transposes cancel.
void fft2d_transposed(std::vector<Complex>& data, int n, const std::vector<Complex>& twiddle, bool inverse) {
  for (int y = 0; y < n; ++y) fft_inplace(data.data() + static_cast<size_t>(y) * n, n, twiddle, inverse);
  transpose(data, n);
  for (int y = 0; y < n; ++y) fft_inplace(data.data() + static_cast<size_t>(y) * n, n, twiddle, inverse);
}

// ---------- lattice recovery ----------

struct Lattice {
  double v1x, v1y, v2x, v2y;  // tile edge vectors in work pixels
};

// Circular autocorrelation of a centred, tapered window of the residual.
std::vector<float> autocorrelation(const FloatPlane& residual, int n) {
  std::vector<Complex> data(static_cast<size_t>(n) * n, Complex(0, 0));
  const int cw = std::min(residual.w, n), ch = std::min(residual.h, n);
  const int x0 = (residual.w - cw) / 2, y0 = (residual.h - ch) / 2;
  for (int y = 0; y < ch; ++y) {
    const float wy = 0.5f - 0.5f * std::cos(2.0f * static_cast<float>(kPi) * (y + 0.5f) / ch);
    for (int x = 0; x < cw; ++x) {
      const float wx = 0.5f - 0.5f * std::cos(2.0f * static_cast<float>(kPi) * (x + 0.5f) / cw);
      data[static_cast<size_t>(y) * n + x] = Complex(residual.at(x0 + x, y0 + y) * std::sqrt(wx * wy), 0);
    }
  }
  std::vector<Complex> twiddle(n / 2);
  for (int k = 0; k < n / 2; ++k)
    twiddle[k] = Complex(static_cast<float>(std::cos(-2 * kPi * k / n)), static_cast<float>(std::sin(-2 * kPi * k / n)));
  fft2d_transposed(data, n, twiddle, false);
  // The spectrum is transposed here; the whitening below is symmetric in x and y.
  // Spectral whitening: divide the power spectrum by its local mean so the
  // host's smooth spectrum flattens and the tile's line spectrum stands out.
  std::vector<float> power(data.size());
  for (size_t i = 0; i < data.size(); ++i) power[i] = std::norm(data[i]);
  FloatPlane spectrum{n, n, power};
  const FloatPlane smooth = box_mean(spectrum, 4);
  for (size_t i = 0; i < data.size(); ++i) data[i] = Complex(power[i] / (smooth.v[i] + 1e-12f), 0);
  data[0] = Complex(0, 0);
  fft2d_transposed(data, n, twiddle, true);
  std::vector<float> ac(data.size());
  float zero = 0;
  for (size_t i = 0; i < data.size(); ++i) zero = std::max(zero, data[i].real());
  if (zero <= 0) zero = 1.0f;
  for (size_t i = 0; i < data.size(); ++i) ac[i] = data[i].real() / zero;
  return ac;
}

struct Peak {
  double x, y, value;
};

// Local maxima of the autocorrelation with lag length in [min_r, max_r] whose
// direction lies within max_angle of `axis` (0 horizontal, 1 vertical), best first.
std::vector<Peak> find_peaks(const std::vector<float>& ac, int n, double min_r, double max_r, int axis,
                             double max_angle_deg, int keep) {
  auto at = [&](int x, int y) { return ac[static_cast<size_t>((y + n) % n) * n + (x + n) % n]; };
  std::vector<Peak> peaks;
  const int r = static_cast<int>(std::ceil(max_r));
  const double tan_max = std::tan(max_angle_deg * kPi / 180.0);
  for (int a = static_cast<int>(min_r); a <= r; ++a) {     // along the axis
    const int span = static_cast<int>(std::ceil(a * tan_max));
    for (int b = -span; b <= span; ++b) {                  // across it
      const int x = axis == 0 ? a : b, y = axis == 0 ? b : a;
      const double len = std::hypot(x, y);
      if (len < min_r || len > max_r) continue;
      const float v = at(x, y);
      bool is_max = true;
      for (int dy = -1; dy <= 1 && is_max; ++dy)
        for (int dx = -1; dx <= 1; ++dx)
          if ((dx || dy) && at(x + dx, y + dy) > v) {
            is_max = false;
            break;
          }
      if (!is_max) continue;
      // Parabolic sub-pixel refinement.
      const double l = at(x - 1, y), rr = at(x + 1, y), u = at(x, y - 1), d = at(x, y + 1);
      const double den_x = l - 2 * v + rr, den_y = u - 2 * v + d;
      const double ox = den_x < 0 ? std::clamp(0.5 * (l - rr) / den_x, -0.5, 0.5) : 0.0;
      const double oy = den_y < 0 ? std::clamp(0.5 * (u - d) / den_y, -0.5, 0.5) : 0.0;
      peaks.push_back({x + ox, y + oy, v});
    }
  }
  std::sort(peaks.begin(), peaks.end(), [](const Peak& p, const Peak& q) { return p.value > q.value; });
  if (static_cast<int>(peaks.size()) > keep) peaks.resize(keep);
  return peaks;
}

// Refines a lattice vector with its 2nd and 3rd multiples when they fit the window.
void refine_with_harmonics(const std::vector<float>& ac, int n, double& vx, double& vy) {
  auto at = [&](int x, int y) { return ac[static_cast<size_t>((y + n) % n) * n + (x + n) % n]; };
  for (int k = 2; k <= 3; ++k) {
    const double tx = vx * k, ty = vy * k;
    if (std::hypot(tx, ty) > n / 2 - 4) break;
    int bx = static_cast<int>(std::lround(tx)), by = static_cast<int>(std::lround(ty));
    float best = -1e30f;
    int px = bx, py = by;
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx)
        if (at(bx + dx, by + dy) > best) {
          best = at(bx + dx, by + dy);
          px = bx + dx;
          py = by + dy;
        }
    const double l = at(px - 1, py), r = at(px + 1, py), u = at(px, py - 1), d = at(px, py + 1);
    const double den_x = l - 2 * best + r, den_y = u - 2 * best + d;
    const double ox = den_x < 0 ? std::clamp(0.5 * (l - r) / den_x, -0.5, 0.5) : 0.0;
    const double oy = den_y < 0 ? std::clamp(0.5 * (u - d) / den_y, -0.5, 0.5) : 0.0;
    vx = (px + ox) / k;
    vy = (py + oy) / k;
  }
}

// Lattice candidates from the comb of the whitened autocorrelation: for an
// axis-aligned square lattice of period p, the mean of the autocorrelation
// over every lattice point in the window (all harmonics at once). Single
// peaks fail on small or textured images (the host's own peaks win, and a
// 256-px window has no room for harmonics); the comb sums the evidence of the
// whole lattice. Key-independent, so it adds no tests to the bound.
double comb_sum(const std::vector<float>& ac, int n, double period) {
  auto at = [&](double x, double y) {  // bilinear, circular
    const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
    const double fx = x - x0, fy = y - y0;
    auto g = [&](int xx, int yy) { return static_cast<double>(ac[static_cast<size_t>((yy % n + n) % n) * n + (xx % n + n) % n]); };
    return (1 - fx) * (1 - fy) * g(x0, y0) + fx * (1 - fy) * g(x0 + 1, y0) + (1 - fx) * fy * g(x0, y0 + 1) + fx * fy * g(x0 + 1, y0 + 1);
  };
  const int reach = static_cast<int>(std::floor((n * 0.5 - 2) / period));
  double sum = 0;
  int points = 0;
  for (int k = -reach; k <= reach; ++k)
    for (int l = -reach; l <= reach; ++l)
      if (k || l) {
        sum += at(k * period, l * period);
        ++points;
      }
  return points ? sum / std::sqrt(static_cast<double>(points)) : 0.0;
}

// Periods in [min_period, max_period] (0.2% steps) where the comb has a local maximum, best first.
std::vector<double> comb_periods(const std::vector<float>& ac, int n, double min_period, double max_period, int keep) {
  std::vector<std::pair<double, double>> curve;  // (period, comb)
  for (double p = min_period; p <= max_period; p *= 1.002) curve.emplace_back(p, comb_sum(ac, n, p));
  std::vector<std::pair<double, double>> maxima;  // (comb, period)
  for (size_t i = 1; i + 1 < curve.size(); ++i)
    if (curve[i].second > curve[i - 1].second && curve[i].second >= curve[i + 1].second)
      maxima.emplace_back(curve[i].second, curve[i].first);
  std::sort(maxima.rbegin(), maxima.rend());
  std::vector<double> periods;
  for (size_t i = 0; i < maxima.size() && static_cast<int>(periods.size()) < keep; ++i) periods.push_back(maxima[i].second);
  return periods;
}

// ---------- folding and pilot search ----------

// Mean residual per 2-pixel tile cell along `lattice` (kCells x kCells).
std::vector<float> fold(const FloatPlane& residual, const Lattice& lat) {
  const double det = lat.v1x * lat.v2y - lat.v2x * lat.v1y;
  const double i11 = lat.v2y / det * kCells, i12 = -lat.v2x / det * kCells;
  const double i21 = -lat.v1y / det * kCells, i22 = lat.v1x / det * kCells;
  std::vector<float> sum(kCells * kCells, 0.0f);
  std::vector<uint32_t> count(kCells * kCells, 0);
  // Cell coordinates in 44.20 fixed point: exact enough (drift < 0.001 cell
  // over a 1024-pixel row) and cheaper than a floor per pixel.
  constexpr double kOne = 1 << 20;
  const int64_t step_a = std::llround(i11 * kOne), step_b = std::llround(i21 * kOne);
  constexpr int64_t kMask = static_cast<int64_t>(kCells) - 1;
  for (int y = 0; y < residual.h; ++y) {
    int64_t a = std::llround(y * i12 * kOne), b = std::llround(y * i22 * kOne);
    const float* row = residual.v.data() + static_cast<size_t>(y) * residual.w;
    for (int x = 0; x < residual.w; ++x, a += step_a, b += step_b) {
      const int cell = static_cast<int>(((b >> 20) & kMask) * kCells + ((a >> 20) & kMask));
      sum[cell] += row[x];
      count[cell] += 1;
    }
  }
  for (int i = 0; i < kCells * kCells; ++i) sum[i] = count[i] ? sum[i] / static_cast<float>(count[i]) : 0.0f;
  return sum;
}

struct Alignment {
  double z = -1e30;
  int phase_x = 0, phase_y = 0, shift_x = 0, shift_y = 0;  // chip c sits at chips[(c + shift)] of phase grid
  std::array<float, kChips> chip_values{};
};

// Chip sums of the folded tile for one 2x2 sub-chip phase.
std::array<float, kChips> chip_sums(const std::vector<float>& folded, int phase_x, int phase_y) {
  std::array<float, kChips> g{};
  for (int cy = 0; cy < kChipsPerSide; ++cy)
    for (int cx = 0; cx < kChipsPerSide; ++cx) {
      float s = 0;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx)
          s += folded[((2 * cy + phase_y + dy) & (kCells - 1)) * kCells + ((2 * cx + phase_x + dx) & (kCells - 1))];
      g[cy * kChipsPerSide + cx] = s;
    }
  return g;
}

Alignment search_pilot(const std::vector<float>& folded, const KeyPattern& pattern) {
  Alignment best;
  constexpr int kSide = kChipsPerSide;
  for (int py = 0; py < 2; ++py)
    for (int px = 0; px < 2; ++px) {
      const std::array<float, kChips> g = chip_sums(folded, px, py);
      // Rows of g and g^2 repeated twice, so every shift reads contiguously.
      std::array<float, kChips * 2> wide{}, wide_sq{};
      for (int r = 0; r < kSide; ++r)
        for (int c = 0; c < 2 * kSide; ++c) {
          const float v = g[r * kSide + (c & (kSide - 1))];
          wide[r * 2 * kSide + c] = v;
          wide_sq[r * 2 * kSide + c] = v * v;
        }
      // corr[sy][sx] = sum over pilot chips of sign * g at the shifted chip.
      std::array<float, kChips> corr{}, energy{};
      for (int c : pattern.pilot_list) {
        const int row = c / kSide, col = c % kSide;
        const float sign = pattern.pilot_sign[c];
        for (int sy = 0; sy < kSide; ++sy) {
          const float* src = wide.data() + ((row + sy) & (kSide - 1)) * 2 * kSide + col;
          const float* src_sq = wide_sq.data() + ((row + sy) & (kSide - 1)) * 2 * kSide + col;
          float* dst = corr.data() + sy * kSide;
          float* dst_sq = energy.data() + sy * kSide;
          for (int sx = 0; sx < kSide; ++sx) {
            dst[sx] += sign * src[sx];
            dst_sq[sx] += src_sq[sx];
          }
        }
      }
      for (int sy = 0; sy < kSide; ++sy)
        for (int sx = 0; sx < kSide; ++sx) {
          const float e = energy[sy * kSide + sx];
          const double z = e > 0 ? corr[sy * kSide + sx] / std::sqrt(static_cast<double>(e)) : 0.0;
          if (z > best.z) {
            best.z = z;
            best.phase_x = px;
            best.phase_y = py;
            best.shift_x = sx;
            best.shift_y = sy;
            for (int c = 0; c < kChips; ++c) {
              const int cx = (c % kSide + sx) & (kSide - 1);
              const int cy = (c / kSide + sy) & (kSide - 1);
              best.chip_values[c] = g[cy * kSide + cx];
            }
          }
        }
    }
  return best;
}

// Soft coded bits from the data chips at `alignment`, Viterbi, CRC. Returns
// whether the CRC matched; `payload` gets the decoded bits either way.
bool decode_payload(const Alignment& alignment, const KeyPattern& pattern, Payload& payload) {
  std::array<double, kMaxCodedBits> soft{};
  for (int c = 0; c < kChips; ++c)
    if (pattern.coded_index[c] >= 0) soft[pattern.coded_index[c]] += pattern.data_sign[c] * alignment.chip_values[c];
  const InfoBits info = viterbi_decode(soft, pattern.info_bits);
  payload = Payload{};
  uint8_t* used = payload.data() + kPayloadBytes - pattern.payload_bits / 8;
  for (int i = 0; i < pattern.payload_bits; ++i) used[i / 8] |= static_cast<uint8_t>(info[i] << (7 - i % 8));
  uint16_t crc = 0;
  for (int i = 0; i < 16; ++i) crc = static_cast<uint16_t>((crc << 1) | info[pattern.payload_bits + i]);
  return crc == crc16_ccitt(used, pattern.payload_bits / 8);
}

}  // namespace

Result<EmbedReport> embed(const Image& image, const std::string& key, const Payload& payload,
                          const EmbedOptions& options) {
  if (key.empty()) return InvalidArgument("imagemark: empty key");
  if (!(options.psnr_db >= 30 && options.psnr_db <= 60)) return InvalidArgument("imagemark: psnr_db must be 30..60");
  if (image.width() < kMinEmbedSide || image.height() < kMinEmbedSide)
    return InvalidArgument("imagemark: image smaller than 64x64");
  const bool fits_32 = std::all_of(payload.begin(), payload.begin() + 4, [](uint8_t b) { return b == 0; });
  if (options.payload_bits != 0 && options.payload_bits != 32 && options.payload_bits != 64)
    return InvalidArgument("imagemark: payload_bits must be 0 (automatic), 32 or 64");
  if (options.payload_bits == 32 && !fits_32) return InvalidArgument("imagemark: the payload does not fit in 32 bits");
  const bool compact = options.payload_bits == 32 || (options.payload_bits == 0 && fits_32);
  const KeyPattern pattern = make_pattern(key, kLayouts[compact ? 1 : 0]);
  const std::array<int8_t, kChips> chips = tile_chips(pattern, payload);

  // A pixel's 8-bit offset on channel c is the dithered rounding of
  // factor * gain * kChannelShare[c] (away from 0/255), so the PSNR of any
  // factor can be predicted from the gain histogram without rendering.
  std::array<uint32_t, kGainLevels> histogram;
  const std::vector<uint8_t> gain = gain_levels(image, histogram);
  const int width = static_cast<int>(image.width()), height = static_cast<int>(image.height());
  const double pixels = static_cast<double>(gain.size());
  auto predicted_mse = [&](double factor) {
    double se = 0;
    for (int b = 0; b < kGainLevels; ++b) {
      if (!histogram[b]) continue;
      // Dithered rounding: floor(a + t), t ~ uniform, gives lo or lo + 1.
      const double amplitude = std::min(16.0, factor * gain_of_level(b));
      double sq = 0;
      for (int c = 0; c < 3; ++c) {
        const double a = amplitude * kChannelShare[c];
        const double low = std::floor(a), above = a - low;
        sq += (1 - above) * low * low + above * (low + 1) * (low + 1);
      }
      se += histogram[b] * sq / 3.0;
    }
    return se / pixels;
  };
  // Largest factor whose predicted MSE meets the budget (MSE grows with the factor).
  auto factor_for = [&](double mse_budget) {
    double low = 0, high = 16.0 / kGainFloor;
    for (int step = 0; step < 40; ++step) {
      const double mid = 0.5 * (low + high);
      (predicted_mse(mid) <= mse_budget ? low : high) = mid;
    }
    return static_cast<float>(low);
  };
  // Renders the marked copy; returns it with its RGB squared error. Offsets
  // are floor(amplitude * share + threshold) in 16.16 fixed point.
  int32_t dither[16][16];
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) dither[y][x] = static_cast<int32_t>(dither_threshold(x, y) * 65536.0f);
  auto render = [&](float factor, double& squared_error) {
    Image out = Image::from_rgba(image.width(), image.height(), image.data(), image.byte_size()).value();
    squared_error = 0;
    std::array<std::array<int32_t, 3>, kGainLevels> offset_of;
    for (int b = 0; b < kGainLevels; ++b)
      for (int c = 0; c < 3; ++c)
        offset_of[b][c] = static_cast<int32_t>(std::min(16.0f, factor * gain_of_level(b)) * kChannelShare[c] * 65536.0f);
    std::array<int8_t, kTile> signs;
    for (int y = 0; y < height; ++y) {
      uint8_t* px = out.row(static_cast<uint32_t>(y));
      const int8_t* chip_row = chips.data() + ((y % kTile) / kChip) * kChipsPerSide;
      for (int x = 0; x < kTile; ++x) signs[x] = chip_row[x / kChip];
      const uint8_t* g = gain.data() + static_cast<size_t>(y) * width;
      const int32_t* t = dither[y & 15];
      int64_t row_error = 0;
      for (int x = 0; x < width; ++x, px += 4) {
        const int32_t* offset = offset_of[g[x]].data();
        const int32_t threshold = t[x & 15], sign = signs[x & (kTile - 1)];
        for (int c = 0; c < 3; ++c) {
          const int old_value = px[c];
          const int value = std::clamp(old_value + ((offset[c] + threshold) >> 16) * sign, 0, 255);
          px[c] = static_cast<uint8_t>(value);
          row_error += (value - old_value) * (value - old_value);
        }
      }
      squared_error += static_cast<double>(row_error);
    }
    return out;
  };
  const double samples = pixels * 3;
  auto psnr_of = [&](double squared_error) {
    return squared_error > 0 ? 10 * std::log10(255.0 * 255.0 * samples / squared_error) : 99.0;
  };
  // The prediction ignores clipping at 0/255 and the gain's variation within a
  // chip. Start slightly under budget, correct by the measured error (twice at
  // most) and keep the strongest rendering that meets the target.
  const double target_mse = 255.0 * 255.0 * std::pow(10.0, -options.psnr_db / 10.0);
  EmbedReport report;
  report.psnr_db = -1;
  report.payload_bits = pattern.payload_bits;
  double budget = target_mse * 0.985;
  for (int round = 0; round < 3; ++round) {
    double squared_error = 0;
    Image candidate = render(factor_for(budget), squared_error);
    const double p = psnr_of(squared_error);
    if (p >= options.psnr_db && (report.psnr_db < options.psnr_db || p < report.psnr_db)) {
      report.image = std::move(candidate);
      report.psnr_db = p;
      if (p < options.psnr_db + 0.1) break;
    }
    budget *= std::pow(10.0, (p - options.psnr_db) / 10.0) * (p >= options.psnr_db ? 0.995 : 0.99);
  }
  // Not reached in practice: halve the budget until the target is met; an
  // unmarked copy (factor 0) meets any target.
  for (int round = 0; report.psnr_db < options.psnr_db; ++round) {
    budget *= 0.5;
    double squared_error = 0;
    report.image = render(round < 8 ? factor_for(budget) : 0.0f, squared_error);
    report.psnr_db = psnr_of(squared_error);
  }
  return report;
}

Result<DetectReport> detect(const Image& image, const std::string& key) {
  if (key.empty()) return InvalidArgument("imagemark: empty key");
  if (image.empty()) return InvalidArgument("imagemark: empty image");
  DetectReport report;
  if (image.width() < kMinDetectSide || image.height() < kMinDetectSide) {
    report.too_small = true;
    return report;
  }
  const KeyPattern patterns[2] = {make_pattern(key, kLayouts[0]), make_pattern(key, kLayouts[1])};

  // Work resolution: integer reduction so the longer side is at most kMaxWorkSide.
  const int longest = static_cast<int>(std::max(image.width(), image.height()));
  const int factor = (longest + kMaxWorkSide - 1) / kMaxWorkSide;
  const FloatPlane residual = whitened_residual(work_luma(image, factor));
  if (residual.w < 48 || residual.h < 48) {
    report.too_small = true;
    return report;
  }

  // Each lattice: fold, pilot search, and (when synchronised) Viterbi + CRC.
  // The lattice of the image as marked (no rescale) is tried first; the
  // autocorrelation is only computed when it does not yield the payload.
  // Stopping early never adds tests, so the bound below still holds.
  struct Candidate {
    Alignment alignment;
    Lattice lattice{};
    int layout = 0;
    bool crc_ok = false;
    Payload payload{};
  };
  Candidate best;
  int lattices_tried = 0;
  auto try_lattice = [&](const Lattice& lattice) {
    ++lattices_tried;
    const std::vector<float> folded = fold(residual, lattice);
    for (int layout = 0; layout < 2; ++layout) {
      Candidate c;
      c.alignment = search_pilot(folded, patterns[layout]);
      c.lattice = lattice;
      c.layout = layout;
      if (c.alignment.z >= kDecodeThreshold) c.crc_ok = decode_payload(c.alignment, patterns[layout], c.payload);
      if ((lattices_tried == 1 && layout == 0) || (c.crc_ok && !best.crc_ok) ||
          (c.crc_ok == best.crc_ok && c.alignment.z > best.alignment.z))
        best = c;
      if (c.crc_ok) return true;
    }
    return false;
  };
  const double identity_period = static_cast<double>(kTile) / factor;
  if (!try_lattice(Lattice{identity_period, 0, 0, identity_period})) {
    int n = 64;
    while (n < kAutocorrSize && (n < residual.w || n < residual.h)) n *= 2;
    const std::vector<float> ac = autocorrelation(residual, n);
    const double min_period = 0.45 * kTile / factor, max_period = std::min(2.1 * kTile / factor, n * 0.5 - 2);
    const std::vector<Peak> horizontal = find_peaks(ac, n, std::max(min_period, 20.0), max_period, 0, 8.0, 3);
    const std::vector<Peak> vertical = find_peaks(ac, n, std::max(min_period, 20.0), max_period, 1, 8.0, 3);
    bool done = false;
    // Axis-aligned lattices from the comb first (rescaled copies), then peak
    // pairs (rotation, shear); kMaxLattices in all.
    for (double period : comb_periods(ac, n, std::max(min_period, 20.0), max_period, kCombLattices)) {
      if (done) break;
      done = try_lattice(Lattice{period, 0, 0, period}) || lattices_tried >= kMaxLattices;
    }
    for (size_t i = 0; i < horizontal.size() && !done; ++i)
      for (size_t j = 0; j < vertical.size() && !done; ++j) {
        const Peak& h = horizontal[i];
        const Peak& v = vertical[j];
        Lattice lattice{h.x, h.y, v.x, v.y};
        const double lh = std::hypot(h.x, h.y), lv = std::hypot(v.x, v.y);
        if (lh / lv > 1.25 || lv / lh > 1.25) continue;  // the tile is square: scales must agree
        refine_with_harmonics(ac, n, lattice.v1x, lattice.v1y);
        refine_with_harmonics(ac, n, lattice.v2x, lattice.v2y);
        done = try_lattice(lattice) || lattices_tried >= kMaxLattices;
      }
  }
  report.lattices_tried = static_cast<uint32_t>(lattices_tried);
  const Alignment& alignment = best.alignment;
  const Lattice& best_lattice = best.lattice;
  report.z = alignment.z;
  // A payload is reported when the pilot reaches kDecodeThreshold and the
  // CRC matches; the bound of a report includes the CRC's 2^-16 (header).
  const double pilot_bound = std::min(1.0, kMaxTests * std::exp(-0.5 * alignment.z * alignment.z));
  report.found = best.crc_ok && alignment.z >= kDecodeThreshold;
  report.false_positive_bound = report.found ? pilot_bound * kCrcFalseMatch : pilot_bound;
  report.scale = 0.5 * (std::hypot(best_lattice.v1x, best_lattice.v1y) + std::hypot(best_lattice.v2x, best_lattice.v2y)) *
                 factor / kTile;
  report.rotation_deg = std::atan2(best_lattice.v1y, best_lattice.v1x) * 180.0 / kPi;
  report.synchronized = report.found || alignment.z >= kDetectionThreshold;
  if (!report.synchronized) return report;
  const Payload& payload = best.payload;
  const KeyPattern& pattern = patterns[best.layout];
  if (report.found) {
    report.payload = payload;
    report.payload_bits = pattern.payload_bits;
    report.confidence = 1.0 - report.false_positive_bound;
  }

  // Map: local correlation of the residual with the expected mark (pilot only
  // when the payload did not decode), in cells of about half a tile.
  const std::array<int8_t, kChips> expected = report.found ? tile_chips(pattern, payload) : pattern.pilot_sign;
  const double det = best_lattice.v1x * best_lattice.v2y - best_lattice.v2x * best_lattice.v1y;
  const double i11 = best_lattice.v2y / det * kCells, i12 = -best_lattice.v2x / det * kCells;
  const double i21 = -best_lattice.v1y / det * kCells, i22 = best_lattice.v1x / det * kCells;
  const int cell_work = std::max(8, static_cast<int>(std::hypot(best_lattice.v1x, best_lattice.v1y) / 2));
  report.map_cell = static_cast<uint32_t>(cell_work * factor);
  report.map_width = static_cast<uint32_t>((residual.w + cell_work - 1) / cell_work);
  report.map_height = static_cast<uint32_t>((residual.h + cell_work - 1) / cell_work);
  std::vector<double> corr(report.map_width * report.map_height, 0.0), energy(corr.size(), 0.0);
  for (int y = 0; y < residual.h; ++y) {
    double a = y * i12, b = y * i22;
    for (int x = 0; x < residual.w; ++x, a += i11, b += i21) {
      const int ca = (static_cast<int>(std::floor(a)) - alignment.phase_x) & (kCells - 1);
      const int cb = (static_cast<int>(std::floor(b)) - alignment.phase_y) & (kCells - 1);
      const int chip_x = ((ca >> 1) - alignment.shift_x) & (kChipsPerSide - 1);
      const int chip_y = ((cb >> 1) - alignment.shift_y) & (kChipsPerSide - 1);
      const int8_t sign = expected[chip_y * kChipsPerSide + chip_x];
      if (!sign) continue;
      const float r = residual.at(x, y);
      const size_t m = static_cast<size_t>(y / cell_work) * report.map_width + x / cell_work;
      corr[m] += sign * r;
      energy[m] += r * r;
    }
  }
  report.map.resize(corr.size());
  for (size_t i = 0; i < corr.size(); ++i)
    report.map[i] = energy[i] > 0 ? static_cast<float>(corr[i] / std::sqrt(energy[i])) : 0.0f;
  return report;
}

}  // namespace filigrane::imagemark
