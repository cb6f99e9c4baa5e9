#include "core/screenmark/keyed_pattern.h"

namespace filigrane::screenmark {
namespace {

// xoshiro256** (Blackman & Vigna), seeded from 32 hash bytes.
class Xoshiro256 {
 public:
  explicit Xoshiro256(const Sha256Digest& seed) {
    for (int i = 0; i < 4; ++i) {
      uint64_t v = 0;
      for (int b = 0; b < 8; ++b) v = (v << 8) | seed[8 * i + b];
      s_[i] = v;
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // all-zero state is a fixed point
  }
  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, bound) without modulo bias (rejection).
  uint32_t below(uint32_t bound) {
    uint64_t limit = (~uint64_t(0)) - ((~uint64_t(0)) % bound);
    uint64_t v;
    do v = next(); while (v >= limit);
    return uint32_t(v % bound);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace

TileLayout make_tile_layout(const KeyMaterial& key) {
  Xoshiro256 rng(key.pattern_seed);
  std::array<int16_t, kCellCount> order{};
  for (int i = 0; i < kCellCount; ++i) order[i] = int16_t(i);
  for (int i = kCellCount - 1; i > 0; --i) {
    int j = int(rng.below(uint32_t(i + 1)));
    std::swap(order[i], order[j]);
  }
  TileLayout layout;
  layout.coded_index.fill(-1);
  for (int k = 0; k < kDataCells; ++k) layout.coded_index[order[k]] = int16_t(k % kCodedBits);
  for (int c = 0; c < kCellCount; c += 64) {
    uint64_t bits = rng.next();
    for (int b = 0; b < 64; ++b) layout.sign[c + b] = ((bits >> b) & 1u) ? int8_t(1) : int8_t(-1);
  }
  return layout;
}

std::array<int8_t, kCellCount> tile_chips(const TileLayout& layout,
                                          const std::array<uint8_t, kCodedBits>& coded) {
  std::array<int8_t, kCellCount> chips{};
  for (int c = 0; c < kCellCount; ++c) {
    int k = layout.coded_index[c];
    int8_t s = layout.sign[c];
    chips[c] = (k < 0 || coded[k] == 0) ? s : int8_t(-s);
  }
  return chips;
}

}  // namespace filigrane::screenmark
