// SHA-256 (FIPS 180-4), used by the screen watermark to turn a key string into
// pattern seeds and a payload tag. Self-contained; no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace filigrane::screenmark {

using Sha256Digest = std::array<uint8_t, 32>;

// Incremental hasher: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  // Appends `size` bytes; `data` may be null only when size == 0.
  void update(const uint8_t* data, size_t size);
  // Returns the digest; the object must not be used afterwards.
  Sha256Digest finish();

 private:
  void compress(const uint8_t block[64]);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// One-shot digest of `size` bytes at `data`.
Sha256Digest sha256(const uint8_t* data, size_t size);

}  // namespace filigrane::screenmark
