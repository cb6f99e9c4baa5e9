// Bounds-checked reading of untrusted bytes. Every read either succeeds
// fully inside [data, data + size) or returns false and leaves the output
// untouched; the reader never reads out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace filigrane {

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(data ? size : 0) {}

  size_t size() const { return size_; }
  size_t offset() const { return offset_; }
  size_t remaining() const { return size_ - offset_; }
  const uint8_t* current() const { return data_ + offset_; }

  bool seek(size_t offset) {
    if (offset > size_) return false;
    offset_ = offset;
    return true;
  }
  bool skip(size_t n) {
    if (n > remaining()) return false;
    offset_ += n;
    return true;
  }
  bool u8(uint8_t& out) {
    if (remaining() < 1) return false;
    out = data_[offset_++];
    return true;
  }
  bool u16be(uint16_t& out) { return read_uint(2, true, out); }
  bool u16le(uint16_t& out) { return read_uint(2, false, out); }
  bool u32be(uint32_t& out) { return read_uint(4, true, out); }
  bool u32le(uint32_t& out) { return read_uint(4, false, out); }
  // True when the next bytes equal `tag` (does not advance).
  bool peek_equals(const void* tag, size_t n) const {
    return n <= remaining() && std::memcmp(data_ + offset_, tag, n) == 0;
  }

 private:
  template <typename T>
  bool read_uint(size_t n, bool big_endian, T& out) {
    if (remaining() < n) return false;
    T v = 0;
    for (size_t i = 0; i < n; ++i) {
      const T b = data_[offset_ + (big_endian ? i : n - 1 - i)];
      v = static_cast<T>((v << 8) | b);
    }
    offset_ += n;
    out = v;
    return true;
  }

  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
};

}  // namespace filigrane
