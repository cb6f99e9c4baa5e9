#include "core/provenance/inflate.h"

#include <array>

namespace filigrane::provenance {
namespace {

constexpr int kMaxCodeBits = 15;

// Canonical Huffman code as counts per length plus symbols sorted by code,
// decoded one bit at a time (small tables, fine for text-sized payloads).
struct Huffman {
  std::array<uint16_t, kMaxCodeBits + 1> count{};
  std::array<uint16_t, 320> symbol{};
};

// Builds a code from code lengths. Returns false for an over-subscribed set;
// incomplete codes are allowed (RFC 1951 permits them for single-code trees).
bool build_huffman(Huffman& h, const uint8_t* lengths, int n) {
  h.count.fill(0);
  for (int i = 0; i < n; ++i) h.count[lengths[i]]++;
  if (h.count[0] == n) return true;  // no codes: any decode attempt fails
  int left = 1;
  for (int len = 1; len <= kMaxCodeBits; ++len) {
    left <<= 1;
    left -= h.count[len];
    if (left < 0) return false;
  }
  std::array<uint16_t, kMaxCodeBits + 2> offsets{};
  for (int len = 1; len < kMaxCodeBits; ++len) offsets[len + 1] = offsets[len] + h.count[len];
  for (int i = 0; i < n; ++i) {
    if (lengths[i] != 0) h.symbol[offsets[lengths[i]]++] = static_cast<uint16_t>(i);
  }
  return true;
}

class Inflater {
 public:
  Inflater(const uint8_t* data, size_t size, size_t max_output)
      : in_(data), size_(size), max_output_(max_output) {}

  Status run() {
    bool last = false;
    while (!last) {
      uint32_t header;
      if (!bits(3, header)) return truncated();
      last = header & 1;
      const uint32_t type = header >> 1;
      Status s;
      if (type == 0) s = stored();
      else if (type == 1) s = fixed();
      else if (type == 2) s = dynamic();
      else return CorruptData("deflate: invalid block type");
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  std::vector<uint8_t>& output() { return out_; }
  size_t consumed() const { return pos_; }

 private:
  static Status truncated() { return CorruptData("deflate: truncated stream"); }

  bool bits(int need, uint32_t& out) {
    while (bit_count_ < need) {
      if (pos_ >= size_) return false;
      bit_buffer_ |= static_cast<uint32_t>(in_[pos_++]) << bit_count_;
      bit_count_ += 8;
    }
    out = bit_buffer_ & ((1u << need) - 1);
    bit_buffer_ >>= need;
    bit_count_ -= need;
    return true;
  }

  // Returns the symbol, -1 when input ran out, -2 for an invalid code.
  int decode(const Huffman& h) {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      uint32_t b;
      if (!bits(1, b)) return -1;
      code |= static_cast<int>(b);
      const int count = h.count[len];
      if (code - count < first) return h.symbol[index + (code - first)];
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    return -2;
  }

  bool emit(uint8_t byte) {
    if (out_.size() >= max_output_) return false;
    out_.push_back(byte);
    return true;
  }

  Status stored() {
    bit_buffer_ = 0;  // skip to byte boundary
    bit_count_ = 0;
    if (size_ - pos_ < 4) return truncated();
    const uint32_t len = in_[pos_] | (in_[pos_ + 1] << 8);
    const uint32_t nlen = in_[pos_ + 2] | (in_[pos_ + 3] << 8);
    pos_ += 4;
    if (len != (~nlen & 0xffffu)) return CorruptData("deflate: stored length mismatch");
    if (size_ - pos_ < len) return truncated();
    if (len > max_output_ - out_.size()) return TooLarge("inflate: output limit reached");
    out_.insert(out_.end(), in_ + pos_, in_ + pos_ + len);
    pos_ += len;
    return Status::Ok();
  }

  Status codes(const Huffman& lit, const Huffman& dist) {
    static constexpr uint16_t kLenBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,
                                              15, 17, 19, 23, 27, 31, 35, 43, 51,  59,
                                              67, 83, 99, 115, 131, 163, 195, 227, 258};
    static constexpr uint8_t kLenExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                              2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static constexpr uint16_t kDistBase[30] = {1,    2,    3,    4,    5,    7,     9,     13,
                                               17,   25,   33,   49,   65,   97,    129,   193,
                                               257,  385,  513,  769,  1025, 1537,  2049,  3073,
                                               4097, 6145, 8193, 12289, 16385, 24577};
    static constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                               6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
      const int sym = decode(lit);
      if (sym == -1) return truncated();
      if (sym < 0) return CorruptData("deflate: invalid literal/length code");
      if (sym < 256) {
        if (!emit(static_cast<uint8_t>(sym))) return TooLarge("inflate: output limit reached");
        continue;
      }
      if (sym == 256) return Status::Ok();
      const int li = sym - 257;
      if (li >= 29) return CorruptData("deflate: invalid length symbol");
      uint32_t extra;
      if (!bits(kLenExtra[li], extra)) return truncated();
      const size_t length = kLenBase[li] + extra;
      const int ds = decode(dist);
      if (ds == -1) return truncated();
      if (ds < 0 || ds >= 30) return CorruptData("deflate: invalid distance code");
      if (!bits(kDistExtra[ds], extra)) return truncated();
      const size_t distance = kDistBase[ds] + extra;
      if (distance > out_.size()) return CorruptData("deflate: distance before start of output");
      if (length > max_output_ - out_.size()) return TooLarge("inflate: output limit reached");
      size_t from = out_.size() - distance;
      for (size_t i = 0; i < length; ++i) out_.push_back(out_[from + i]);
    }
  }

  Status fixed() {
    if (!fixed_built_) {
      uint8_t lengths[288];
      int i = 0;
      for (; i < 144; ++i) lengths[i] = 8;
      for (; i < 256; ++i) lengths[i] = 9;
      for (; i < 280; ++i) lengths[i] = 7;
      for (; i < 288; ++i) lengths[i] = 8;
      build_huffman(fixed_lit_, lengths, 288);
      for (i = 0; i < 30; ++i) lengths[i] = 5;
      build_huffman(fixed_dist_, lengths, 30);
      fixed_built_ = true;
    }
    return codes(fixed_lit_, fixed_dist_);
  }

  Status dynamic() {
    static constexpr uint8_t kOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
                                           11, 4, 12, 3, 13, 2, 14, 1, 15};
    uint32_t hlit, hdist, hclen;
    if (!bits(5, hlit) || !bits(5, hdist) || !bits(4, hclen)) return truncated();
    const int nlen = static_cast<int>(hlit) + 257;
    const int ndist = static_cast<int>(hdist) + 1;
    const int ncode = static_cast<int>(hclen) + 4;
    if (nlen > 286 || ndist > 30) return CorruptData("deflate: bad code counts");
    uint8_t lengths[320] = {};
    for (int i = 0; i < ncode; ++i) {
      uint32_t v;
      if (!bits(3, v)) return truncated();
      lengths[kOrder[i]] = static_cast<uint8_t>(v);
    }
    Huffman lencode;
    if (!build_huffman(lencode, lengths, 19)) return CorruptData("deflate: bad code-length code");
    int index = 0;
    uint8_t all[320] = {};
    while (index < nlen + ndist) {
      int sym = decode(lencode);
      if (sym == -1) return truncated();
      if (sym < 0) return CorruptData("deflate: bad code-length symbol");
      if (sym < 16) {
        all[index++] = static_cast<uint8_t>(sym);
        continue;
      }
      uint8_t value = 0;
      uint32_t repeat;
      if (sym == 16) {
        if (index == 0) return CorruptData("deflate: repeat with no previous length");
        value = all[index - 1];
        if (!bits(2, repeat)) return truncated();
        repeat += 3;
      } else if (sym == 17) {
        if (!bits(3, repeat)) return truncated();
        repeat += 3;
      } else {
        if (!bits(7, repeat)) return truncated();
        repeat += 11;
      }
      if (index + static_cast<int>(repeat) > nlen + ndist) return CorruptData("deflate: too many lengths");
      while (repeat--) all[index++] = value;
    }
    if (all[256] == 0) return CorruptData("deflate: no end-of-block code");
    Huffman lit, dist;
    if (!build_huffman(lit, all, nlen)) return CorruptData("deflate: bad literal code");
    if (!build_huffman(dist, all + nlen, ndist)) return CorruptData("deflate: bad distance code");
    return codes(lit, dist);
  }

  const uint8_t* in_;
  size_t size_;
  size_t pos_ = 0;
  uint32_t bit_buffer_ = 0;
  int bit_count_ = 0;
  size_t max_output_;
  std::vector<uint8_t> out_;
  bool fixed_built_ = false;
  Huffman fixed_lit_, fixed_dist_;
};

}  // namespace

Result<std::vector<uint8_t>> inflate_raw(const uint8_t* data, size_t size, size_t max_output,
                                         size_t* consumed) {
  if (data == nullptr && size != 0) return InvalidArgument("inflate: null input");
  Inflater inflater(data, size, max_output);
  Status s = inflater.run();
  if (!s.ok()) return s;
  if (consumed) *consumed = inflater.consumed();
  return std::move(inflater.output());
}

Result<std::vector<uint8_t>> inflate_zlib(const uint8_t* data, size_t size, size_t max_output) {
  if (data == nullptr || size < 2) return CorruptData("zlib: truncated header");
  const uint8_t cmf = data[0], flg = data[1];
  if ((cmf & 0x0f) != 8 || (cmf >> 4) > 7) return CorruptData("zlib: not deflate");
  if (((cmf << 8) | flg) % 31 != 0) return CorruptData("zlib: header check failed");
  if (flg & 0x20) return CorruptData("zlib: preset dictionary not supported");
  size_t used = 0;
  auto out = inflate_raw(data + 2, size - 2, max_output, &used);
  if (!out.ok()) return out;
  const size_t trailer = 2 + used;
  if (size - trailer >= 4) {
    uint32_t a = 1, b = 0;
    for (uint8_t byte : out.value()) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    const uint32_t expected = (uint32_t{data[trailer]} << 24) | (uint32_t{data[trailer + 1]} << 16) |
                              (uint32_t{data[trailer + 2]} << 8) | data[trailer + 3];
    if (((b << 16) | a) != expected) return CorruptData("zlib: Adler-32 mismatch");
  }
  return out;
}

Result<std::vector<uint8_t>> inflate_zlib_prefix(const uint8_t* data, size_t size, size_t max_output) {
  if (data == nullptr || size < 2) return CorruptData("zlib: truncated header");
  if ((data[0] & 0x0f) != 8 || ((data[0] << 8) | data[1]) % 31 != 0 || (data[1] & 0x20)) {
    return CorruptData("zlib: bad header");
  }
  Inflater inflater(data + 2, size - 2, max_output);
  Status s = inflater.run();
  if (!s.ok() && s.code() != StatusCode::kTooLarge) return s;
  return std::move(inflater.output());
}

Result<std::vector<uint8_t>> inflate_gzip(const uint8_t* data, size_t size, size_t max_output) {
  if (data == nullptr || size < 10 || data[0] != 0x1f || data[1] != 0x8b || data[2] != 8) {
    return CorruptData("gzip: bad header");
  }
  const uint8_t flags = data[3];
  size_t pos = 10;
  if (flags & 0x04) {  // FEXTRA
    if (size - pos < 2) return CorruptData("gzip: truncated header");
    const size_t xlen = data[pos] | (data[pos + 1] << 8);
    pos += 2;
    if (size - pos < xlen) return CorruptData("gzip: truncated header");
    pos += xlen;
  }
  for (uint8_t bit : {uint8_t{0x08}, uint8_t{0x10}}) {  // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    while (pos < size && data[pos] != 0) ++pos;
    if (pos >= size) return CorruptData("gzip: truncated header");
    ++pos;
  }
  if (flags & 0x02) pos += 2;  // FHCRC
  if (pos > size) return CorruptData("gzip: truncated header");
  return inflate_raw(data + pos, size - pos, max_output);
}

}  // namespace filigrane::provenance
