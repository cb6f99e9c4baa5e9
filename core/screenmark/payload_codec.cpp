#include "core/screenmark/payload_codec.h"

#include <cstring>
#include <limits>
#include <vector>

namespace filigrane::screenmark {
namespace {

constexpr uint32_t kGenerators[kCodeRate] = {0133, 0171, 0165};
constexpr int kStates = 1 << (kConstraintLength - 1);  // 64
constexpr int kSteps = kInfoBits + kTailBits;          // 102

inline int parity(uint32_t v) { return __builtin_parity(v); }

// Output bits of the encoder when `input` enters with register `state`.
inline uint32_t branch_outputs(uint32_t state, uint32_t input) {
  uint32_t reg = (input << (kConstraintLength - 1)) | state;
  uint32_t out = 0;
  for (int g = 0; g < kCodeRate; ++g) out |= uint32_t(parity(reg & kGenerators[g])) << g;
  return out;
}

Sha256Digest hash_with_domain(const char* domain, std::string_view key) {
  Sha256 hasher;
  hasher.update(reinterpret_cast<const uint8_t*>(domain), std::strlen(domain));
  hasher.update(reinterpret_cast<const uint8_t*>(key.data()), key.size());
  return hasher.finish();
}

std::array<uint8_t, kInfoBits> info_bits(uint64_t payload, uint32_t tag) {
  std::array<uint8_t, kInfoBits> bits{};
  for (int i = 0; i < kPayloadBits; ++i) bits[i] = uint8_t((payload >> (63 - i)) & 1u);
  for (int i = 0; i < kTagBits; ++i) bits[kPayloadBits + i] = uint8_t((tag >> (31 - i)) & 1u);
  return bits;
}

}  // namespace

KeyMaterial derive_key_material(std::string_view key) {
  KeyMaterial material;
  material.pattern_seed = hash_with_domain("filigrane/screenmark/v1/pattern\n", key);
  material.tag_key = hash_with_domain("filigrane/screenmark/v1/tag\n", key);
  return material;
}

uint32_t payload_tag(uint64_t payload, const KeyMaterial& key) {
  Sha256 hasher;
  hasher.update(key.tag_key.data(), key.tag_key.size());
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = uint8_t(payload >> (56 - 8 * i));
  hasher.update(bytes, 8);
  Sha256Digest d = hasher.finish();
  return (uint32_t(d[0]) << 24) | (uint32_t(d[1]) << 16) | (uint32_t(d[2]) << 8) | uint32_t(d[3]);
}

std::array<uint8_t, kCodedBits> encode_payload(uint64_t payload, const KeyMaterial& key) {
  auto bits = info_bits(payload, payload_tag(payload, key));
  std::array<uint8_t, kCodedBits> coded{};
  uint32_t state = 0;
  for (int step = 0; step < kSteps; ++step) {
    uint32_t input = step < kInfoBits ? bits[step] : 0u;
    uint32_t out = branch_outputs(state, input);
    for (int g = 0; g < kCodeRate; ++g) coded[step * kCodeRate + g] = uint8_t((out >> g) & 1u);
    state = ((input << (kConstraintLength - 1)) | state) >> 1;
  }
  return coded;
}

PayloadDecode decode_payload(const std::array<float, kCodedBits>& soft, const KeyMaterial& key) {
  // Precompute, for every (state, input), the branch output pattern.
  static const auto kOutputs = [] {
    std::array<std::array<uint8_t, 2>, kStates> t{};
    for (int s = 0; s < kStates; ++s)
      for (int b = 0; b < 2; ++b) t[s][b] = uint8_t(branch_outputs(uint32_t(s), uint32_t(b)));
    return t;
  }();
  const float kNegInf = -std::numeric_limits<float>::infinity();
  std::array<float, kStates> metric;
  metric.fill(kNegInf);
  metric[0] = 0.0f;
  // survivor[step][next_state] = previous state (the input bit is the MSB of next_state).
  std::vector<std::array<uint8_t, kStates>> survivor(kSteps);
  for (int step = 0; step < kSteps; ++step) {
    // Correlation metric for each of the 8 possible output patterns.
    float pattern_metric[1 << kCodeRate];
    for (int p = 0; p < (1 << kCodeRate); ++p) {
      float m = 0;
      for (int g = 0; g < kCodeRate; ++g) {
        float y = soft[step * kCodeRate + g];
        m += ((p >> g) & 1) ? -y : y;
      }
      pattern_metric[p] = m;
    }
    std::array<float, kStates> next;
    next.fill(kNegInf);
    const int max_input = step < kInfoBits ? 1 : 0;
    for (int s = 0; s < kStates; ++s) {
      if (metric[s] == kNegInf) continue;
      for (int b = 0; b <= max_input; ++b) {
        int ns = ((b << (kConstraintLength - 1)) | s) >> 1;
        float m = metric[s] + pattern_metric[kOutputs[s][b]];
        if (m > next[ns]) {
          next[ns] = m;
          survivor[step][ns] = uint8_t(s);
        }
      }
    }
    metric = next;
  }
  // Trace back from state 0 (the tail forces it).
  std::array<uint8_t, kSteps> inputs{};
  int state = 0;
  for (int step = kSteps - 1; step >= 0; --step) {
    inputs[step] = uint8_t((state >> (kConstraintLength - 2)) & 1);
    state = survivor[step][state];
  }
  PayloadDecode result;
  uint64_t payload = 0;
  for (int i = 0; i < kPayloadBits; ++i) payload = (payload << 1) | inputs[i];
  uint32_t tag = 0;
  for (int i = 0; i < kTagBits; ++i) tag = (tag << 1) | inputs[kPayloadBits + i];
  result.payload = payload;
  result.tag_ok = (tag == payload_tag(payload, key));
  result.reencoded = encode_payload(payload, key);
  return result;
}

}  // namespace filigrane::screenmark
