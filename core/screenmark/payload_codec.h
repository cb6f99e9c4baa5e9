// Payload codec of the screen watermark: 64 payload bits + 32-bit keyed tag,
// protected by a rate-1/3 convolutional code and decoded by soft Viterbi.
//
// Why this code: the channel seen by the decoder is a set of soft chip values
// (per-cell correlations averaged over many tile repetitions) with roughly
// Gaussian noise of varying strength. A K=7 rate-1/3 convolutional code
// (generators 133/171/165 octal, free distance 15) decoded with a soft
// Viterbi is near-ML for that channel, costs ~100 trellis steps x 64 states
// (microseconds), has no decoding threshold cliffs of the sort iterative codes
// show at short block lengths, and is easy to reproduce exactly.
//
// False decodes: Viterbi always returns *some* 96-bit word. The word is only
// accepted when its last 32 bits equal tag(payload) = first 4 bytes of
// SHA-256(mac_key || payload). For an image that carries no mark for this key
// the decoded word is independent of the keyed tag, so a single decode attempt
// passes with probability 2^-32. The decoder makes at most kMaxDecodeAttempts
// attempts per image, so P(false payload per image) <= kMaxDecodeAttempts *
// 2^-32 (~7.5e-9 for 32 attempts), before the extra sync and agreement gates.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/screenmark/sha256.h"

namespace filigrane::screenmark {

constexpr int kPayloadBits = 64;
constexpr int kTagBits = 32;
constexpr int kInfoBits = kPayloadBits + kTagBits;   // 96
constexpr int kConstraintLength = 7;
constexpr int kTailBits = kConstraintLength - 1;     // zero tail ends in state 0
constexpr int kCodeRate = 3;                         // coded bits per trellis step
constexpr int kCodedBits = (kInfoBits + kTailBits) * kCodeRate;  // 306

// Secrets derived from the user's key string. Separate hashes for the tag and
// the pattern, so knowing the pattern seed does not reveal the tag key.
struct KeyMaterial {
  Sha256Digest pattern_seed{};
  Sha256Digest tag_key{};
};

// Derives KeyMaterial from an arbitrary key string (any bytes, any length the
// caller accepts; the public API limits it).
KeyMaterial derive_key_material(std::string_view key);

// 32-bit keyed tag of a payload (big-endian bytes of `payload`).
uint32_t payload_tag(uint64_t payload, const KeyMaterial& key);

// Coded bits (0/1) for `payload` under `key`: 96 info bits (payload MSB first,
// then tag MSB first) + 6 zero tail bits, convolutionally encoded.
std::array<uint8_t, kCodedBits> encode_payload(uint64_t payload, const KeyMaterial& key);

struct PayloadDecode {
  bool tag_ok = false;     // true only when the keyed tag matched
  uint64_t payload = 0;    // the decoded payload bits (meaningless unless tag_ok)
  std::array<uint8_t, kCodedBits> reencoded{};  // codeword of the decoded word
};

// Soft-decision Viterbi. soft[i] > 0 means coded bit i is more likely 0,
// < 0 more likely 1; magnitude = reliability (any common scale). Returns the
// maximum-likelihood word and whether its tag verifies.
PayloadDecode decode_payload(const std::array<float, kCodedBits>& soft, const KeyMaterial& key);

}  // namespace filigrane::screenmark
