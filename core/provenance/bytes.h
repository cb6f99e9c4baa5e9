// Bounds-checked random access into untrusted bytes, for formats that address
// data by offset (TIFF, ISO-BMFF, JUMBF). Every accessor returns false instead
// of reading outside [data, data + size). A ByteView never owns its bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace filigrane::provenance {

struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;

  ByteView() = default;
  ByteView(const uint8_t* d, size_t n) : data(d), size(d ? n : 0) {}

  bool empty() const { return size == 0; }
  // True when [offset, offset + length) lies inside the view (overflow-safe).
  bool contains(size_t offset, size_t length) const {
    return offset <= size && length <= size - offset;
  }
  // Sub-view; an empty view when the range is out of bounds.
  ByteView sub(size_t offset, size_t length) const {
    if (!contains(offset, length)) return ByteView();
    return ByteView(data + offset, length);
  }
  ByteView tail(size_t offset) const {
    if (offset > size) return ByteView();
    return ByteView(data + offset, size - offset);
  }
  bool starts_with(std::string_view prefix) const {
    return prefix.size() <= size && std::memcmp(data, prefix.data(), prefix.size()) == 0;
  }
  bool equals_at(size_t offset, std::string_view tag) const {
    return contains(offset, tag.size()) && std::memcmp(data + offset, tag.data(), tag.size()) == 0;
  }
  bool u8_at(size_t offset, uint8_t& out) const {
    if (!contains(offset, 1)) return false;
    out = data[offset];
    return true;
  }
  bool u16_at(size_t offset, bool big_endian, uint16_t& out) const {
    uint64_t v;
    if (!uint_at(offset, 2, big_endian, v)) return false;
    out = static_cast<uint16_t>(v);
    return true;
  }
  bool u32_at(size_t offset, bool big_endian, uint32_t& out) const {
    uint64_t v;
    if (!uint_at(offset, 4, big_endian, v)) return false;
    out = static_cast<uint32_t>(v);
    return true;
  }
  bool u64_at(size_t offset, bool big_endian, uint64_t& out) const {
    return uint_at(offset, 8, big_endian, out);
  }
  // Reads an unsigned integer of `width` bytes (0..8). Width 0 yields 0.
  bool uint_at(size_t offset, size_t width, bool big_endian, uint64_t& out) const {
    if (width > 8 || !contains(offset, width)) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) {
      v = (v << 8) | data[offset + (big_endian ? i : width - 1 - i)];
    }
    out = v;
    return true;
  }
  std::string to_string() const { return std::string(reinterpret_cast<const char*>(data), size); }
};

}  // namespace filigrane::provenance
