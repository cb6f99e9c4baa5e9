// Bounded CBOR (RFC 8949) decoder to a small value tree, for C2PA claims,
// assertions and COSE signatures. Limits on nesting depth and item count are
// checked while decoding; every declared length is checked against the bytes
// left before anything is allocated, so memory stays O(input + items).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace filigrane::provenance {

struct CborLimits {
  int max_depth = 32;
  size_t max_items = 200000;
};

struct CborValue {
  enum class Type { kUnsigned, kNegative, kBytes, kText, kArray, kMap, kTag, kBool, kNull, kUndefined, kSimple, kFloat };
  Type type = Type::kNull;
  uint64_t number = 0;   // kUnsigned: value; kNegative: -1 - value; kTag: tag; kSimple: value; kBool: 0/1
  double real = 0;       // kFloat
  std::string bytes;     // kBytes and kText payload (text is not validated as UTF-8)
  std::vector<CborValue> items;                          // kArray; kTag: one tagged item
  std::vector<CborValue> entries;  // kMap: key, value, key, value ... in file order

  bool is_text() const { return type == Type::kText; }
  bool is_map() const { return type == Type::kMap; }
  bool is_array() const { return type == Type::kArray; }
  // Map lookup by text key, or by integer key for find_int; nullptr when absent
  // or when this is not a map.
  const CborValue* find(std::string_view key) const;
  const CborValue* find_int(int64_t key) const;
  // Strips any tags (returns the innermost tagged item).
  const CborValue& untagged() const;
  // Text value, or "" when this is not text.
  std::string text_or_empty() const { return type == Type::kText ? bytes : std::string(); }
};

// Decodes one CBOR data item from the start of `data`. Trailing bytes are
// ignored (`consumed` receives the length used). Fails with kCorruptData for
// malformed or truncated input and kTooLarge when a limit is exceeded.
Result<CborValue> decode_cbor(const uint8_t* data, size_t size, const CborLimits& limits = {},
                              size_t* consumed = nullptr);

}  // namespace filigrane::provenance
