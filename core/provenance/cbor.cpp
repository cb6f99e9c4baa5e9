#include "core/provenance/cbor.h"

#include <cmath>
#include <cstring>

namespace filigrane::provenance {

const CborValue* CborValue::find(std::string_view key) const {
  if (type != Type::kMap) return nullptr;
  for (size_t i = 0; i + 1 < entries.size(); i += 2) {
    if (entries[i].type == Type::kText && entries[i].bytes == key) return &entries[i + 1];
  }
  return nullptr;
}

const CborValue* CborValue::find_int(int64_t key) const {
  if (type != Type::kMap) return nullptr;
  for (size_t i = 0; i + 1 < entries.size(); i += 2) {
    const CborValue& k = entries[i];
    if (key >= 0 && k.type == Type::kUnsigned && k.number == static_cast<uint64_t>(key)) return &entries[i + 1];
    if (key < 0 && k.type == Type::kNegative && k.number == static_cast<uint64_t>(-1 - key)) return &entries[i + 1];
  }
  return nullptr;
}

const CborValue& CborValue::untagged() const {
  const CborValue* v = this;
  // Tags nest at most max_depth deep (the decoder enforced it).
  while (v->type == Type::kTag && !v->items.empty()) v = &v->items[0];
  return *v;
}

namespace {

class Decoder {
 public:
  Decoder(const uint8_t* data, size_t size, const CborLimits& limits)
      : data_(data), size_(size), limits_(limits) {}

  Status item(CborValue& out, int depth) {
    if (depth > limits_.max_depth) return TooLarge("cbor: nesting deeper than limit");
    if (++items_ > limits_.max_items) return TooLarge("cbor: more items than limit");
    if (pos_ >= size_) return CorruptData("cbor: truncated");
    const uint8_t initial = data_[pos_++];
    const int major = initial >> 5;
    const int info = initial & 0x1f;
    uint64_t arg = 0;
    bool indefinite = false;
    if (info < 24) {
      arg = static_cast<uint64_t>(info);
    } else if (info <= 27) {
      const size_t width = size_t{1} << (info - 24);
      if (size_ - pos_ < width) return CorruptData("cbor: truncated argument");
      for (size_t i = 0; i < width; ++i) arg = (arg << 8) | data_[pos_ + i];
      pos_ += width;
    } else if (info == 31 && (major == 2 || major == 3 || major == 4 || major == 5)) {
      indefinite = true;
    } else if (info == 31 && major == 7) {
      return CorruptData("cbor: unexpected break");
    } else {
      return CorruptData("cbor: reserved additional info");
    }

    switch (major) {
      case 0:
        out.type = CborValue::Type::kUnsigned;
        out.number = arg;
        return Status::Ok();
      case 1:
        out.type = CborValue::Type::kNegative;
        out.number = arg;
        return Status::Ok();
      case 2:
      case 3:
        out.type = major == 2 ? CborValue::Type::kBytes : CborValue::Type::kText;
        return indefinite ? chunked_string(out, major) : string_body(out.bytes, arg);
      case 4: {
        out.type = CborValue::Type::kArray;
        if (indefinite) {
          for (;;) {
            if (pos_ >= size_) return CorruptData("cbor: truncated array");
            if (data_[pos_] == 0xff) { ++pos_; return Status::Ok(); }
            out.items.emplace_back();
            Status s = item(out.items.back(), depth + 1);
            if (!s.ok()) return s;
          }
        }
        // Every item takes at least one byte: reject impossible counts before reserving.
        if (arg > size_ - pos_) return CorruptData("cbor: array count past end");
        if (arg > limits_.max_items - items_) return TooLarge("cbor: more items than limit");
        out.items.reserve(static_cast<size_t>(arg));
        for (uint64_t i = 0; i < arg; ++i) {
          out.items.emplace_back();
          Status s = item(out.items.back(), depth + 1);
          if (!s.ok()) return s;
        }
        return Status::Ok();
      }
      case 5: {
        out.type = CborValue::Type::kMap;
        if (indefinite) {
          for (;;) {
            if (pos_ >= size_) return CorruptData("cbor: truncated map");
            if (data_[pos_] == 0xff) { ++pos_; return Status::Ok(); }
            for (int half = 0; half < 2; ++half) {
              out.entries.emplace_back();
              Status s = item(out.entries.back(), depth + 1);
              if (!s.ok()) return s;
            }
          }
        }
        if (arg > (size_ - pos_) / 2) return CorruptData("cbor: map count past end");
        if (arg > (limits_.max_items - items_) / 2) return TooLarge("cbor: more items than limit");
        out.entries.reserve(static_cast<size_t>(arg) * 2);
        for (uint64_t i = 0; i < arg * 2; ++i) {
          out.entries.emplace_back();
          Status s = item(out.entries.back(), depth + 1);
          if (!s.ok()) return s;
        }
        return Status::Ok();
      }
      case 6: {
        out.type = CborValue::Type::kTag;
        out.number = arg;
        out.items.emplace_back();
        return item(out.items.back(), depth + 1);
      }
      default:
        return simple(out, info, arg);
    }
  }

  size_t position() const { return pos_; }

 private:
  Status string_body(std::string& out, uint64_t length) {
    if (length > size_ - pos_) return CorruptData("cbor: string length past end");
    out.append(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return Status::Ok();
  }

  Status chunked_string(CborValue& out, int major) {
    for (;;) {
      if (pos_ >= size_) return CorruptData("cbor: truncated string");
      const uint8_t initial = data_[pos_];
      if (initial == 0xff) { ++pos_; return Status::Ok(); }
      if ((initial >> 5) != major || (initial & 0x1f) == 31) return CorruptData("cbor: bad string chunk");
      if (++items_ > limits_.max_items) return TooLarge("cbor: more items than limit");
      ++pos_;
      const int info = initial & 0x1f;
      uint64_t length = 0;
      if (info < 24) {
        length = static_cast<uint64_t>(info);
      } else if (info <= 27) {
        const size_t width = size_t{1} << (info - 24);
        if (size_ - pos_ < width) return CorruptData("cbor: truncated argument");
        for (size_t i = 0; i < width; ++i) length = (length << 8) | data_[pos_ + i];
        pos_ += width;
      } else {
        return CorruptData("cbor: reserved additional info");
      }
      Status s = string_body(out.bytes, length);
      if (!s.ok()) return s;
    }
  }

  static double half_to_double(uint16_t half) {
    const int exponent = (half >> 10) & 0x1f;
    const int mantissa = half & 0x3ff;
    double value;
    if (exponent == 0) value = std::ldexp(mantissa, -24);
    else if (exponent != 31) value = std::ldexp(mantissa + 1024, exponent - 25);
    else value = mantissa == 0 ? INFINITY : NAN;
    return (half & 0x8000) ? -value : value;
  }

  Status simple(CborValue& out, int info, uint64_t arg) {
    if (info == 25) {
      out.type = CborValue::Type::kFloat;
      out.real = half_to_double(static_cast<uint16_t>(arg));
    } else if (info == 26) {
      float f;
      const uint32_t bits32 = static_cast<uint32_t>(arg);
      std::memcpy(&f, &bits32, sizeof f);
      out.type = CborValue::Type::kFloat;
      out.real = f;
    } else if (info == 27) {
      out.type = CborValue::Type::kFloat;
      std::memcpy(&out.real, &arg, sizeof out.real);
    } else if (arg == 20 || arg == 21) {
      out.type = CborValue::Type::kBool;
      out.number = arg == 21;
    } else if (arg == 22) {
      out.type = CborValue::Type::kNull;
    } else if (arg == 23) {
      out.type = CborValue::Type::kUndefined;
    } else {
      out.type = CborValue::Type::kSimple;
      out.number = arg;
    }
    return Status::Ok();
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t items_ = 0;
  CborLimits limits_;
};

}  // namespace

Result<CborValue> decode_cbor(const uint8_t* data, size_t size, const CborLimits& limits,
                              size_t* consumed) {
  if (data == nullptr || size == 0) return CorruptData("cbor: empty input");
  Decoder decoder(data, size, limits);
  CborValue root;
  Status s = decoder.item(root, 0);
  if (!s.ok()) return s;
  if (consumed) *consumed = decoder.position();
  return root;
}

}  // namespace filigrane::provenance
